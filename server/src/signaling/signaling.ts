import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  ErrorCode,
  type Participant,
  type ParticipantId,
  type SessionSnapshot,
} from '@concord/shared';
import { participantIdFor } from '../auth/identity.js';
import type { TokenService } from '../auth/tokens.js';
import { mayPublish } from '../domain/media.js';
import { joinRefusal } from '../domain/session.js';
import { ConcordError, ConflictError, ForbiddenError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Peer } from '../media/peer.js';
import type { Room, RoomListener } from '../media/room.js';
import { RoomRegistry } from '../media/rooms.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { Config } from '../config.js';
import { createRateLimiter, handle } from './handle.js';
import { handshakeMiddleware } from './handshake.js';
import { Presence } from './presence.js';
import { participantRoom, sessionRoom, type ConcordServer, type ConcordSocket } from './types.js';

/** How long Socket.IO waits for a pong before it declares a socket dead. */
const PING_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 5_000;
const MAX_PAYLOAD_BYTES = 256 * 1024;

/** Socket.IO signaling: join and leave, presence, and the media requests. */
export class Signaling implements RoomListener {
  readonly io: ConcordServer;
  readonly rooms: RoomRegistry;
  private readonly presence: Presence;
  private readonly limiter: RateLimiterMemory = createRateLimiter();

