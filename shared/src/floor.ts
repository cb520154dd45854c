import { DomainError, ErrorCode } from './errors.js';
import { siteKey } from './rules.js';
import type { FloorRequest, FloorRequestType, Proceedings, Speaker } from './proceedings.js';
import { assertUnreachable } from './assert.js';

// The floor: one speaker queue across all cities. Plain functions over plain data; the
// caller passes the time, so countdowns and cut-offs are tested with an injected clock.

const typeRank = (t: FloorRequestType): number => {
  switch (t) {
    case 'point_of_order':
      return 0;
    case 'reply':
    case 'speak':
      return 1;
    default:
      return assertUnreachable(t);
  }
};

/**
 * Where a new request goes. Points of order pre-empt everything but earlier points of
 * order. Then the fairness rule: `fifo` keeps arrival order; `alternate-sites` gives each
 * request a round (turns its site already had, plus its site's requests ahead of it) and
 * no request of a later round goes before one of an earlier round.
 * The position is fixed at insertion: the chair's later moves are respected.
 */
export function insertionIndex(p: Proceedings, req: FloorRequest): number {
  const rank = typeRank(req.type);
  if (rank === 0) {
    const firstOther = p.queue.findIndex((q) => typeRank(q.type) !== 0);
    return firstOther === -1 ? p.queue.length : firstOther;
  }
  switch (p.settings.fairness) {
    case 'fifo':
      return p.queue.length;
    case 'alternate-sites': {
      const rounds = roundsOf(p);
      const key = siteKey(req.siteId);
      const myRound =
        (p.turns[key] ?? 0) + p.queue.filter((q) => typeRank(q.type) !== 0 && siteKey(q.siteId) === key).length;
      // After every request of an earlier or equal round (and after points of order).
      let index = 0;
      p.queue.forEach((q, i) => {
        if (typeRank(q.type) === 0 || (rounds.get(q.id) ?? 0) <= myRound) {
          index = i + 1;
        }
      });
      return index;
    }
    default:
      return assertUnreachable(p.settings.fairness);
  }
}

/** The round of each queued request under alternate-sites fairness. */
function roundsOf(p: Proceedings): Map<string, number> {
  const seen = new Map<string, number>();
  const rounds = new Map<string, number>();
  for (const q of p.queue) {
    if (typeRank(q.type) === 0) {
      continue;
    }
    const key = siteKey(q.siteId);
    const ahead = seen.get(key) ?? 0;
    rounds.set(q.id, (p.turns[key] ?? 0) + ahead);
    seen.set(key, ahead + 1);
  }
  return rounds;
}

export function requestFloor(p: Proceedings, req: FloorRequest): Proceedings {
  const duplicate = p.queue.find((q) =>
    req.forSite
      ? q.forSite && q.siteId === req.siteId && q.type === req.type
      : q.participantId === req.participantId && q.type === req.type,
  );
  if (duplicate) {
    throw new DomainError(
      ErrorCode.ALREADY_REQUESTED,
      req.forSite ? 'your site already asked for the floor this way' : 'you already asked for the floor this way',
    );
  }
  if (req.type === 'reply' && p.speaker === null) {
    throw new DomainError(ErrorCode.NO_SPEAKER_TO_REPLY, 'there is no speaker to reply to');
  }
  const index = insertionIndex(p, req);
  const queue = [...p.queue.slice(0, index), req, ...p.queue.slice(index)];
  return { ...p, queue };
}

function requireRequest(p: Proceedings, requestId: string): FloorRequest {
  const req = p.queue.find((q) => q.id === requestId);
  if (!req) {
    throw new DomainError(ErrorCode.NOT_FOUND, 'floor request not found');
  }
  return req;
}

export function removeRequest(p: Proceedings, requestId: string): Proceedings {
  requireRequest(p, requestId);
  return { ...p, queue: p.queue.filter((q) => q.id !== requestId) };
}

