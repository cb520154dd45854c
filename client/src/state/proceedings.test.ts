import { describe, expect, it } from 'vitest';
import {
  AgendaItemIdSchema,
  DEFAULT_FLOOR_SETTINGS,
  emptyProceedings,
  ParticipantIdSchema,
  SessionIdSchema,
  SiteIdSchema,
  type AgendaItem,
  type FloorRequest,
  type Participant,
  type Proceedings,
} from '@concord/shared';
import {
  formatClock,
  holdsFloor,
  itemRemainingMs,
  liveSpeakingTime,
  mayUseMic,
  movedIds,
  ownPosition,
  speakerRemainingMs,
  spotlightIds,
} from './proceedings';

const daraa = SiteIdSchema.parse('daraa');
const homs = SiteIdSchema.parse('homs');
const pid = (id: string) => ParticipantIdSchema.parse(id);

function participant(id: string, siteId: typeof daraa | null): Participant {
  return {
    id: pid(id),
    sessionId: SessionIdSchema.parse('s'),
    siteId,
    displayName: id,
    role: 'member',
    connection: 'connected',
    joinedAt: 0,
  };
}

function request(id: string, who: Participant, forSite = false): FloorRequest {
  return {
    id,
    siteId: who.siteId,
    participantId: who.id,
    displayName: who.displayName,
    forSite,
    type: 'speak',
    requestedAt: 0,
  };
}

function item(id: string, patch: Partial<AgendaItem> = {}): AgendaItem {
  return {
    id: AgendaItemIdSchema.parse(id),
    title: id,
    description: '',
    presentingSiteId: null,
    allotmentSec: 600,
    speakingTimeSec: null,
    status: 'pending',
    outcome: null,
    startedAt: null,
    elapsedMs: 0,
    ...patch,
  };
}

function proceedings(patch: Partial<Proceedings> = {}): Proceedings {
  const settings = { ...DEFAULT_FLOOR_SETTINGS, fairness: 'fifo' as const, defaultSpeakingSec: 120 };
  return { ...emptyProceedings(settings), version: 1, ...patch };
}

const amal = participant('amal', daraa);
const omar = participant('omar', daraa);
const huda = participant('huda', homs);

describe('timers run on the server clock', () => {
  it('counts an item down from its allotment, earlier runs included', () => {
    const running = item('a', { startedAt: 1_000, elapsedMs: 60_000 });
    expect(itemRemainingMs(running, 31_000)).toBe(600_000 - 60_000 - 30_000);
    expect(itemRemainingMs(item('b', { elapsedMs: 5_000 }), 99_999)).toBe(595_000);
  });

  it('goes negative in the grace period of a turn', () => {
    const speaker = { request: request('r', amal), startedAt: 10_000, allottedMs: 60_000 };
    expect(speakerRemainingMs(speaker, 40_000)).toBe(30_000);
    expect(speakerRemainingMs(speaker, 75_000)).toBe(-5_000);
  });

  it('shows m:ss, a minus when over, and hours when long', () => {
    expect(formatClock(125_000)).toBe('2:05');
    expect(formatClock(500)).toBe('0:01');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(-1)).toBe('-0:01');
    expect(formatClock(-65_000)).toBe('-1:05');
    expect(formatClock(3_725_000)).toBe('1:02:05');
  });
});

describe('who has the floor', () => {
  it('a request for the site gives the floor, the spotlight and the microphone to everyone there', () => {
    const p = proceedings({
      speaker: { request: request('r', amal, true), startedAt: 0, allottedMs: 1 },
      settings: { ...proceedings().settings, floorMode: true },
    });
    const everyone = new Map([amal, omar, huda].map((x) => [x.id, x]));
    expect(holdsFloor(p, omar)).toBe(true);
    expect(holdsFloor(p, huda)).toBe(false);
    expect([...spotlightIds(p, everyone)].sort()).toEqual([amal.id, omar.id]);
    expect(mayUseMic(p, omar, false)).toBe(true);
    expect(mayUseMic(p, huda, false)).toBe(false);
  });

  it('a personal request spotlights the person only, but floor mode opens the whole site', () => {
    const p = proceedings({
      speaker: { request: request('r', amal), startedAt: 0, allottedMs: 1 },
      settings: { ...proceedings().settings, floorMode: true },
    });
    expect(holdsFloor(p, omar)).toBe(false);
    expect([...spotlightIds(p, new Map([[amal.id, amal]]))]).toEqual([amal.id]);
    expect(mayUseMic(p, omar, false)).toBe(true);
  });

  it('in floor mode with nobody on the floor only the chair may speak', () => {
    const p = proceedings({ settings: { ...proceedings().settings, floorMode: true } });
    expect(mayUseMic(p, amal, false)).toBe(false);
    expect(mayUseMic(p, amal, true)).toBe(true);
    expect(mayUseMic(proceedings(), amal, false)).toBe(true);
  });
});

describe('the queue as a member sees it', () => {
  it('counts the place of the first own or own-site request', () => {
    const p = proceedings({ queue: [request('1', huda), request('2', amal, true), request('3', omar)] });
    expect(ownPosition(p, omar)).toBe(2);
    expect(ownPosition(p, huda)).toBe(1);
    expect(ownPosition(proceedings(), huda)).toBeNull();
  });

  it('adds the running turn to the speaking time', () => {
    const p = proceedings({
      speaker: { request: request('r', amal), startedAt: 1_000, allottedMs: 60_000 },
      speakingTime: { bySite: { daraa: 5_000 }, byParticipant: { amal: 5_000 } },
    });
    const live = liveSpeakingTime(p, 4_000);
    expect(live.bySite.get('daraa')).toBe(8_000);
    expect(live.byParticipant.get('amal')).toBe(8_000);
  });
});

describe('reordering the agenda', () => {
  it('swaps an item with its neighbour and refuses to move past either end', () => {
    const agenda = [item('a'), item('b'), item('c')];
    expect(movedIds(agenda, 1, -1)).toEqual(['b', 'a', 'c']);
    expect(movedIds(agenda, 1, 1)).toEqual(['a', 'c', 'b']);
    expect(movedIds(agenda, 0, -1)).toBeNull();
    expect(movedIds(agenda, 2, 1)).toBeNull();
  });
});
