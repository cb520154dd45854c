import {
  ACTION_WORDS,
  PERMISSIONS,
  holdsChair,
  may,
  type Action,
  type Permission,
  type LogActor,
  type ParticipantId,
  type Role,
  type SessionId,
  type SessionState,
  type SiteId,
  type TokenClaims,
} from '@concord/shared';
import { ForbiddenError } from '../errors.js';

/** Who sends a request: an invite (token claims) and, once joined, its place in the session. */
export interface Caller {
  kind: 'invite';
  sessionId: SessionId;
  subject: string;
  role: Role;
  siteId: SiteId | null;
  /** The invite's default display name. */
  name: string;
  /** Null for an invite acting over HTTP, or a connection that has not joined. */
  participantId: ParticipantId | null;
}

/** The admin secret over HTTP: may do what the chair may, and is recorded as the admin. */
export interface AdminCaller {
  kind: 'admin';
  sessionId: SessionId;
}

export type Who = Caller | AdminCaller;

export const adminCaller = (sessionId: SessionId): AdminCaller => ({ kind: 'admin', sessionId });
const isAdminCaller = (who: object): who is AdminCaller => 'kind' in who && who.kind === 'admin';

export const callerOf = (claims: TokenClaims, participantId: ParticipantId | null): Caller => ({
  kind: 'invite',
  sessionId: claims.sid,
  subject: claims.sub,
  role: claims.role,
  siteId: claims.site,
  name: claims.name,
  participantId,
});

export const isChair = (state: SessionState, c: Pick<Caller, 'subject' | 'role'>): boolean =>
  holdsChair(state.proceedings, c.subject, c.role);

/** FORBIDDEN unless the caller may take this action in this state (`PERMISSIONS` in shared/). */
export function authorize(
  state: SessionState,
  who: Pick<Caller, 'subject' | 'role'> | AdminCaller,
  action: Action,
): void {
  if (isAdminCaller(who)) {
    return;
  }
  const c = who;
  if (!may({ role: c.role, isChair: isChair(state, c) }, action)) {
    const rule: Permission = PERMISSIONS[action];
    throw new ForbiddenError(
      rule.roles.length === 0
        ? `only the chair may ${ACTION_WORDS[action]}`
        : `a ${c.role} may not ${ACTION_WORDS[action]}`,
    );
  }
}

/** The caller as the log records it. */
export function actorOf(state: SessionState, c: Who): LogActor {
  if (c.kind === 'admin') {
    return ADMIN;
  }
  const p = c.participantId === null ? undefined : state.participants[c.participantId];
  return {
    kind: 'participant',
    subject: c.subject,
    participantId: c.participantId,
    role: c.role,
    siteId: c.siteId,
    displayName: p?.displayName ?? c.name,
  };
}

export const ADMIN: LogActor = { kind: 'admin' };
export const system = (component: Extract<LogActor, { kind: 'system' }>['component']): LogActor => ({
  kind: 'system',
  component,
});
