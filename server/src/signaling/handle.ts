import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  ErrorCode,
  clientSchemas,
  fail,
  ok,
  type ClientEvent,
  type ClientPayload,
  type ClientToServerEvents,
  type Result,
} from '@concord/shared';
import { ValidationError, toWireError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConcordSocket } from './types.js';

/** The data type an event's ack carries. */
export type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: Result<infer T>,
) => void
  ? T
  : never;

/** A handler may answer at once or later; what it throws becomes the coded error of the ack. */
export type Handler<E extends ClientEvent> = (payload: ClientPayload<E>) => Promise<AckData<E>> | AckData<E>;

/** Registers one event's handler on a connection (see `handle`). */
export type On = <E extends ClientEvent>(event: E, handler: Handler<E>) => void;

/** Requests per second one socket may make; joining and publishing take about ten. */
const REQUESTS_PER_SECOND = 40;

export function createRateLimiter(): RateLimiterMemory {
  return new RateLimiterMemory({ points: REQUESTS_PER_SECOND, duration: 1 });
}

/**
 * Registers `handler` for `event` on `socket`: rate-limits, validates the payload with the
 * event's schema from shared/, runs the handler and acks its result. A handler that throws
 * becomes a coded error on the ack; nothing a client sends can crash the process.
 */
export function handle<E extends ClientEvent>(
  socket: ConcordSocket,
  limiter: RateLimiterMemory,
  log: Logger,
  event: E,
  handler: Handler<E>,
): void {
  const schema = clientSchemas[event];
  // The wire gives us unknown values whatever the event map says; type them by parsing.
  const listener = (raw: unknown, ack: unknown): void => {
    const reply = (result: Result<unknown>): void => {
      if (typeof ack === 'function') {
        (ack as (r: Result<unknown>) => void)(result);
      }
    };
    void (async () => {
      try {
        await limiter.consume(socket.id);
      } catch {
        reply(fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down'));
        return;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const error = ValidationError.fromZod(parsed.error);
        log.debug({ event, error: error.message }, 'refused invalid payload');
        reply(fail(error.code, error.message));
        return;
      }
      try {
        // The schema for E parses into ClientPayload<E>; TypeScript cannot follow the
        // correlation through the indexed schema map, hence the one typed hand-over.
        const data = await handler(parsed.data as ClientPayload<E>);
        reply(ok(data));
      } catch (err) {
        const wire = toWireError(err);
        if (wire.code === ErrorCode.INTERNAL) {
          log.error({ event, err }, 'request failed');
        } else {
          log.debug({ event, code: wire.code, message: wire.message }, 'request refused');
        }
        reply({ ok: false, error: wire });
      }
    })();
  };
  const wire: WireEvents = socket;
  wire.on(event, listener);
}

/** A socket seen from the wire: what arrives is unknown until a schema has parsed it. */
interface WireEvents {
  on(event: string, listener: (raw: unknown, ack: unknown) => void): unknown;
}
