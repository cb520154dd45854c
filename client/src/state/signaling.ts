import { io, type Socket } from 'socket.io-client';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type ClientStats,
  type ClientToServerEvents,
  type HandshakeAuth,
  type Result,
  type ServerToClientEvents,
} from '@concord/shared';
import type { RequestName, RequestPayload as Payload, RequestReply as Reply } from '../protocol';
import type { MediaSignaling } from '../media/MediaClient';
import { AppError, ClientErrorCode } from './errors';
import { log } from '../logger';

export type ConcordSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * How long a request waits for its ack. Long enough for a site on a slow, lossy uplink;
 * short enough that a stuck request turns into a visible error and a retry.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

export function createSocket(token: string): ConcordSocket {
  const auth: HandshakeAuth = { token, protocolVersion: PROTOCOL_VERSION };
  // autoConnect is off so that every listener is in place before the first packet.
  return io(window.location.origin, { auth, transports: ['websocket'], autoConnect: false });
}

/** A socket.io ack under `timeout()`: an error first, the reply second (absent on error). */
type TimedAck<T> = (err: Error | null, result?: Result<T>) => void;

type TimedSocket = ReturnType<ConcordSocket['timeout']>;

/** The agenda, floor and moderation requests: sent through one generic `send`. */
export const PROCEEDINGS_REQUESTS = [
  'proceedings:get',
  'agenda:add',
  'agenda:edit',
  'agenda:reorder',
  'agenda:delete',
  'agenda:start',
  'agenda:finish',
  'floor:request',
  'floor:withdraw',
  'floor:yield',
  'floor:grant',
  'floor:move',
  'floor:remove',
  'floor:extend',
  'floor:end',
  'floor:settings',
  'moderation:mute',
  'moderation:remove',
  'session:lock',
  'lobby:setEnabled',
  'lobby:admit',
  'lobby:refuse',
  'chair:handOver',
] as const satisfies readonly RequestName[];
export type ProceedingsRequest = (typeof PROCEEDINGS_REQUESTS)[number];

/** The issue queue and the session lifecycle: sent through the same `send`. */
export const ISSUE_REQUESTS = [
  'issue:raise',
  'issue:support',
  'issue:acknowledge',
  'issue:review',
  'issue:decide',
  'issue:close',
  'issue:refer',
  'issue:reject',
  'issue:pin',
  'issue:assign',
  'issue:link',
  'issues:list',
  'issues:carryOver',
  'issues:importCarryOver',
  'session:setStatus',
] as const satisfies readonly RequestName[];
export type IssueRequest = (typeof ISSUE_REQUESTS)[number];

/** The health board (operators and the chair) and the operators' media controls. */
export const HEALTH_REQUESTS = [
  'health:get',
  'health:setMediaMode',
  'health:setAutoPolicy',
] as const satisfies readonly RequestName[];
export type HealthRequest = (typeof HEALTH_REQUESTS)[number];

/** Every request a screen may send with `act`. */
export type SessionRequest = ProceedingsRequest | IssueRequest | HealthRequest;

type Sender<E extends RequestName> = (socket: TimedSocket, payload: Payload<E>, ack: TimedAck<Reply<E>>) => void;

/**
 * One emitter per request. Written out, because socket.io's typings cannot check an emit
 * whose event name is a type parameter; a mapped table indexed by that parameter can be.
 */
