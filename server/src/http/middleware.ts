import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, type SessionId, type SessionState, type TokenClaims } from '@concord/shared';
import { accessRefusal } from '../domain/session.js';
import type { SessionLogs } from '../services/sessionLog.js';
import { AuthError, ConcordError, httpStatusFor, toWireError } from '../errors.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../logger.js';

function bearer(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer (.+)$/.exec(header) : null;
  return match?.[1] ?? null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the request carries the admin secret. */
export function isAdmin(req: Request, secret: string): boolean {
  const given = bearer(req);
  return given !== null && sameSecret(given, secret);
}

/** Admin API guard: `Authorization: Bearer <ADMIN_SECRET>`. */
export function requireAdmin(secret: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const given = bearer(req);
    next(
      given !== null && sameSecret(given, secret)
        ? undefined
        : new AuthError(ErrorCode.UNAUTHENTICATED, 'admin secret required'),
    );
  };
}

/** The verified claims of the participant token in `Authorization: Bearer <invite token>`. */
export function participantClaims(req: Request, tokens: TokenService): TokenClaims {
  const given = bearer(req);
  if (given === null) {
    throw new AuthError(ErrorCode.UNAUTHENTICATED, 'invite token required');
  }
  return tokens.verify(given);
}

/**
 * The verified invite of a request and the session it opens, checked exactly as the socket
 * join checks it (`accessRefusal`): the session of the path (or of the token), a site of that
 * session, not removed by the chair.
 */
export async function inviteAccess(
  req: Request,
  tokens: TokenService,
  logs: SessionLogs,
  sessionId?: SessionId,
): Promise<{ claims: TokenClaims; state: SessionState }> {
  const claims = participantClaims(req, tokens);
  const { state } = await logs.get(sessionId ?? claims.sid);
  const refusal = accessRefusal(state.session, claims, state.removed[claims.sub] === true);
  if (refusal) {
    throw new ConcordError(refusal.code, refusal.message);
  }
  return { claims, state };
}

/** The single error middleware: every error becomes `{ ok: false, error: { code, message } }`. */
export function errorMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    // body-parser's errors (malformed JSON, too large) carry an HTTP status of their own.
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : null;
    let wire = toWireError(err);
    if (!(err instanceof ConcordError) && status !== null && status >= 400 && status < 500) {
      wire = { code: ErrorCode.INVALID_PAYLOAD, message: 'the request body is not valid JSON or is too large' };
    }
    if (wire.code === ErrorCode.INTERNAL) {
      log.error({ err, path: req.path }, 'request failed');
    }
    res.status(status !== null && wire.code === ErrorCode.INVALID_PAYLOAD ? status : httpStatusFor[wire.code]);
    res.json({ ok: false, error: wire });
  };
}
