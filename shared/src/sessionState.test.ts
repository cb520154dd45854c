import { describe, expect, it } from 'vitest';
import { AgendaItemIdSchema, FloorRequestIdSchema, IssueIdSchema, ParticipantIdSchema } from './ids.js';
import type { LogActor, LogChange, LogEntryBody } from './log.js';
import { T0, daraa, homs, logOf, person, sessionFixture } from './testing.js';
import type { Actor } from './issues.js';
import { applyEntry, replay, type SessionState } from './sessionState.js';

const session = { ...sessionFixture, status: 'scheduled' as const };
const system: LogActor = { kind: 'system', component: 'presence' };
const amal: Actor = {
  participantId: ParticipantIdSchema.parse('amal'),
  displayName: 'Amal',
  role: 'member',
  siteId: daraa,
};

const log = (changes: LogChange[]): LogEntryBody[] => logOf(changes, system);

const item = AgendaItemIdSchema.parse('item_1');
const request = (id: string, participant: string, siteId = daraa) => ({
  id: FloorRequestIdSchema.parse(id),
  siteId,
  participantId: ParticipantIdSchema.parse(participant),
  displayName: participant,
  forSite: false,
  type: 'speak' as const,
  requestedAt: T0,
});
const issueId = IssueIdSchema.parse('iss_1');

const changes: LogChange[] = [
  { type: 'session.created', payload: { session } },
  {
    type: 'participant.joined',
    payload: { participant: person('chair', null, 'chair'), subject: 'inv_chair', node: 'n1' },
  },
  { type: 'chair.taken', payload: { subject: 'inv_chair', displayName: 'Chair' } },
  { type: 'participant.joined', payload: { participant: person('amal', daraa), subject: 'inv_d', node: 'n1' } },
  { type: 'participant.joined', payload: { participant: person('omar', homs), subject: 'inv_h', node: 'n2' } },
  { type: 'session.status', payload: { status: 'open' } },
  { type: 'session.lobby', payload: { enabled: true } },
  { type: 'lobby.waiting', payload: { participant: person('late', homs) } },
  { type: 'lobby.admitted', payload: { participantId: ParticipantIdSchema.parse('late') } },
  {
    type: 'agenda.added',
    payload: {
      item: {
        id: item,
        title: 'Detainees',
        description: '',
        presentingSiteId: homs,
        allotmentSec: 600,
        speakingTimeSec: 60,
        status: 'pending',
        outcome: null,
        startedAt: null,
        elapsedMs: 0,
      },
      atIndex: null,
    },
  },
  { type: 'agenda.started', payload: { itemId: item } },
  { type: 'floor.requested', payload: { request: request('fr_1', 'amal') } },
  { type: 'floor.requested', payload: { request: request('fr_2', 'omar', homs) } },
  { type: 'floor.granted', payload: { requestId: FloorRequestIdSchema.parse('fr_1') } },
  { type: 'floor.settings', payload: { changes: { autoAdvance: true, graceSec: 0 } } },
  { type: 'floor.cutOff', payload: { participantId: ParticipantIdSchema.parse('amal'), dueAt: T0 + 13_000 + 60_000 } },
  { type: 'participant.dropped', payload: { participantId: ParticipantIdSchema.parse('omar') } },
  {
    type: 'issue.raised',
    payload: {
      event: {
        type: 'raised',
        issueId,
        at: T0,
        by: amal,
        title: 'Water',
        details: '',
        category: 'other',
        urgency: 'critical',
        siteId: daraa,
        carriedFrom: null,
      },
      idempotencyKey: 'amal:key-1',
    },
  },
  { type: 'issue.changed', payload: { issueId, events: [{ type: 'acknowledged', issueId, at: T0 + 1, by: amal }] } },
  {
    type: 'alarm.raised',
    payload: {
      alarm: {
        id: 'alm_1',
        siteId: homs,
        siteName: 'Homs',
        level: 'down',
        reasons: ['no_media'],
        raisedAt: T0,
        clearedAt: null,
      },
    },
  },
  { type: 'media.mode', payload: { siteId: homs, mode: 'audio-only', by: 'operator' } },
  { type: 'participant.removed', payload: { participantId: ParticipantIdSchema.parse('omar') } },
];

describe('the state is the fold of the log', () => {
  const state = replay(log(changes)) as SessionState;

  it('rebuilds the session and its participants, presence and the removed list', () => {
    expect(state.session).toMatchObject({ status: 'open', lobby: true });
    expect(Object.keys(state.participants).sort()).toEqual(['amal', 'chair']);
    expect(state.presence).toEqual({ chair: 'n1', amal: 'n1' });
    expect(state.removed).toEqual({ inv_h: true });
    expect(state.admitted).toEqual({ late: true });
    expect(state.lobby).toEqual({});
  });

  it('rebuilds the agenda and the floor, with cut-off and auto-advance', () => {
    expect(state.proceedings.currentItemId).toBe(item);
    expect(state.proceedings.chair).toEqual({ subject: 'inv_chair', displayName: 'Chair' });
    // Amal was cut off; auto-advance gave Omar the floor at the cut-off entry's time.
    expect(state.proceedings.lastCutOff?.participantId).toBe('amal');
    expect(state.proceedings.speaker?.request.id).toBe('fr_2');
    expect(state.proceedings.speakingTime.byParticipant['amal']).toBe(60_000);
    // Every proceedings entry bumped the version once.
    expect(state.proceedings.version).toBe(8);
  });

  it('rebuilds the issues with their idempotency keys, the alarms and the media modes', () => {
    expect(state.issues[issueId]).toMatchObject({ status: 'acknowledged', acknowledgedAt: T0 + 1 });
    expect(state.issueKeys).toEqual({ 'amal:key-1': issueId });
    expect(Object.keys(state.alarms)).toEqual(['homs']);
    expect(state.alarmLog).toHaveLength(1);
    expect(state.mediaModes).toEqual({ homs: { mode: 'audio-only', by: 'operator' } });
  });

  it('an unchanged area keeps its object, so a store writes only what changed', () => {
    const entries = log(changes);
    const before = replay(entries.slice(0, -1)) as SessionState;
    const after = applyEntry(before, entries.at(-1)!);
    expect(after.proceedings).toBe(before.proceedings);
    expect(after.issues).toBe(before.issues);
    expect(after.participants).not.toBe(before.participants);
  });

  it('an entry before the session was created is refused', () => {
    expect(() => applyEntry(null, log(changes)[1]!)).toThrow(/before the session was created/);
  });
});