  constructor(
    httpServer: HttpServer,
    config: Config,
    private readonly store: SessionStore,
    tokens: TokenService,
    pool: WorkerPool,
    private readonly log: Logger,
  ) {
    this.io = new Server(httpServer, {
      serveClient: false,
      pingInterval: PING_INTERVAL_MS,
      pingTimeout: PING_TIMEOUT_MS,
      maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    });
    this.presence = new Presence(this.io, store, config.reconnectGraceMs, log.child({ component: 'presence' }));
    this.rooms = new RoomRegistry(
      pool,
      { listenIp: config.rtc.listenIp, announcedAddress: config.rtc.announcedAddress },
      this,
      log.child({ component: 'media' }),
    );
    this.io.use(handshakeMiddleware(tokens));
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  /** After a restart: give every participant stored in Redis the grace period to come back. */
  async recover(): Promise<void> {
    const sessions = await this.store.list();
    const count = await this.presence.recover(sessions.map((s) => s.id));
    if (count > 0) {
      this.log.info({ participants: count }, 'waiting for participants to reconnect after restart');
    }
  }

  // ---- RoomListener: media events to the clients ----
  producerClosed(room: Room, producerId: string): void {
    this.io.to(sessionRoom(room.sessionId)).emit('producer:closed', { producerId });
  }
  consumerClosed(_room: Room, participantId: ParticipantId, consumerId: string): void {
    this.io.to(participantRoom(participantId)).emit('consumer:closed', { consumerId });
  }
  activeSpeaker(room: Room, speaker: SessionSnapshot['activeSpeaker']): void {
    this.io.to(sessionRoom(room.sessionId)).emit('speaker:active', speaker);
  }
  closed(room: Room, reason: string): void {
    if (reason !== 'server shutting down') {
      this.io.to(sessionRoom(room.sessionId)).emit('media:reset', { reason });
    }
  }

  private onConnection(socket: ConcordSocket): void {
    const claims = socket.data.claims;
    let log = this.log.child({ sessionId: claims.sid, siteId: claims.site, sub: claims.sub });
    const on = <E extends Parameters<typeof handle>[3]>(event: E, handler: Parameters<typeof handle<E>>[4]) =>
      handle(socket, this.limiter, log, event, handler);

    /** The joined participant of this socket, or NOT_JOINED. */
    const self = (): ParticipantId => {
      const id = socket.data.participantId;
      if (id === null) {
        throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
      }
      return id;
    };
    const room = () => this.rooms.get(claims.sid);
    const peer = async (): Promise<Peer> => (await room()).peerFor(self(), claims.site);
    const existingPeer = async (): Promise<Peer> => {
      const p = (await room()).getPeer(self());
      if (!p) {
        throw new ConcordError(ErrorCode.NOT_FOUND, 'no media set up; create a transport first');
      }
      return p;
    };

    on('session:join', async ({ displayName, instanceId }) => {
      const participantId = participantIdFor(claims.sub, instanceId);
      if (socket.data.participantId !== null && socket.data.participantId !== participantId) {
        throw new ConflictError('this connection already joined as another participant');
      }
      const session = await this.store.require(claims.sid);
      const existing = await this.store.getParticipant(session.id, participantId);
      const refusal = joinRefusal(session, claims, existing !== null);
      if (refusal) {
        throw new ConcordError(refusal.code, refusal.message);
      }
      const rejoinOnSameSocket = socket.data.participantId === participantId;
      if (!rejoinOnSameSocket) {
        // Another socket still holding this place is a stale connection of the same tab.
        const holder = this.presence.holderOf(participantId);
        if (holder !== undefined && holder !== socket.id) {
          const old = this.io.sockets.sockets.get(holder);
          old?.emit('session:kicked', { code: 'REPLACED', message: 'this place was taken by a newer connection' });
          old?.disconnect(true);
        }
        // A new connection starts its media from scratch.
        (await this.rooms.peek(session.id))?.removePeer(participantId);
        const participant: Participant = {
          id: participantId,
          sessionId: session.id,
          siteId: claims.site,
          displayName: displayName ?? existing?.displayName ?? claims.name,
          role: claims.role,
          connection: 'connected',
          joinedAt: existing?.joinedAt ?? Date.now(),
        };
        socket.data.participantId = participantId;
        await socket.join([sessionRoom(session.id), participantRoom(participantId)]);
        await this.presence.connected(participant, socket.id, existing !== null);
        log = log.child({ participantId });
        log.info({ rejoin: existing !== null }, 'participant joined');
      }
      const [participants, seq, mediaRoom] = await Promise.all([
        this.store.listParticipants(session.id),
        this.store.currentSeq(session.id),
        this.rooms.peek(session.id),
      ]);
      const me = participants.find((p) => p.id === participantId);
      if (!me) {
        throw new ConcordError(ErrorCode.INTERNAL, 'participant vanished while joining');
      }
      return {
        session,
        self: me,
        participants,
        producers: mediaRoom?.producers() ?? [],
        activeSpeaker: mediaRoom?.activeSpeaker ?? null,
        seq,
      };
    });

    on('session:leave', async () => {
      const id = self();
      socket.data.participantId = null;
      (await this.rooms.peek(claims.sid))?.removePeer(id);
      await this.presence.left(claims.sid, id);
      await socket.leave(sessionRoom(claims.sid));
      await socket.leave(participantRoom(id));
      log.info({ participantId: id }, 'participant left');
      return null;
    });

    on('media:getRouterRtpCapabilities', async () => {
      self();
      return (await room()).rtpCapabilities;
    });

    on('media:createTransport', async ({ direction }) => (await peer()).createTransport(direction));

    on('media:connectTransport', async ({ transportId, dtlsParameters }) => {
      await (await existingPeer()).connectTransport(transportId, dtlsParameters);
      return null;
    });

    on('media:restartIce', async ({ transportId }) => (await existingPeer()).restartIce(transportId));

    on('media:produce', async ({ transportId, kind, rtpParameters, source, paused }) => {
      if (!mayPublish(claims.role, source)) {
        throw new ForbiddenError(`a ${claims.role} may not publish ${source}`);
      }
      if ((source === 'mic') !== (kind === 'audio')) {
        throw new ConcordError(ErrorCode.INVALID_PAYLOAD, `a ${source} track cannot be ${kind}`);
      }
      const mediaRoom = await room();
      const p = await existingPeer();
      const producer = await p.produce(transportId, kind, rtpParameters, source, paused ?? false);
      mediaRoom.watchAudio(producer);
      socket.to(sessionRoom(claims.sid)).emit('producer:new', {
        producerId: producer.id,
        participantId: p.participantId,
        siteId: p.siteId,
        kind: producer.kind,
        source,
        paused: producer.paused,
      });
      return { producerId: producer.id };
    });

    on('media:closeProducer', async ({ producerId }) => {
      (await existingPeer()).producer(producerId).close();
      return null;
    });

    on('media:pauseProducer', async ({ producerId }) => {
      await (await existingPeer()).producer(producerId).pause();
      this.io.to(sessionRoom(claims.sid)).emit('producer:updated', { producerId, paused: true });
      return null;
    });

    on('media:resumeProducer', async ({ producerId }) => {
      await (await existingPeer()).producer(producerId).resume();
      this.io.to(sessionRoom(claims.sid)).emit('producer:updated', { producerId, paused: false });
      return null;
    });

    on('media:consume', async ({ transportId, producerId, rtpCapabilities }) => {
      const mediaRoom = await room();
      return (await existingPeer()).consume(transportId, mediaRoom.findProducer(producerId), rtpCapabilities);
    });

    on('media:resumeConsumer', async ({ consumerId }) => {
      await (await existingPeer()).consumer(consumerId).resume();
      return null;
    });

    on('media:setConsumerLayers', async ({ consumerId, spatialLayer, temporalLayer }) => {
      await (await existingPeer())
        .consumer(consumerId)
        .setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
      return null;
    });

    socket.on('disconnect', (reason) => {
      const id = socket.data.participantId;
      this.limiter.delete(socket.id).catch(() => undefined);
      if (id === null) {
        return;
      }
      void (async () => {
        if (!this.presence.isHeldBy(id, socket.id)) {
          return;
        }
        (await this.rooms.peek(claims.sid))?.removePeer(id);
        const p = await this.store.getParticipant(claims.sid, id);
        if (p) {
          await this.presence.dropped(p, socket.id);
        }
        log.info({ reason }, 'participant disconnected; keeping its place');
      })().catch((err: unknown) => log.error({ err }, 'disconnect handling failed'));
    });
  }

  async close(): Promise<void> {
    this.presence.close();
    await this.rooms.close();
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}
