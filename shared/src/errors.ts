/** Every error a client can receive, on an ack, a connect_error or an HTTP response. */
export const ErrorCode = {
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** No request of this name exists. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** HTTP: the API does not serve this method here (OPTIONS: it serves no cross-origin callers). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_JOINED: 'NOT_JOINED',
  NOT_FOUND: 'NOT_FOUND',
  /** A chair command carried an `expectedVersion` that is no longer current: someone changed the proceedings first. */
  STALE_VERSION: 'STALE_VERSION',
  /** This participant (or site, for a site request) already waits for the floor with this kind of request. */
  ALREADY_REQUESTED: 'ALREADY_REQUESTED',
  /** A reply needs someone who has the floor. */
  NO_SPEAKER_TO_REPLY: 'NO_SPEAKER_TO_REPLY',
  /** Extending or ending a turn needs someone who has the floor. */
  NO_SPEAKER: 'NO_SPEAKER',
  /** Only the speaker (or their site) may yield the floor. */
  NOT_SPEAKER: 'NOT_SPEAKER',
  /** Giving the floor to the next in line needs someone waiting. */
  QUEUE_EMPTY: 'QUEUE_EMPTY',
  /** The current agenda item is finished or deferred before it is deleted. */
  ITEM_ACTIVE: 'ITEM_ACTIVE',
  /** A done agenda item cannot be started again. */
  ITEM_DONE: 'ITEM_DONE',
  /** A site does not support its own issue. */
  OWN_ISSUE: 'OWN_ISSUE',
  /** This site already supports the issue. */
  ALREADY_SUPPORTED: 'ALREADY_SUPPORTED',
  /** The chair hands the chair over before leaving; it cannot remove itself. */
  CANNOT_REMOVE_SELF: 'CANNOT_REMOVE_SELF',
  /** The chair can only be handed to a participant who is connected now. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** A session with this id exists already. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** This connection joined as another participant (another instance id). */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** So many changes to the session at once that this one could not be written; send it again. */
  BUSY: 'BUSY',
  SESSION_CLOSED: 'SESSION_CLOSED',
  SESSION_LOCKED: 'SESSION_LOCKED',
  /** The session has a lobby: wait for the chair (a lobby:admitted or lobby:refused event follows). */
  IN_LOBBY: 'IN_LOBBY',
  /** Floor mode: only the site that has the floor (and the chair) may unmute. */
  FLOOR_MODE: 'FLOOR_MODE',
  /** The chair removed this invite from the session. */
  REMOVED: 'REMOVED',
  /** The issue is not in a status that allows this step (e.g. deciding before acknowledging). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  RATE_LIMITED: 'RATE_LIMITED',
  MEDIA_UNAVAILABLE: 'MEDIA_UNAVAILABLE',
  MEDIA_ERROR: 'MEDIA_ERROR',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** The one reply shape for every request (socket ack and HTTP JSON body alike). */
export type Result<T> = { ok: true; data: T } | { ok: false; error: WireError };
export type Ack<T> = (result: Result<T>) => void;

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

/**
 * A refusal by a rule of the protocol or the domain, with the code the client receives.
 * Shared rules (the agenda, the floor, the issue lifecycle) throw it; the server sends
 * `{ code, message }` as the request's answer.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}
