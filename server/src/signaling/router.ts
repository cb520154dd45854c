import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  ErrorCode,
  REQUESTS,
  fail,
  isRequestName,
  ok,
  type RequestData,
  type RequestName,
  type RequestReply,
  type Result,
} from '@concord/shared';
import { ConcordError, ValidationError, toWireError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Caller } from '../services/caller.js';
import type { ConcordSocket } from './types.js';

/** One handler per request of the protocol: the compiler refuses a request left without one. */
export type Handlers = {
  [E in RequestName]: (data: RequestData<E>, caller: Caller) => Promise<RequestReply<E>> | RequestReply<E>;
};

export interface RouterContext {
  socket: ConcordSocket;
  /** Counts requests per participant, on every node together. */
  limiter: RateLimiterAbstract;
  log: () => Logger;
  /** Who the connection is now (its participant id set once it joined). */
  caller: () => Caller;
  /** FORBIDDEN unless the caller may take the request's action (`PERMISSIONS`), on the session's state. */
  authorize: (caller: Caller, permission: NonNullable<(typeof REQUESTS)[RequestName]['permission']>) => Promise<void>;
}

/**
 * Serves the requests of one connection from the declaration table in shared/. One
 * catch-all listener receives every packet, so that every emit that carries a callback gets
 * exactly one answer, whatever its arguments:
 * - the callback is the last argument (Socket.IO appends it); every argument before it is a
 *   payload: none is validated as `undefined`, more than one is refused with INVALID_PAYLOAD;
 * - an event that is no request gets UNKNOWN_EVENT;
 * - each request is rate-limited, its payload parsed by its schema, the connection checked
 *   to have joined (all but `session:join`), the caller checked against the request's
 *   permission; what the handler throws becomes a coded error. Nothing a client sends can
 *   crash the process. An emit without a callback is still served; its answer goes nowhere.
 */
export function serveRequests(ctx: RouterContext, handlers: Handlers): void {
  const wire: WireEvents = ctx.socket;
  wire.onAny((event, ...args) => {
    void serve(ctx, handlers, event, args);
  });
}

async function serve(ctx: RouterContext, handlers: Handlers, event: unknown, args: unknown[]): Promise<void> {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as (r: Result<unknown>) => void) : null;
  const payloads = ack === null ? args : args.slice(0, -1);
  const name = typeof event === 'string' ? event.slice(0, 64) : String(event);
  const reply = (result: Result<unknown>): void => {
    if (ack === null) {
      ctx.log().debug({ event: name, ok: result.ok }, 'request without a callback served');
      return;
    }
    ack(result);
  };
  try {
    // Per participant once joined (one budget however many nodes its connections reach),
    // per connection before.
    await ctx.limiter.consume(ctx.socket.data.participantId ?? `socket:${ctx.socket.id}`);
  } catch {
    reply(fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down'));
    return;
  }
  if (typeof event !== 'string' || !isRequestName(event)) {
    reply(fail(ErrorCode.UNKNOWN_EVENT, `unknown event "${name}"`));
    return;
  }
  if (payloads.length > 1) {
    reply(
      fail(ErrorCode.INVALID_PAYLOAD, `invalid payload (a request takes one payload, this one had ${payloads.length})`),
    );
    return;
  }
  try {
    reply(ok(await dispatch(ctx, handlers, event, payloads[0])));
  } catch (err) {
    const wire = toWireError(err);
    if (wire.code === ErrorCode.INTERNAL) {
      ctx.log().error({ event: name, err }, 'request failed');
    } else {
      ctx.log().debug({ event: name, code: wire.code, message: wire.message }, 'request refused');
    }
    reply({ ok: false, error: wire });
  }
}

async function dispatch<E extends RequestName>(ctx: RouterContext, handlers: Handlers, event: E, raw: unknown) {
  const spec = REQUESTS[event];
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) {
    throw ValidationError.fromZod(parsed.error);
  }
  const caller = ctx.caller();
  if (spec.joined && caller.participantId === null) {
    throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
  }
  if (spec.permission !== null) {
    await ctx.authorize(caller, spec.permission);
  }
  const handler: Handlers[E] = handlers[event];
  // The schema of E parses into RequestData<E>; TypeScript cannot follow the correlation
  // through the indexed table, hence the one typed hand-over.
  return handler(parsed.data as RequestData<E>, caller);
}

/** A socket seen from the wire: what arrives is unknown until a schema has parsed it. */
interface WireEvents {
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
