import { z } from 'zod';
import { ParticipantSchema, SessionSchema, type Participant, type Session } from './domain.js';
import type { ParticipantId } from './ids.js';
import { AlarmSchema, MediaModeSchema, type Alarm } from './health.js';
import { DEFAULT_ISSUE_SETTINGS, IssueSchema, IssueSettingsSchema, type Issue } from './issues.js';
import { applyIssueEvent } from './issueRules.js';
import type { LogChange, LogEntryBody } from './log.js';
import { ProceedingsSchema, type Proceedings } from './proceedings.js';
import { DEFAULT_FLOOR_SETTINGS, emptyProceedings } from './proceedingsDefaults.js';
import { addItem, deleteItem, editItem, finishItem, reorder, startItem } from './agenda.js';
import { cutOff, endTurn, extend, grant, moveRequest, removeRequest, requestFloor } from './floor.js';
import { assertUnreachable } from './assert.js';

// The state of a session as the fold of its log: the server keeps it (in Redis and in each
// node's memory), the client keeps it, a replay rebuilds it. One reducer for all three.

/** Alarm records kept in the state, newest first (the log keeps them all). */
export const ALARM_LOG_LENGTH = 100;

export const SiteMediaModeSchema = z.strictObject({ mode: MediaModeSchema, by: z.enum(['operator', 'auto']) });
export type SiteMediaMode = z.infer<typeof SiteMediaModeSchema>;

const map = <V extends z.ZodType>(value: V) => z.record(z.string(), value);

export const SessionStateSchema = z.strictObject({
  session: SessionSchema,
  /** Every participant with a place: connected, or reconnecting within the grace. */
  participants: map(ParticipantSchema),
  /** The node that holds each connected participant's connection. */
  presence: map(z.string()),
  /** Participant → invite subject (chair rights and removals follow subjects). */
  subjects: map(z.string()),
  /** Who waits in the lobby. */
  lobby: map(ParticipantSchema),
  /** Participants the chair admitted from the lobby. */
  admitted: map(z.literal(true)),
  /** Invite subjects the chair removed: they may not come back. */
  removed: map(z.literal(true)),
  proceedings: ProceedingsSchema,
  issues: map(IssueSchema),
  /** `<participant>:<idempotency key>` → issue id: a retried raise finds its issue. */
  issueKeys: map(z.string()),
  issueSettings: IssueSettingsSchema,
  /** Open alarms, by site. */
  alarms: map(AlarmSchema),
  /** The latest alarm records, raised and cleared, newest first. */
  alarmLog: z.array(AlarmSchema).max(ALARM_LOG_LENGTH),
  /** Sites whose video an operator (or the automatic policy) moved down. */
  mediaModes: map(SiteMediaModeSchema),
  autoPolicy: z.boolean(),
});
export type SessionState = z.infer<typeof SessionStateSchema>;

export function initialState(session: Session, floorMode = false): SessionState {
  return {
    session,
    participants: {},
    presence: {},
    subjects: {},
    lobby: {},
    admitted: {},
    removed: {},
    proceedings: emptyProceedings({ ...DEFAULT_FLOOR_SETTINGS, floorMode }),
    issues: {},
    issueKeys: {},
    issueSettings: DEFAULT_ISSUE_SETTINGS,
    alarms: {},
    alarmLog: [],
    mediaModes: {},
    autoPolicy: false,
  };
}

const without = <V>(record: Record<string, V>, key: string): Record<string, V> => {
  if (!(key in record)) {
    return record;
  }
  const { [key]: _gone, ...rest } = record;
  return rest;
};

/** A proceedings change bumps the version chair commands compare against. */
const proceedings = (s: SessionState, change: (p: Proceedings) => Proceedings): SessionState => ({
  ...s,
  proceedings: { ...change(s.proceedings), version: s.proceedings.version + 1 },
});

const participant = (s: SessionState, id: string, change: (p: Participant) => Participant): SessionState => {
  const p = s.participants[id];
  return p === undefined ? s : { ...s, participants: { ...s.participants, [id]: change(p) } };
};

const logAlarm = (s: SessionState, alarm: Alarm): Alarm[] => [alarm, ...s.alarmLog].slice(0, ALARM_LOG_LENGTH);

/**
 * Applies one entry. Total on a valid log: every entry was checked against the state it
 * is applied to before it was written. The `session.created` entry starts a state from nothing.
 */
export function applyEntry(state: SessionState | null, e: LogEntryBody): SessionState {
  if (e.type === 'session.created') {
    return initialState(e.payload.session, e.payload.floorMode);
  }
  if (state === null) {
    throw new Error(`entry ${e.seq} (${e.type}) before the session was created`);
  }
  return applyChange(state, e, e.at);
}

