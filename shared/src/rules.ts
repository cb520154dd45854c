import type { AgendaItem, FloorRequest, Proceedings, Speaker } from './proceedings.js';
import type { SiteId } from './ids.js';
import type { SessionStatus } from './domain.js';

/** Session lifecycle: scheduled → open → in_progress ⇄ adjourned → closed (closed is final). */
const NEXT_SESSION_STATUSES: Record<SessionStatus, readonly SessionStatus[]> = {
  scheduled: ['open', 'closed'],
  open: ['in_progress', 'closed'],
  in_progress: ['adjourned', 'closed'],
  adjourned: ['in_progress', 'closed'],
  closed: [],
};
export const canTransition = (from: SessionStatus, to: SessionStatus): boolean =>
  NEXT_SESSION_STATUSES[from].includes(to);
export const nextSessionStatuses = (from: SessionStatus): readonly SessionStatus[] => NEXT_SESSION_STATUSES[from];

// Pure readings of the proceedings that the server enforces and the client displays:
// one implementation, so the screen never disagrees with the server.

/** Key of per-site counters; participants of no site (chair, operators) share one. */
export const NO_SITE_KEY = '_none';
export const siteKey = (siteId: SiteId | null): string => siteId ?? NO_SITE_KEY;

/** Milliseconds left on an agenda item's allotment (negative when over). */
export function itemRemainingMs(item: AgendaItem, now: number): number {
  const running = item.startedAt === null ? 0 : Math.max(0, now - item.startedAt);
  return item.allotmentSec * 1000 - item.elapsedMs - running;
}

/** Milliseconds of the current turn left; negative during the grace period. */
export function speakerRemainingMs(s: Speaker, now: number): number {
  return s.startedAt + s.allottedMs - now;
}

export interface FloorMember {
  participantId: string;
  siteId: SiteId | null;
}

/** Whether a queued request is this participant's own, or asks for its whole site. */
export function isOwnRequest(request: FloorRequest, who: FloorMember): boolean {
  return (
    request.participantId === who.participantId ||
    (request.forSite && request.siteId !== null && request.siteId === who.siteId)
  );
}

/**
 * Whether the floor is with this participant: the person who asked, or everyone at the
 * site when the site asked. These are the microphones a cut-off silences.
 */
export function holdsFloor(p: Proceedings, who: FloorMember): boolean {
  const r = p.speaker?.request;
  if (!r) {
    return false;
  }
  return r.forSite && r.siteId !== null ? who.siteId === r.siteId : who.participantId === r.participantId;
}

/**
 * Whether a participant may have an open microphone. Outside floor mode, everyone. In
 * floor mode only the chair and the site that has the floor (a site speaks as a room,
 * credited to the person who asked); a speaker of no site speaks alone.
 */
export function mayUseMic(p: Proceedings, who: FloorMember, isChair: boolean): boolean {
  if (!p.settings.floorMode || isChair) {
    return true;
  }
  const r = p.speaker?.request;
  if (!r) {
    return false;
  }
  return r.siteId === null ? r.participantId === who.participantId : r.siteId === who.siteId;
}
