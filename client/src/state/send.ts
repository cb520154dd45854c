import { io, type Socket } from 'socket.io-client';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type ClientStats,
  type ClientToServerEvents,
  type HandshakeAuth,
  type RequestName,
  type RequestPayload,
  type RequestReply,
  type Result,
  type ServerToClientEvents,
} from '@concord/shared';
import { log } from '../logger';
import { AppError, ClientErrorCode } from './errors';

export type ConcordSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Sends one request of the shared table (`REQUESTS`) and resolves with its reply's data, or
 * rejects with an `AppError` carrying the server's code (or the client's, for a timeout or a
 * dropped link).
 */
export type Send = <E extends RequestName>(event: E, payload: RequestPayload<E>) => Promise<RequestReply<E>>;

/**
 * How long a request waits for its ack. Long enough for a site on a slow, lossy uplink;
 * short enough that a stuck request turns into a visible error and a retry.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A stats report is worth nothing once the next one is due: its ack is not waited for past
 * that, and a lost one is not sent again.
 */
const STATS_ACK_TIMEOUT_MS = 2_000;

/**
 * How long one connection attempt to a server may take before it counts as failed (and the
 * next server is tried). Long enough for a handshake over a slow satellite link.
 */
const CONNECT_TIMEOUT_MS = 5_000;

const FIRST_RECONNECT_DELAY_MS = 250;
/**
 * Retries never wait longer than this (randomized ±50 %): a site whose link comes back after
 * a long cut is back within seconds, not after a long back-off.
 */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** A socket to one Concord server (a node, or a load balancer in front of them). */
export function createSocket(server: string, token: string): ConcordSocket {
  const auth: HandshakeAuth = { token, protocolVersion: PROTOCOL_VERSION };
  // autoConnect is off so that every listener is in place before the first packet. Each
  // socket has its own manager: moving to another server must not share a dead one.
  return io(server, {
    auth,
    transports: ['websocket'],
    autoConnect: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
    // The first retry after a drop comes soon (a dead node is then found out, and left, in
    // a fraction of a second); later ones back off to MAX_RECONNECT_DELAY_MS, randomized against herds.
    reconnectionDelay: FIRST_RECONNECT_DELAY_MS,
    reconnectionDelayMax: MAX_RECONNECT_DELAY_MS,
  });
}

/** The events the server sends, as the area syncs subscribe to them (on whichever socket is current). */
export interface ServerEvents {
  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void;
}

/** A socket.io ack under `timeout()`: an error first, the reply second (absent on error). */
type TimedAck<T> = (err: Error | null, result?: Result<T>) => void;

/** A timed emit of request `E`, as the shared table declares it. */
interface TimedEmitter {
  emit<E extends RequestName>(event: E, payload: RequestPayload<E>, ack: TimedAck<RequestReply<E>>): void;
}

/** The one sender of the client, for every request of the shared table, on the current socket. */
export function createSend(current: () => ConcordSocket): Send {
  return <E extends RequestName>(event: E, payload: RequestPayload<E>) =>
    new Promise<RequestReply<E>>((resolve, reject) => {
      const socket = current();
      // The one cast of the client's wire code. socket.io's typings resolve an emit's
      // arguments per literal event name and cannot for a type parameter `E`; `TimedEmitter`
      // states the same contract (payload and ack of `E` from `ClientToServerEvents`, under
      // `timeout()`), so the compiler still checks every caller against the shared table.
      // The reply itself is not re-checked: the server answers with its own typed `Result`.
      const timed = socket.timeout(REQUEST_TIMEOUT_MS) as TimedEmitter;
      timed.emit(event, payload, (err, result) => {
        if (err) {
          // socket.io calls a timed ack with an error both on timeout and on disconnect.
          reject(
            socket.connected
              ? new AppError(ClientErrorCode.REQUEST_TIMEOUT, err.message)
              : new AppError(ClientErrorCode.DISCONNECTED, err.message),
          );
        } else if (!result) {
          reject(new AppError(ErrorCode.INTERNAL, 'the server acknowledged without a result'));
        } else if (result.ok) {
          resolve(result.data);
        } else {
          reject(new AppError(result.error.code, result.error.message));
        }
      });
    });
}

/**
 * Sends a stats report (the heartbeat), fire and forget. Volatile, and only on a connected
 * socket: socket.io buffers emits while disconnected and would flush stale heartbeats on
 * reconnect, telling the server a site was alive when it was not.
 */
export function reportStats(socket: ConcordSocket, stats: ClientStats): void {
  if (!socket.connected) {
    return;
  }
  socket.volatile
    .timeout(STATS_ACK_TIMEOUT_MS)
    .emit('stats:report', stats, (err: Error | null, result?: Result<null>) => {
      if (!err && result && !result.ok) {
        log.warn(`stats report refused: ${result.error.code} ${result.error.message}`);
      }
    });
}
