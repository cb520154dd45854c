import type { Proceedings, Role, SiteId } from '@concord/shared';

/**
 * Chair rights belong to an invite identity. Until someone holds the chair, any
 * chair-role invite may take it; after that only the holder (or whoever it was handed to).
 */
export function holdsChair(p: Proceedings, subject: string, role: Role): boolean {
  return p.chair === null ? role === 'chair' : p.chair.subject === subject;
}

export interface MicOwner {
  participantId: string;
  siteId: SiteId | null;
  isChair: boolean;
}

/**
 * Whether a participant may have an open microphone. Outside floor mode, everyone. In
 * floor mode only the chair and the site that has the floor (a site speaks as a room,
 * credited to the person who asked).
 */
export function mayUseMic(p: Proceedings, who: MicOwner): boolean {
  if (!p.settings.floorMode || who.isChair) {
    return true;
  }
  const s = p.speaker;
  if (!s) {
    return false;
  }
  return s.request.siteId === null ? s.request.participantId === who.participantId : s.request.siteId === who.siteId;
}

/** Who the floor was given to, for muting at the cut-off: the site when asked for the site. */
export function floorHolders(p: Proceedings, who: Omit<MicOwner, 'isChair'>): boolean {
  const s = p.speaker;
  if (!s) {
    return false;
  }
  return s.request.forSite && s.request.siteId !== null ? who.siteId === s.request.siteId : who.participantId === s.request.participantId;
}
