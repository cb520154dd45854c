import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { InviteService } from './auth/invites.js';
import { TokenService } from './auth/tokens.js';
import { TurnCredentials } from './auth/turn.js';
import { Health } from './health/health.js';
import { createMetrics } from './health/metrics.js';
import { MediaModes } from './health/mediaModes.js';
import { HealthMonitor } from './health/monitor.js';
import { ServerSampler, SignalBook } from './health/samplers.js';
import { createHttpApp } from './http/app.js';
import { RoomEvents } from './media/roomEvents.js';
import { RoomMedia } from './media/roomMedia.js';
import { RoomRegistry } from './media/rooms.js';
import { WorkerPool } from './media/workerPool.js';
import { FloorClock } from './services/floorClock.js';
import { FloorMedia } from './services/floorMedia.js';
import { HealthService } from './services/health.js';
import { IssueService } from './services/issues.js';
import { systemClock } from './services/ports.js';
import { PresenceClock } from './services/presence.js';
import { ProceedingsService } from './services/proceedings.js';
import { SessionLogs } from './services/sessionLog.js';
import { SessionService } from './services/sessions.js';
import { SocketBroadcaster } from './signaling/broadcaster.js';
import { Signaling, createSocketServer } from './signaling/signaling.js';
import { CarryOverStore } from './store/carryOverStore.js';
import { LogStore } from './store/logStore.js';
import { NodeRegistry } from './store/nodes.js';
import { NodeWatch } from './services/nodeWatch.js';
import { createRedis, type Redis } from './store/redis.js';
import { LeaseStore } from './store/leases.js';
import { HealthSampleStore } from './store/healthSamples.js';
import { apiLimiter, socketLimiter } from './store/rateLimits.js';
import { Ownership } from './services/ownership.js';
import { ProducerRegistry } from './store/producerRegistry.js';
import { NodePipes } from './media/nodePipes.js';
import { SocketNodeLink } from './signaling/nodeLink.js';
import { cutOffAt } from '@concord/shared';

/** After a cut-off is due, how long a node that does not run the session gives its owner before stepping in. */
const STANDBY_MS = 200;

/** A running Concord node. `close()` stops everything it started, children first. */
export interface Concord {
  readonly url: string;
  readonly port: number;
  readonly nodeId: string;
  readonly logs: SessionLogs;
  readonly logStore: LogStore;
  readonly sessions: SessionService;
  readonly issues: IssueService;
  readonly tokens: TokenService;
  readonly invites: InviteService;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;
  readonly monitor: HealthMonitor;
  readonly ownership: Ownership;
  readonly pipes: NodePipes;
  readonly signaling: Signaling;
  readonly redis: Redis;
  close(): Promise<void>;
}

/**
 * The composition root: stores, services, the media plane and the adapters (HTTP, Socket.IO)
 * are made here, in the order their dependencies need, and wired by constructor.
 */
