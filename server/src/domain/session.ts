import {
  ErrorCode,
  assertUnreachable,
  canTransition,
  isReservedId,
  SessionIdSchema,
  SiteIdSchema,
  type Participant,
  type Session,
  type SessionId,
  type Site,
  type SiteId,
  type SiteNames,
  type TokenClaims,
} from '@concord/shared';

// Session rules as plain functions over plain data: no I/O, no clock of their own.

export interface NewSession {
  id: string;
  title: string;
  siteNames: readonly string[];
  /** Each site's name in the UI languages, by index of `siteNames` (none: the one name everywhere). */
  localNames?: readonly (SiteNames | undefined)[];
  /** Floor mode from the start (default on: a joint session's rooms are muted unless they have the floor). */
  floorMode?: boolean;
}

/** Readable, stable site ids from their names ("Daraa" → "daraa"), unique within a session. */
export function siteIdsFor(names: readonly string[], localNames: readonly (SiteNames | undefined)[] = []): Site[] {
  const used = new Set<string>();
  return names.map((name, index) => {
    const slug = name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48);
    let id = slug.length > 0 && !isReservedId(slug) ? slug : `site-${index + 1}`;
    for (let n = 2; used.has(id); n++) {
      id = `${slug.length > 0 ? slug : 'site'}-${n}`;
    }
    used.add(id);
    const names = localNames[index];
    return { id: SiteIdSchema.parse(id), name, ...(names === undefined ? {} : { names }) };
  });
}

export function newSession(input: NewSession, nowMs: number): Session {
  return {
    id: SessionIdSchema.parse(input.id),
    title: input.title,
    // Every session starts scheduled; the chair opens it (participants may join before).
    status: 'scheduled',
    sites: siteIdsFor(input.siteNames, input.localNames),
    locked: false,
    lobby: false,
    createdAt: nowMs,
  };
}

export function findSite(session: Session, siteId: SiteId | null): Site | null {
  if (siteId === null) {
    return null;
  }
  return session.sites.find((s) => s.id === siteId) ?? null;
}

export type JoinRefusal = { code: ErrorCode; message: string };

/**
 * Whether the holder of `claims` may see `session` at all: the invite must be for this
 * session, name one of its sites (or none), and not have been removed by the chair. The
 * socket join and every HTTP reader ask this same question; a removed invite reads nothing.
 */
export function accessRefusal(session: Session, claims: TokenClaims, removed: boolean): JoinRefusal | null {
  if (claims.sid !== session.id) {
    return { code: ErrorCode.FORBIDDEN, message: 'this invite is for another session' };
  }
  if (claims.site !== null && findSite(session, claims.site) === null) {
    return { code: ErrorCode.FORBIDDEN, message: 'this invite names a site that is not part of the session' };
  }
  if (removed) {
    return { code: ErrorCode.REMOVED, message: 'the chair removed this invite from the session' };
  }
  return null;
}

/**
 * Whether the holder of `claims` may enter `session` now. `rejoining` is true when the
 * participant already has a place (a reconnect), which a locked session still honours.
 */
export function joinRefusal(
  session: Session,
  claims: TokenClaims,
  rejoining: boolean,
  removed = false,
): JoinRefusal | null {
  const denied = accessRefusal(session, claims, removed);
  if (denied) {
    return denied;
  }
  switch (session.status) {
    case 'closed':
      return { code: ErrorCode.SESSION_CLOSED, message: 'the session is closed' };
    case 'scheduled':
    case 'open':
    case 'in_progress':
    case 'adjourned':
      break;
    default:
      return assertUnreachable(session.status);
  }
  if (session.locked && !rejoining && claims.role !== 'chair') {
    return { code: ErrorCode.SESSION_LOCKED, message: 'the session is locked' };
  }
  return null;
}

export { canTransition };

/** The label a grid tile or a log line uses for a participant. */
export function participantLabel(session: Session, p: Pick<Participant, 'siteId' | 'displayName'>): string {
  const site = findSite(session, p.siteId);
  return site ? `${site.name} · ${p.displayName}` : p.displayName;
}

export type { SessionId };