function applyChange(s: SessionState, c: LogChange, at: number): SessionState {
  switch (c.type) {
    case 'session.created':
      return initialState(c.payload.session, c.payload.floorMode);
    case 'session.status':
      return { ...s, session: { ...s.session, status: c.payload.status } };
    case 'session.locked':
      return { ...s, session: { ...s.session, locked: c.payload.locked } };
    case 'session.lobby':
      return { ...s, session: { ...s.session, lobby: c.payload.enabled } };

    case 'participant.joined': {
      const p = c.payload.participant;
      return {
        ...s,
        participants: { ...s.participants, [p.id]: p },
        presence: { ...s.presence, [p.id]: c.payload.node },
        subjects: { ...s.subjects, [p.id]: c.payload.subject },
        lobby: without(s.lobby, p.id),
      };
    }
    case 'participant.returned': {
      const { participantId, displayName, node } = c.payload;
      const next = participant(s, participantId, (p) => ({ ...p, displayName, connection: 'connected' }));
      return { ...next, presence: { ...next.presence, [participantId]: node } };
    }
    case 'participant.dropped': {
      const next = participant(s, c.payload.participantId, (p) => ({ ...p, connection: 'reconnecting' }));
      return { ...next, presence: without(next.presence, c.payload.participantId) };
    }
    case 'participant.left':
      return {
        ...s,
        participants: without(s.participants, c.payload.participantId),
        presence: without(s.presence, c.payload.participantId),
      };
    case 'participant.removed': {
      const subject = s.subjects[c.payload.participantId];
      return {
        ...s,
        participants: without(s.participants, c.payload.participantId),
        presence: without(s.presence, c.payload.participantId),
        removed: subject === undefined ? s.removed : { ...s.removed, [subject]: true },
      };
    }

    case 'lobby.waiting':
      return { ...s, lobby: { ...s.lobby, [c.payload.participant.id]: c.payload.participant } };
    case 'lobby.admitted':
      return {
        ...s,
        lobby: without(s.lobby, c.payload.participantId),
        admitted: { ...s.admitted, [c.payload.participantId]: true },
      };
    case 'lobby.refused':
    case 'lobby.gone':
      return { ...s, lobby: without(s.lobby, c.payload.participantId) };

    case 'chair.taken':
    case 'chair.handedOver': {
      const { subject, displayName } = c.payload;
      return proceedings(s, (p) => ({ ...p, chair: { subject, displayName } }));
    }

    case 'agenda.added': {
      const { item, atIndex } = c.payload;
      const { id, title, description, presentingSiteId, allotmentSec, speakingTimeSec } = item;
      const fields = { title, description, presentingSiteId, allotmentSec, speakingTimeSec };
      return proceedings(s, (p) => addItem(p, id, fields, atIndex ?? undefined));
    }
    case 'agenda.edited':
      return proceedings(s, (p) => editItem(p, c.payload.itemId, definedOnly(c.payload.changes)));
    case 'agenda.reordered':
      return proceedings(s, (p) => reorder(p, c.payload.itemIds));
    case 'agenda.deleted':
      return proceedings(s, (p) => deleteItem(p, c.payload.itemId));
    case 'agenda.started':
      return proceedings(s, (p) => startItem(p, c.payload.itemId, at));
    case 'agenda.finished':
      return proceedings(s, (p) => finishItem(p, c.payload.itemId, c.payload.status, c.payload.outcome, at));

    case 'floor.requested':
      return proceedings(s, (p) => requestFloor(p, c.payload.request));
    case 'floor.withdrawn':
      return proceedings(s, (p) => removeRequest(p, c.payload.requestId));
    case 'floor.granted':
      return proceedings(s, (p) => grant(p, c.payload.requestId, at));
    case 'floor.moved':
      return proceedings(s, (p) => moveRequest(p, c.payload.requestId, c.payload.toIndex));
    case 'floor.extended':
      return proceedings(s, (p) => extend(p, c.payload.seconds));
    case 'floor.ended':
      return proceedings(s, (p) => endTurn(p, at));
    case 'floor.cutOff':
      return proceedings(s, (p) => cutOff(p, c.payload.dueAt, at));
    case 'floor.settings':
      return proceedings(s, (p) => ({ ...p, settings: { ...p.settings, ...definedOnly(c.payload.changes) } }));
    case 'moderation.muted':
      return s;

    case 'issue.raised': {
      const issue = applyIssueEvent(null, c.payload.event);
      return {
        ...s,
        issues: { ...s.issues, [issue.id]: issue },
        issueKeys: { ...s.issueKeys, [c.payload.idempotencyKey]: issue.id },
      };
    }
    case 'issue.changed': {
      const before = s.issues[c.payload.issueId] ?? null;
      const issue = c.payload.events.reduce<Issue | null>((i, ev) => applyIssueEvent(i, ev), before);
      return issue === null ? s : { ...s, issues: { ...s.issues, [issue.id]: issue } };
    }
    case 'issue.settings':
      return { ...s, issueSettings: c.payload.settings };

    case 'alarm.raised':
      return {
        ...s,
        alarms: { ...s.alarms, [c.payload.alarm.siteId]: c.payload.alarm },
        alarmLog: logAlarm(s, c.payload.alarm),
      };
    case 'alarm.cleared':
      return { ...s, alarms: without(s.alarms, c.payload.alarm.siteId), alarmLog: logAlarm(s, c.payload.alarm) };
    case 'media.mode': {
      const { siteId, mode, by } = c.payload;
      return { ...s, mediaModes: { ...s.mediaModes, [siteId]: { mode, by } } };
    }
    case 'health.autoPolicy':
      return { ...s, autoPolicy: c.payload.enabled };
    default:
      return assertUnreachable(c);
  }
}

/** A change object without its absent fields (they mean "unchanged", not "set to undefined"). */
function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The place an invite holds in the session: the participant joined with this invite's subject
 * that has not left. One invite, one place: a second tab or device on the same link takes it
 * over (the chair issues separate invites for a site's several devices).
 */
export function placeOf(state: SessionState, subject: string): ParticipantId | null {
  for (const [pid, s] of Object.entries(state.subjects)) {
    if (s === subject && state.participants[pid] !== undefined) {
      return pid as ParticipantId;
    }
  }
  return null;
}

/** Folds a whole log (from its `session.created` entry) into the state it describes. */
export function replay(entries: Iterable<LogEntryBody>): SessionState | null {
  let state: SessionState | null = null;
  for (const e of entries) {
    state = applyEntry(state, e);
  }
  return state;
}
