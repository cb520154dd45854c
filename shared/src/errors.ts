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
  CONFLICT: 'CONFLICT',
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