/** The chair moves a request to a new place in the queue (0 = next). */
export function moveRequest(p: Proceedings, requestId: string, toIndex: number): Proceedings {
  const req = requireRequest(p, requestId);
  const rest = p.queue.filter((q) => q.id !== requestId);
  const at = Math.max(0, Math.min(toIndex, rest.length));
  return { ...p, queue: [...rest.slice(0, at), req, ...rest.slice(at)] };
}

/** Speaking time for a new turn: the current item's, else the session default. */
export function turnLengthMs(p: Proceedings): number {
  const item = p.agenda.find((i) => i.id === p.currentItemId);
  return (item?.speakingTimeSec ?? p.settings.defaultSpeakingSec) * 1000;
}

/** Ends the current turn (if any), crediting the time spoken to the site and the person. */
export function endTurn(p: Proceedings, now: number): Proceedings {
  const s = p.speaker;
  if (!s) {
    return p;
  }
  const spoken = Math.max(0, now - s.startedAt);
  const site = siteKey(s.request.siteId);
  const person = s.request.participantId;
  return {
    ...p,
    speaker: null,
    speakingTime: {
      bySite: { ...p.speakingTime.bySite, [site]: (p.speakingTime.bySite[site] ?? 0) + spoken },
      byParticipant: {
        ...p.speakingTime.byParticipant,
        [person]: (p.speakingTime.byParticipant[person] ?? 0) + spoken,
      },
    },
  };
}

/** Gives the floor to a queued request (the first when `requestId` is null). */
export function grant(p: Proceedings, requestId: string | null, now: number): Proceedings {
  const req = requestId === null ? p.queue[0] : requireRequest(p, requestId);
  if (!req) {
    throw new DomainError(ErrorCode.QUEUE_EMPTY, 'nobody is waiting for the floor');
  }
  const ended = endTurn(p, now);
  const key = siteKey(req.siteId);
  const speaker: Speaker = { request: req, startedAt: now, allottedMs: turnLengthMs(p) };
  return {
    ...ended,
    queue: ended.queue.filter((q) => q.id !== req.id),
    speaker,
    turns: { ...ended.turns, [key]: (ended.turns[key] ?? 0) + 1 },
  };
}

export function extend(p: Proceedings, seconds: number): Proceedings {
  if (!p.speaker) {
    throw new DomainError(ErrorCode.NO_SPEAKER, 'nobody has the floor');
  }
  return { ...p, speaker: { ...p.speaker, allottedMs: p.speaker.allottedMs + seconds * 1000 } };
}

/** When the speaker is cut off: the end of the allotted time plus the grace period. */
export function cutOffAt(p: Proceedings): number | null {
  return p.speaker ? p.speaker.startedAt + p.speaker.allottedMs + p.settings.graceSec * 1000 : null;
}

export type TickOutcome = { kind: 'none' } | { kind: 'cut_off'; participantId: string; next: FloorRequest | null };

/**
 * Advances the clock: a speaker past time plus grace is cut off, and with auto-advance
 * the next request gets the floor.
 */
export function tick(p: Proceedings, now: number): { proceedings: Proceedings; outcome: TickOutcome } {
  const at = cutOffAt(p);
  if (at === null || now < at || !p.speaker) {
    return { proceedings: p, outcome: { kind: 'none' } };
  }
  const participantId = p.speaker.request.participantId;
  const next = cutOff(p, at, now);
  const granted = p.settings.autoAdvance ? (next.speaker?.request ?? null) : null;
  return { proceedings: next, outcome: { kind: 'cut_off', participantId, next: granted } };
}

/**
 * Cuts the speaker off at `dueAt` (their time plus grace), crediting only the time allowed,
 * not the clock's lateness; with auto-advance the next request gets the floor at `now`.
 */
export function cutOff(p: Proceedings, dueAt: number, now: number): Proceedings {
  if (!p.speaker) {
    return p;
  }
  const participantId = p.speaker.request.participantId;
  const next: Proceedings = { ...endTurn(p, dueAt), lastCutOff: { participantId, at: dueAt } };
  return p.settings.autoAdvance && next.queue.length > 0 ? grant(next, null, now) : next;
}