export async function startConcord(config: Config, log: Logger): Promise<Concord> {
  const redis = createRedis(config.redisUrl, log.child({ component: 'redis' }));
  await redis.connect();
  const pool = await WorkerPool.create(config, log);
  const nodeId = config.node.id;

  // ---- the log, and the ports the services act through ----
  const logStore = new LogStore(redis);
  const logs = new SessionLogs(logStore, systemClock, log.child({ component: 'log' }));
  const broadcaster = new SocketBroadcaster();
  const signals = new SignalBook();
  const registry = new ProducerRegistry(redis);
  const rooms = new RoomRegistry(
    pool,
    {
      listenIp: config.rtc.listenIp,
      announcedAddress: config.rtc.announcedAddress,
      heardThresholdDbov: config.rtc.heardThresholdDbov,
    },
    config.mediasoup.peersPerRouter,
    new RoomEvents(
      broadcaster,
      registry,
      (sid, siteId) => signals.heard(sid, siteId, Date.now()),
      nodeId,
      log.child({ component: 'media' }),
    ),
    log.child({ component: 'media' }),
  );
  const media = new RoomMedia(rooms, registry, broadcaster);
  const health = new Health(redis, pool);
  const ownership = new Ownership(new LeaseStore(redis), logs, nodeId, log.child({ component: 'ownership' }));
  const monitor = new HealthMonitor(
    logs,
    rooms,
    signals,
    new ServerSampler(pool, rooms, health),
    new HealthSampleStore(redis),
    ownership,
    nodeId,
    broadcaster,
    log.child({ component: 'health' }),
    config.health,
  );

  // ---- services ----
  const sessions = new SessionService(logs, media, nodeId, log.child({ component: 'sessions' }));
  const proceedings = new ProceedingsService(logs);
  const issues = new IssueService(logs, new CarryOverStore(redis), ownership, log.child({ component: 'issues' }));
  const healthService = new HealthService(logs, {
    board: (sid) => monitor.snapshot(sid),
    heartbeat: (sid, pid, siteId, stats) =>
      stats === undefined
        ? signals.heartbeat(sid, pid, siteId, Date.now())
        : signals.report(sid, pid, siteId, stats, Date.now()),
    heard: (sid, siteId) => signals.heard(sid, siteId, Date.now()),
  });
  const floorMedia = new FloorMedia(media, log.child({ component: 'floor' }));
  // Every node arms the floor clock; the node that runs the session cuts the speaker off, the
  // others take the session over if its owner lets the moment pass (it died).
  const floorClock = new FloorClock((sid) => {
    const fence = ownership.fence(sid);
    if (fence !== null) {
      proceedings
        .cutOffIfDue(sid, fence)
        .catch((err: unknown) => log.error({ err, sessionId: sid }, 'floor clock failed'));
      return;
    }
    const stillDue = () => {
      const p = logs.peek(sid)?.state.proceedings;
      const due = p === undefined ? null : cutOffAt(p);
      return due !== null && due <= Date.now();
    };
    setTimeout(() => ownership.contend(sid, stillDue), STANDBY_MS).unref();
  });
  const nodeRegistry = new NodeRegistry(redis);
  const presence = new PresenceClock(
    logs,
    sessions,
    media,
    nodeRegistry,
    ownership,
    nodeId,
    config.reconnectGraceMs,
    log.child({ component: 'presence' }),
  );
  ownership.listen(presence);
  ownership.listen({
    gained: (state) => {
      floorClock.schedule(state.session.id, state.proceedings);
      issues.schedule(state);
    },
    lost: (sid) => issues.cancel(sid),
  });
  // What follows from every entry, whoever wrote it (the broadcast is registered by Signaling).
  logs.onEntry((entry, before, after) => {
    if (before?.proceedings !== after.proceedings) {
      floorClock.schedule(after.session.id, after.proceedings);
    }
    // A participant joining through this node makes it a candidate to run the session.
    if (
      (entry.type === 'participant.joined' || entry.type === 'participant.returned') &&
      entry.payload.node === nodeId
    ) {
      ownership.claim(after.session.id).catch((err: unknown) => log.warn({ err }, 'could not claim the session'));
    }
  });
  logs.onEntry(floorMedia.onEntry);
  logs.onEntry(issues.onEntry);
  logs.onEntry(presence.onEntry);
  logs.onEntry(new MediaModes(rooms, log.child({ component: 'media-modes' })).onEntry);

  // ---- adapters: HTTP first (Socket.IO wraps its listener), then Socket.IO ----
  const tokens = new TokenService(config.jwtSecret);
  let baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const invites = new InviteService(tokens, () => baseUrl, config.inviteTtlSeconds);
  const nodeWatch = new NodeWatch(
    nodeRegistry,
    () => ({ id: nodeId, region: config.node.region, url: new URL(baseUrl).origin }),
    log.child({ component: 'nodes' }),
  );
  const app = createHttpApp({
    logs,
    logStore,
    sessions,
    proceedings,
    issues,
    tokens,
    invites,
    nodes: () => nodeWatch.nodes(),
    health,
    metrics: createMetrics(monitor, { totals: () => pipes.totals() }),
    apiLimiter: apiLimiter(redis),
    adminSecret: config.adminSecret,
    trustProxy: config.trustProxy,
    clientDist: config.clientDist,
    log: log.child({ component: 'http' }),
  });
  const server = http.createServer(app);
  const adapterRedis = redis.duplicate();
  const io = createSocketServer(server, adapterRedis);
  const nodeLink = new SocketNodeLink(io, nodeId, log.child({ component: 'node-link' }));
  const pipes = new NodePipes(
    rooms,
    nodeLink,
    { ip: config.rtc.listenIp, announcedAddress: config.rtc.announcedAddress },
    log.child({ component: 'pipes' }),
  );
  nodeWatch.onGone((node) => void pipes.closeNode(node));
  const signaling = new Signaling(io, {
    tokens,
    logs,
    sessions,
    proceedings,
    issues,
    health: healthService,
    floorMedia,
    media,
    rooms,
    broadcaster,
    registry,
    pipes,
    turn: new TurnCredentials(config.turn),
    limiter: socketLimiter(redis),
    nodeId,
    log: log.child({ component: 'signaling' }),
  });

  // ---- recovery, then serve ----
  // Every stored session is loaded; the ones that need their clocks run and have no live
  // owner are taken over (their reconnecting participants get the grace from now).
  const follower = redis.duplicate();
  logs.follow(follower);
  presence.start();
  for (const sid of await logStore.sessionIds()) {
    const l = await logs.find(sid).catch(() => null);
    if (l !== null) {
      floorClock.schedule(l.id, l.state.proceedings);
      await ownership.claim(l.id);
    }
  }
  await presence.recover();
  ownership.start();
  monitor.start();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = config.publicUrl ?? `http://localhost:${port}`;
  // Other nodes and the browsers learn of this node once it can be reached.
  await nodeWatch.start();
  if (config.publicUrl === null && nodeWatch.nodes().length > 1) {
    log.warn(
      { url: baseUrl, nodes: nodeWatch.nodes().map((n) => n.id) },
      'PUBLIC_URL is not set, yet other nodes share this Redis: browsers elsewhere cannot reach this node by the address it announces',
    );
  }
  log.info({ port, url: baseUrl, node: nodeId, workers: config.mediasoup.numWorkers }, 'concord listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    nodeId,
    logs,
    logStore,
    sessions,
    issues,
    tokens,
    invites,
    pool,
    rooms,
    monitor,
    ownership,
    pipes,
    signaling,
    redis,
    close() {
      closing ??= (async () => {
        signaling.beginStopping();
        monitor.close();
        await ownership.close();
        presence.close();
        nodeWatch.close();
        floorClock.close();
        issues.close();
        logs.stopFollowing();
        nodeLink.close();
        await signaling.close();
        await rooms.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        pool.close();
        adapterRedis.disconnect();
        await redis.quit().catch(() => redis.disconnect());
        log.info('concord stopped');
      })();
      return closing;
    },
  };
}
