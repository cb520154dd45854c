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
 * Serves the requests of one connection. Handlers are registered by event name; one
 * catch-all listener receives every packet, so that every emit that carries a callback gets
 * exactly one answer, whatever its arguments:
 * - the callback is the last argument (Socket.IO appends it); every argument before it is a
 *   payload: none is validated as `undefined`, more than one is refused with INVALID_PAYLOAD;
 * - an event with no handler gets UNKNOWN_EVENT;
 * - each request is rate-limited, its one payload parsed by the event's schema from shared/,
 *   and what the handler throws becomes a coded error. Nothing a client sends can crash the
 *   process. An emit without a callback is still served; its answer has nowhere to go.
 */
export class RequestRouter {
  private readonly handlers = new Map<string, (payload: unknown) => Promise<unknown>>();

  constructor(
    private readonly socket: ConcordSocket,
    private readonly limiter: RateLimiterMemory,
    private readonly log: () => Logger,
  ) {}

  readonly on: On = (event, handler) => {
    const schema = clientSchemas[event];
    this.handlers.set(event, async (raw) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw ValidationError.fromZod(parsed.error);
      }
      // The schema for E parses into ClientPayload<E>; TypeScript cannot follow the
      // correlation through the indexed schema map, hence the one typed hand-over.
      return handler(parsed.data as ClientPayload<typeof event>);
    });
  };

  /** Starts serving: call once, after every handler is registered. */
  attach(): void {
    const wire: WireEvents = this.socket;
    wire.onAny((event, ...args) => {
      void this.serve(event, args);
    });
  }

  private async serve(event: unknown, args: unknown[]): Promise<void> {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (r: Result<unknown>) => void) : null;
    const payloads = ack === null ? args : args.slice(0, -1);
    const name = typeof event === 'string' ? event.slice(0, 64) : String(event);
    const reply = (result: Result<unknown>): void => {
      if (ack === null) {
        this.log().debug({ event: name, ok: result.ok }, 'request without a callback served');
        return;
      }
      ack(result);
    };
    try {
      await this.limiter.consume(this.socket.id);
    } catch {
      reply(fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down'));
      return;
    }
    const handler = typeof event === 'string' ? this.handlers.get(event) : undefined;
    if (handler === undefined) {
      reply(fail(ErrorCode.UNKNOWN_EVENT, `unknown event "${name}"`));
      return;
    }
    if (payloads.length > 1) {
      reply(
        fail(
          ErrorCode.INVALID_PAYLOAD,
          `invalid payload (a request takes one payload, this one had ${payloads.length})`,
        ),
      );
      return;
    }
    try {
      reply(ok(await handler(payloads[0])));
    } catch (err) {
      const wire = toWireError(err);
      if (wire.code === ErrorCode.INTERNAL) {
        this.log().error({ event: name, err }, 'request failed');
      } else {
        this.log().debug({ event: name, code: wire.code, message: wire.message }, 'request refused');
      }
      reply({ ok: false, error: wire });
    }
  }
}

/** A socket seen from the wire: what arrives is unknown until a schema has parsed it. */
interface WireEvents {
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