const SENDERS: { [E in SessionRequest]: Sender<E> } = {
  'proceedings:get': (s, p, ack) => s.emit('proceedings:get', p, ack),
  'agenda:add': (s, p, ack) => s.emit('agenda:add', p, ack),
  'agenda:edit': (s, p, ack) => s.emit('agenda:edit', p, ack),
  'agenda:reorder': (s, p, ack) => s.emit('agenda:reorder', p, ack),
  'agenda:delete': (s, p, ack) => s.emit('agenda:delete', p, ack),
  'agenda:start': (s, p, ack) => s.emit('agenda:start', p, ack),
  'agenda:finish': (s, p, ack) => s.emit('agenda:finish', p, ack),
  'floor:request': (s, p, ack) => s.emit('floor:request', p, ack),
  'floor:withdraw': (s, p, ack) => s.emit('floor:withdraw', p, ack),
  'floor:yield': (s, p, ack) => s.emit('floor:yield', p, ack),
  'floor:grant': (s, p, ack) => s.emit('floor:grant', p, ack),
  'floor:move': (s, p, ack) => s.emit('floor:move', p, ack),
  'floor:remove': (s, p, ack) => s.emit('floor:remove', p, ack),
  'floor:extend': (s, p, ack) => s.emit('floor:extend', p, ack),
  'floor:end': (s, p, ack) => s.emit('floor:end', p, ack),
  'floor:settings': (s, p, ack) => s.emit('floor:settings', p, ack),
  'moderation:mute': (s, p, ack) => s.emit('moderation:mute', p, ack),
  'moderation:remove': (s, p, ack) => s.emit('moderation:remove', p, ack),
  'session:lock': (s, p, ack) => s.emit('session:lock', p, ack),
  'lobby:setEnabled': (s, p, ack) => s.emit('lobby:setEnabled', p, ack),
  'lobby:admit': (s, p, ack) => s.emit('lobby:admit', p, ack),
  'lobby:refuse': (s, p, ack) => s.emit('lobby:refuse', p, ack),
  'chair:handOver': (s, p, ack) => s.emit('chair:handOver', p, ack),
  'issue:raise': (s, p, ack) => s.emit('issue:raise', p, ack),
  'issue:support': (s, p, ack) => s.emit('issue:support', p, ack),
  'issue:acknowledge': (s, p, ack) => s.emit('issue:acknowledge', p, ack),
  'issue:review': (s, p, ack) => s.emit('issue:review', p, ack),
  'issue:decide': (s, p, ack) => s.emit('issue:decide', p, ack),
  'issue:close': (s, p, ack) => s.emit('issue:close', p, ack),
  'issue:refer': (s, p, ack) => s.emit('issue:refer', p, ack),
  'issue:reject': (s, p, ack) => s.emit('issue:reject', p, ack),
  'issue:pin': (s, p, ack) => s.emit('issue:pin', p, ack),
  'issue:assign': (s, p, ack) => s.emit('issue:assign', p, ack),
  'issue:link': (s, p, ack) => s.emit('issue:link', p, ack),
  'issues:list': (s, p, ack) => s.emit('issues:list', p, ack),
  'issues:carryOver': (s, p, ack) => s.emit('issues:carryOver', p, ack),
  'issues:importCarryOver': (s, p, ack) => s.emit('issues:importCarryOver', p, ack),
  'session:setStatus': (s, p, ack) => s.emit('session:setStatus', p, ack),
  'health:get': (s, p, ack) => s.emit('health:get', p, ack),
  'health:setMediaMode': (s, p, ack) => s.emit('health:setMediaMode', p, ack),
  'health:setAutoPolicy': (s, p, ack) => s.emit('health:setAutoPolicy', p, ack),
};

/**
 * A stats report is worth nothing once the next one is due: its ack is not waited for past
 * that, and a lost one is not sent again.
 */
const STATS_ACK_TIMEOUT_MS = 2_000;

/**
 * The typed requests of the protocol. Each method emits one event with a timeout and
 * resolves with the reply's data, or rejects with an `AppError` carrying the code.
 */
export class Signaling implements MediaSignaling {
  constructor(private readonly socket: ConcordSocket) {}

  join(payload: Payload<'session:join'>): Promise<Reply<'session:join'>> {
    return this.request((ack: TimedAck<Reply<'session:join'>>) => this.timed().emit('session:join', payload, ack));
  }

  leave(): Promise<Reply<'session:leave'>> {
    return this.request((ack: TimedAck<Reply<'session:leave'>>) => this.timed().emit('session:leave', {}, ack));
  }

  getRouterRtpCapabilities(): Promise<Reply<'media:getRouterRtpCapabilities'>> {
    return this.request((ack: TimedAck<Reply<'media:getRouterRtpCapabilities'>>) =>
      this.timed().emit('media:getRouterRtpCapabilities', {}, ack),
    );
  }

