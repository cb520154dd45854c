import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import { ErrorCode, type Participant, type ParticipantId, type SessionSnapshot, type SiteId } from '@concord/shared';
import { participantIdFor } from '../auth/identity.js';
import type { TokenService } from '../auth/tokens.js';
import { holdsChair } from '../domain/chair.js';
import { joinRefusal } from '../domain/session.js';
import { ConcordError, ConflictError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Room, RoomListener } from '../media/room.js';
import { RoomRegistry } from '../media/rooms.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { SessionStore } from '../store/sessionStore.js';
import { ProceedingsStore } from '../store/proceedingsStore.js';
import type { Redis } from '../store/redis.js';
import type { ConnectionContext } from './context.js';
import { registerMediaHandlers } from './mediaHandlers.js';
import { registerModerationHandlers, notifyChairOfLobby, type ModerationDeps } from './moderationHandlers.js';
import { registerProceedingsHandlers } from './proceedingsHandlers.js';
import { registerIssueHandlers } from './issueHandlers.js';
import { registerHealthHandlers } from './healthHandlers.js';
import { HealthMonitor } from '../health/monitor.js';
import type { Health } from '../health/health.js';
import { AlarmStore } from '../store/alarmStore.js';
import { IssueService } from './issueService.js';
import { IssueStore } from '../store/issueStore.js';
import { ProceedingsService, type Identity } from './proceedingsService.js';
import type { Config } from '../config.js';
import { createRateLimiter, RequestRouter } from './handle.js';
import { handshakeMiddleware } from './handshake.js';
import { Presence } from './presence.js';
import {
  chairRoom,
  operatorsRoom,
  participantRoom,
  sessionRoom,
  siteRoom,
  type ConcordServer,
  type ConcordSocket,
} from './types.js';

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
  private readonly identities = new Map<ParticipantId, Identity>();
  readonly proceedings: ProceedingsService;
  readonly issues: IssueService;
  readonly monitor: HealthMonitor;
  private readonly moderationDeps: ModerationDeps;

  constructor(
    httpServer: HttpServer,
    config: Config,
    private readonly store: SessionStore,
    redis: Redis,
    tokens: TokenService,
    pool: WorkerPool,
    health: Health,
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
      {
        listenIp: config.rtc.listenIp,
        announcedAddress: config.rtc.announcedAddress,
        heardThresholdDbov: config.rtc.heardThresholdDbov,
      },
      this,
      log.child({ component: 'media' }),
    );
    this.proceedings = new ProceedingsService(
      this.io,
      new ProceedingsStore(redis),
      this.rooms,
      this.identities,
      log.child({ component: 'floor' }),
    );
    this.issues = new IssueService(
      this.io,
      new IssueStore(redis),
      this.proceedings,
      log.child({ component: 'issues' }),
    );
    this.monitor = new HealthMonitor(
      this.io,
      store,
      this.rooms,
      pool,
      health,
      new AlarmStore(redis),
      log.child({ component: 'health' }),
      config.health,
    );
    this.moderationDeps = {
      io: this.io,
      sessions: store,
      service: this.proceedings,
      presence: this.presence,
      rooms: this.rooms,
      log: log.child({ component: 'moderation' }),
    };
    this.io.use(handshakeMiddleware(tokens));
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  /** After a restart: give every participant stored in Redis the grace period to come back. */
  async recover(): Promise<void> {
    const sessions = await this.store.list();
    const count = await this.presence.recover(sessions.map((s) => s.id));
    await this.proceedings.recover(sessions.map((s) => s.id));
    await this.issues.recover(sessions.filter((s) => s.status !== 'closed').map((s) => s.id));
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
  heard(room: Room, siteId: SiteId | null): void {
    this.monitor.heard(room.sessionId, siteId);
  }
  closed(room: Room, reason: string): void {
    if (reason !== 'server shutting down') {
      this.io.to(sessionRoom(room.sessionId)).emit('media:reset', { reason });
    }
  }

  private onConnection(socket: ConcordSocket): void {
    const claims = socket.data.claims;
    let log = this.log.child({ sessionId: claims.sid, siteId: claims.site, sub: claims.sub });
    const router = new RequestRouter(socket, this.limiter, () => log);
    const on = router.on;
    const self = (): ParticipantId => {
      const id = socket.data.participantId;
      if (id === null) {
        throw new ConcordError(ErrorCode.NOT_JOINED, 'join the session first');
      }
      return id;
    };
    const ctx: ConnectionContext = { socket, claims, on, self };

    on('session:join', async ({ displayName, instanceId }) => {
      const participantId = participantIdFor(claims.sub, instanceId);
      if (socket.data.participantId !== null && socket.data.participantId !== participantId) {
        throw new ConflictError('this connection already joined as another participant');
      }
      const sid = claims.sid;
      const session = await this.store.require(sid);
      const [existing, removed] = await Promise.all([
        this.store.getParticipant(sid, participantId),
        this.store.isBanned(sid, claims.sub),
      ]);
      const refusal = joinRefusal(session, claims, existing !== null, removed);
      if (refusal) {
        throw new ConcordError(refusal.code, refusal.message);
      }
      this.identities.set(participantId, { subject: claims.sub, role: claims.role });
      let proceedings = await this.proceedings.get(sid);
      const chairEligible = holdsChair(proceedings, claims.sub, claims.role);
      if (session.lobby && existing === null && !chairEligible && !(await this.store.isAdmitted(sid, participantId))) {
        // Wait in the lobby: reachable on its own channel for lobby:admitted.
        await this.store.putWaiting({
          id: participantId,
          sessionId: sid,
          siteId: claims.site,
          displayName: displayName ?? claims.name,
          role: claims.role,
          connection: 'connected',
          joinedAt: Date.now(),
        });
        await socket.join(participantRoom(participantId));
        socket.data.waitingAs = participantId;
        await notifyChairOfLobby(this.moderationDeps, sid);
        throw new ConcordError(ErrorCode.IN_LOBBY, 'the chair will admit you shortly');
      }
      if (claims.role === 'chair' && proceedings.chair === null) {
        proceedings = await this.proceedings.change(sid, (p) =>
          p.chair === null ? { ...p, chair: { subject: claims.sub, displayName: displayName ?? claims.name } } : p,
        );
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
        (await this.rooms.peek(sid))?.removePeer(participantId);
        const participant: Participant = {
          id: participantId,
          sessionId: sid,
          siteId: claims.site,
          displayName: displayName ?? existing?.displayName ?? claims.name,
          role: claims.role,
          connection: 'connected',
          joinedAt: existing?.joinedAt ?? Date.now(),
        };
        socket.data.participantId = participantId;
        socket.data.waitingAs = null;
        const rooms = [sessionRoom(sid), participantRoom(participantId)];
        if (claims.site !== null) {
          rooms.push(siteRoom(sid, claims.site));
        }
        if (claims.role === 'operator') {
          rooms.push(operatorsRoom(sid));
        }
        await socket.join(rooms);
        await this.store.setSubject(sid, participantId, claims.sub);
        await this.presence.connected(participant, socket.id, existing !== null);
        this.monitor.heartbeat(sid, participantId, claims.site);
        log = log.child({ participantId });
        log.info({ rejoin: existing !== null }, 'participant joined');
      }
      const isChair = holdsChair(proceedings, claims.sub, claims.role);
      if (isChair) {
        await socket.join(chairRoom(sid));
      }
      const mode = this.monitor.modeOf(sid, claims.site);
      if (mode !== 'full') {
        // A member (re)joining a site the operator moved down learns it at once.
        socket.emit('media:mode', { mode, by: 'operator' });
      }
      const [participants, seq, mediaRoom, lobby, issues, issueSettings] = await Promise.all([
        this.store.listParticipants(sid),
        this.store.currentSeq(sid),
        this.rooms.peek(sid),
        isChair ? this.store.listWaiting(sid) : Promise.resolve([]),
        this.issues.list(sid),
        this.issues.settings(sid),
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
        proceedings,
        isChair,
        lobby,
        issues,
        issueSettings,
        serverNow: Date.now(),
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

    registerMediaHandlers(ctx, this.io, this.rooms, this.proceedings, this.monitor);
    registerHealthHandlers(ctx, this.monitor, this.store, this.proceedings);
    registerProceedingsHandlers(ctx, this.proceedings, this.store);
    registerModerationHandlers(ctx, this.moderationDeps);
    registerIssueHandlers(ctx, this.issues, this.store, this.proceedings, this.moderationDeps);
    router.attach();

    socket.on('disconnect', (reason) => {
      const id = socket.data.participantId;
      this.limiter.delete(socket.id).catch(() => undefined);
      const waiting = socket.data.waitingAs;
      if (waiting !== null) {
        // Nobody should admit a tab that is gone; it waits again if it comes back.
        void this.store
          .takeWaiting(claims.sid, waiting)
          .then(() => notifyChairOfLobby(this.moderationDeps, claims.sid))
          .catch((err: unknown) => log.warn({ err }, 'could not clear lobby entry'));
      }
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
    this.monitor.close();
    this.proceedings.close();
    this.issues.close();
    this.presence.close();
    await this.rooms.close();
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}
