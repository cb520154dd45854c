import { z } from 'zod';
import { ErrorCode } from '@concord/shared';

/** Failures the client detects itself; the server's codes come from `ErrorCode`. */
export const ClientErrorCode = {
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  DISCONNECTED: 'DISCONNECTED',
  NETWORK_ERROR: 'NETWORK_ERROR',
  MEDIA_UNSUPPORTED: 'MEDIA_UNSUPPORTED',
  INSECURE_CONTEXT: 'INSECURE_CONTEXT',
  DEVICE_DENIED: 'DEVICE_DENIED',
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  DEVICE_IN_USE: 'DEVICE_IN_USE',
  DEVICE_ERROR: 'DEVICE_ERROR',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code the UI can show, each with a translation under `errors.`. */
export type AppErrorCode = ErrorCode | ClientErrorCode;

export const ErrorCodeSchema = z.enum(ErrorCode);

/** An error that carries a code the UI can translate. */
export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

export function toAppError(err: unknown, fallback: AppErrorCode = ErrorCode.INTERNAL): AppError {
  if (err instanceof AppError) {
    return err;
  }
  return new AppError(fallback, err instanceof Error ? err.message : String(err));
}

/** Reads a server code (e.g. from a kick notice); unknown codes become `fallback`. */
export function parseErrorCode(value: unknown, fallback: ErrorCode): ErrorCode {
  const parsed = ErrorCodeSchema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

/** Refusals no retry can fix: a new link is needed, or this participant may not take part. */
const FATAL_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.PROTOCOL_MISMATCH,
  ErrorCode.FORBIDDEN,
  ErrorCode.SESSION_CLOSED,
  ErrorCode.SESSION_LOCKED,
  ErrorCode.NOT_FOUND,
  ErrorCode.INVALID_PAYLOAD,
]);

export const isFatal = (code: AppErrorCode): boolean => FATAL_CODES.has(code);

/** Codes that mean "the link or the connection dropped", not "the server said no". */
const TRANSIENT_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ClientErrorCode.REQUEST_TIMEOUT,
  ClientErrorCode.DISCONNECTED,
  ClientErrorCode.NETWORK_ERROR,
]);

export function isTransient(err: unknown): boolean {
  return err instanceof AppError && TRANSIENT_CODES.has(err.code);
}