  createTransport(payload: Payload<'media:createTransport'>): Promise<Reply<'media:createTransport'>> {
    return this.request((ack: TimedAck<Reply<'media:createTransport'>>) =>
      this.timed().emit('media:createTransport', payload, ack),
    );
  }

  connectTransport(payload: Payload<'media:connectTransport'>): Promise<Reply<'media:connectTransport'>> {
    return this.request((ack: TimedAck<Reply<'media:connectTransport'>>) =>
      this.timed().emit('media:connectTransport', payload, ack),
    );
  }

  restartIce(payload: Payload<'media:restartIce'>): Promise<Reply<'media:restartIce'>> {
    return this.request((ack: TimedAck<Reply<'media:restartIce'>>) =>
      this.timed().emit('media:restartIce', payload, ack),
    );
  }

  produce(payload: Payload<'media:produce'>): Promise<Reply<'media:produce'>> {
    return this.request((ack: TimedAck<Reply<'media:produce'>>) => this.timed().emit('media:produce', payload, ack));
  }

  closeProducer(payload: Payload<'media:closeProducer'>): Promise<Reply<'media:closeProducer'>> {
    return this.request((ack: TimedAck<Reply<'media:closeProducer'>>) =>
      this.timed().emit('media:closeProducer', payload, ack),
    );
  }

  pauseProducer(payload: Payload<'media:pauseProducer'>): Promise<Reply<'media:pauseProducer'>> {
    return this.request((ack: TimedAck<Reply<'media:pauseProducer'>>) =>
      this.timed().emit('media:pauseProducer', payload, ack),
    );
  }

  resumeProducer(payload: Payload<'media:resumeProducer'>): Promise<Reply<'media:resumeProducer'>> {
    return this.request((ack: TimedAck<Reply<'media:resumeProducer'>>) =>
      this.timed().emit('media:resumeProducer', payload, ack),
    );
  }

  consume(payload: Payload<'media:consume'>): Promise<Reply<'media:consume'>> {
    return this.request((ack: TimedAck<Reply<'media:consume'>>) => this.timed().emit('media:consume', payload, ack));
  }

  resumeConsumer(payload: Payload<'media:resumeConsumer'>): Promise<Reply<'media:resumeConsumer'>> {
    return this.request((ack: TimedAck<Reply<'media:resumeConsumer'>>) =>
      this.timed().emit('media:resumeConsumer', payload, ack),
    );
  }

  setConsumerLayers(payload: Payload<'media:setConsumerLayers'>): Promise<Reply<'media:setConsumerLayers'>> {
    return this.request((ack: TimedAck<Reply<'media:setConsumerLayers'>>) =>
      this.timed().emit('media:setConsumerLayers', payload, ack),
    );
  }

  /** An agenda, floor, moderation or issue request. */
  send<E extends SessionRequest>(event: E, payload: Payload<E>): Promise<Reply<E>> {
    const sender: Sender<E> = SENDERS[event];
    return this.request((ack: TimedAck<Reply<E>>) => sender(this.timed(), payload, ack));
  }

  /**
   * Sends a stats report (the heartbeat), fire and forget. Volatile, and only on a connected
   * socket: socket.io buffers emits while disconnected and would flush stale heartbeats on
   * reconnect, telling the server a site was alive when it was not.
   */
  reportStats(stats: ClientStats): void {
    if (!this.socket.connected) {
      return;
    }
    this.socket.volatile
      .timeout(STATS_ACK_TIMEOUT_MS)
      .emit('stats:report', stats, (err: Error | null, result?: Result<null>) => {
        if (!err && result && !result.ok) {
          log.warn(`stats report refused: ${result.error.code} ${result.error.message}`);
        }
      });
  }

  private timed() {
    return this.socket.timeout(REQUEST_TIMEOUT_MS);
  }

  /**
   * The emitWithAck of this client. `socket.timeout(ms).emitWithAck()` loses the reply type
   * in socket.io-client's typings, so each method passes a typed ack to `emit` instead; the
   * compiler checks that ack against the shared event map.
   */
  private request<T>(send: (ack: TimedAck<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      send((err, result) => {
        if (err) {
          // socket.io calls a timed ack with an error both on timeout and on disconnect.
          reject(
            this.socket.connected
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
}
