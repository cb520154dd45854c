import {
  may,
  holdsFloor as holdsFloorRule,
  isOwnRequest as isOwnRequestRule,
  mayUseMic as mayUseMicRule,
  siteKey,
  type Action,
  type AgendaItem,
  type FloorRequest,
  type Issue,
  type IssueId,
  type IssueSettings,
  type Participant,
  type ParticipantId,
  type Proceedings,
  type Session,
  type SiteId,
} from '@concord/shared';

// Pure readings of the proceedings for the UI. Every timer is computed from the server's
// timestamps and the server clock estimate (`Date.now() + clockOffsetMs`), never from when
// an update happened to arrive: two cities then show the same countdown.

// The rules the server enforces come from shared/, so the screen cannot disagree with it.
export { NO_SITE_KEY, itemRemainingMs, siteKey, speakerRemainingMs } from '@concord/shared';

/**
 * Whether this participant may do `action` now: the shared permission table, asked with its
 * role and whether it holds the chair (`holdsChair`). Controls are shown by it, so the
 * screen offers what the server allows.
 */
export function mayDo(who: { self: Pick<Participant, 'role'> | null; isChair: boolean }, action: Action): boolean {
  return who.self !== null && may({ role: who.self.role, isChair: who.isChair }, action);
}

/** What the chair's tab holds: running the agenda and the floor, moderation, triage. */
const CHAIR_ACTIONS: readonly Action[] = ['agenda.edit', 'agenda.run', 'floor.run', 'moderate', 'issue.triage'];

/** Whether this participant gets the chair's tab (whoever holds the chair, whatever their role). */
export const runsSession = (who: { self: Pick<Participant, 'role'> | null; isChair: boolean }): boolean =>
  CHAIR_ACTIONS.some((action) => mayDo(who, action));

/** The server's clock now, as far as this client can tell. */
export const serverNow = (clockOffsetMs: number): number => Date.now() + clockOffsetMs;

export function currentItem(p: Proceedings): AgendaItem | null {
  return p.agenda.find((i) => i.id === p.currentItemId) ?? null;
}

/** `m:ss` (or `h:mm:ss`), with a leading minus when over time. */
export function formatClock(ms: number): string {
  const over = ms < 0;
  // A countdown shows 0:01 until the last second is gone, and -0:01 as soon as it is over.
  const total = Math.ceil(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  const body = hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
  return over && total > 0 ? `-${body}` : body;
}

/** Whom a request speaks for: a whole site, or one person. */
type Who = Pick<Participant, 'id' | 'siteId'>;

const member = (who: Who) => ({ participantId: who.id, siteId: who.siteId });

/** Whether a request is this participant's own, or asks for this participant's whole site. */
export const isOwnRequest = (request: FloorRequest, who: Who): boolean => isOwnRequestRule(request, member(who));

/** Whether the floor is with this participant (or with the whole site this participant is at). */
export const holdsFloor = (p: Proceedings, who: Who): boolean => holdsFloorRule(p, member(who));

/** Whether the server lets this participant open the microphone (see shared/src/rules.ts). */
export const mayUseMic = (p: Proceedings, who: Who, isChair: boolean): boolean =>
  mayUseMicRule(p, member(who), isChair);

/** The tiles to show large: the speaker, or every participant of the site that has the floor. */
export function spotlightIds(
  p: Proceedings | null,
  participants: ReadonlyMap<ParticipantId, Participant>,
): ReadonlySet<ParticipantId> {
  const request = p?.speaker?.request;
  if (!request) {
    return new Set();
  }
  if (request.forSite && request.siteId !== null) {
    const ids = [...participants.values()].filter((x) => x.siteId === request.siteId).map((x) => x.id);
    return new Set(ids.length > 0 ? ids : [request.participantId]);
  }
  return new Set([request.participantId]);
}

/** 1-based place of this participant's first request in the queue, or null. */
export function ownPosition(p: Proceedings, who: Who): number | null {
  const index = p.queue.findIndex((r) => isOwnRequest(r, who));
  return index < 0 ? null : index + 1;
}

export interface SpeakingTotals {
  bySite: ReadonlyMap<string, number>;
  byParticipant: ReadonlyMap<string, number>;
}

/** Speaking time so far, the running turn included. */
export function liveSpeakingTime(p: Proceedings, now: number): SpeakingTotals {
  const bySite = new Map(Object.entries(p.speakingTime.bySite));
  const byParticipant = new Map(Object.entries(p.speakingTime.byParticipant));
  const s = p.speaker;
  if (s) {
    const running = Math.max(0, now - s.startedAt);
    const site = siteKey(s.request.siteId);
    bySite.set(site, (bySite.get(site) ?? 0) + running);
    const person = s.request.participantId;
    byParticipant.set(person, (byParticipant.get(person) ?? 0) + running);
  }
  return { bySite, byParticipant };
}

export function siteName(session: Session | null, siteId: SiteId | null): string | null {
  if (siteId === null) {
    return null;
  }
  return session?.sites.find((s) => s.id === siteId)?.name ?? null;
}

/** The ids of the agenda with one item moved by `delta` places, or null at either end. */
export function movedIds(agenda: readonly AgendaItem[], index: number, delta: -1 | 1): AgendaItem['id'][] | null {
  const target = index + delta;
  const item = agenda[index];
  const other = agenda[target];
  if (!item || !other) {
    return null;
  }
  const ids = agenda.map((i) => i.id);
  ids[index] = other.id;
  ids[target] = item.id;
  return ids;
}

/** What the proceedings panels read: the session as it stands, once joined. */
export interface ProceedingsView {
  proceedings: Proceedings;
  self: Participant;
  session: Session;
  participants: ReadonlyMap<ParticipantId, Participant>;
  clockOffsetMs: number;
  isChair: boolean;
  /** The issue queue by id (order it with `orderIssues`), and its categories and targets. */
  issues: ReadonlyMap<IssueId, Issue>;
  issueSettings: IssueSettings;
}

export function proceedingsView(state: {
  proceedings: Proceedings | null;
  self: Participant | null;
  session: Session | null;
  participants: ReadonlyMap<ParticipantId, Participant>;
  clockOffsetMs: number;
  isChair: boolean;
  issues: ReadonlyMap<IssueId, Issue>;
  issueSettings: IssueSettings;
}): ProceedingsView | null {
  const { proceedings, self, session } = state;
  if (!proceedings || !self || !session) {
    return null;
  }
  return {
    proceedings,
    self,
    session,
    participants: state.participants,
    clockOffsetMs: state.clockOffsetMs,
    isChair: state.isChair,
    issues: state.issues,
    issueSettings: state.issueSettings,
  };
}

/** A participant's name, also for one who has left (taken from the floor records then). */
export function nameOf(view: Pick<ProceedingsView, 'proceedings' | 'participants'>, id: string): string | null {
  for (const participant of view.participants.values()) {
    if (participant.id === id) {
      return participant.displayName;
    }
  }
  const p = view.proceedings;
  const request = [p.speaker?.request, ...p.queue].find((r) => r?.participantId === id);
  return request?.displayName ?? null;
}
