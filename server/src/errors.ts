import { DomainError, ErrorCode, type WireError } from '@concord/shared';
import { z } from 'zod';

/**
 * Base of every error that is meant to reach a client; carries a code from the protocol.
 * The shared rules throw its parent, DomainError, with the same meaning.
 */
export class ConcordError extends DomainError {}

export class ValidationError extends ConcordError {
  constructor(message: string) {
    super(ErrorCode.INVALID_PAYLOAD, message);
  }
  static fromZod(error: z.ZodError): ValidationError {
    const first = error.issues.slice(0, 3).map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : 'payload';
      return `${where}: ${i.message}`;
    });
    return new ValidationError(`invalid payload (${first.join('; ')})`);
  }
}

export class AuthError extends ConcordError {
  constructor(code: typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.TOKEN_EXPIRED, message: string) {
    super(code, message);
  }
}

export class ForbiddenError extends ConcordError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class NotFoundError extends ConcordError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class MediaError extends ConcordError {
  constructor(
    message: string,
    code: typeof ErrorCode.MEDIA_ERROR | typeof ErrorCode.MEDIA_UNAVAILABLE = ErrorCode.MEDIA_ERROR,
  ) {
    super(code, message);
  }
}

/** The single mapping from error codes to HTTP statuses. */
export const httpStatusFor: Record<ErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  UNKNOWN_EVENT: 404,
  METHOD_NOT_ALLOWED: 405,
  PROTOCOL_MISMATCH: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_JOINED: 409,
  NOT_FOUND: 404,
  STALE_VERSION: 409,
  ALREADY_REQUESTED: 409,
  NO_SPEAKER_TO_REPLY: 409,
  NO_SPEAKER: 409,
  NOT_SPEAKER: 409,
  QUEUE_EMPTY: 409,
  ITEM_ACTIVE: 409,
  ITEM_DONE: 409,
  OWN_ISSUE: 409,
  ALREADY_SUPPORTED: 409,
  CANNOT_REMOVE_SELF: 409,
  NOT_CONNECTED: 409,
  ALREADY_EXISTS: 409,
  ALREADY_JOINED: 409,
  BUSY: 503,
  SESSION_CLOSED: 410,
  SESSION_LOCKED: 423,
  IN_LOBBY: 409,
  FLOOR_MODE: 403,
  REMOVED: 403,
  INVALID_TRANSITION: 409,
  RATE_LIMITED: 429,
  MEDIA_UNAVAILABLE: 503,
  MEDIA_ERROR: 500,
  INTERNAL: 500,
};

/** Turns anything thrown into a wire error; unknown errors never leak their message. */
export function toWireError(err: unknown): WireError {
  if (err instanceof DomainError) {
    return err.toWire();
  }
  if (err instanceof z.ZodError) {
    return ValidationError.fromZod(err).toWire();
  }
  return { code: ErrorCode.INTERNAL, message: 'internal error' };
}
