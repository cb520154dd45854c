import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from '../store/redis.js';
import { ErrorCode } from '@concord/shared';
import type { TokenService } from '../auth/tokens.js';
import { ConcordError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/rooms.js';
import { authorize, callerOf } from '../services/caller.js';
import type { FloorMedia } from '../services/floorMedia.js';
import type { HealthService } from '../services/health.js';
import type { IssueService } from '../services/issues.js';
import type { ProceedingsService } from '../services/proceedings.js';
import type { SessionLogs } from '../services/sessionLog.js';
import type { SessionService } from '../services/sessions.js';
import type { SocketBroadcaster } from './broadcaster.js';
import type { MediaPort } from '../services/ports.js';
import type { NodePipes } from '../media/nodePipes.js';
import type { TurnCredentials } from '../auth/turn.js';
import type { ProducerRegistry } from '../store/producerRegistry.js';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { LocalConnections } from './connections.js';
import { serviceHandlers } from './handlers.js';
import { handshakeMiddleware } from './handshake.js';
import { mediaHandlers } from './mediaHandlers.js';
import { serveRequests, type Handlers } from './router.js';
import { onDisconnect, sessionHandlers, type SessionHandlerDeps } from './sessionHandlers.js';
import type { ConcordServer, ConcordSocket } from './types.js';

/**
 * Socket.IO pings every client this often, and the client's pong (like any packet it sends) is
 * its heartbeat on the health board: a site's heartbeats stop within a second of a cut. A ping
 * is a few bytes a second per connection.
 */
const PING_INTERVAL_MS = 1_000;
/**
 * How long Socket.IO waits for a pong before it declares a socket dead (and the client, a ping
 * interval more for a ping). Much longer than the health board's down threshold: a link that
 * drops for a few seconds keeps its socket, and the board says so without closing anything.
 */
const PING_TIMEOUT_MS = 10_000;
/** The largest frame a client may send (bigger ones close its connection); documented in docs/protocol.md. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface SignalingDeps {
  tokens: TokenService;
  logs: SessionLogs;
  sessions: SessionService;
  proceedings: ProceedingsService;
  issues: IssueService;
  health: HealthService;
  floorMedia: FloorMedia;
  media: MediaPort;
  rooms: RoomRegistry;
  broadcaster: SocketBroadcaster;
  registry: ProducerRegistry;
  pipes: NodePipes;
  turn: TurnCredentials;
  limiter: RateLimiterAbstract;
  nodeId: string;
  log: Logger;
}

/** How often nodes tell each other through the adapter that they are alive, and when one counts as gone. */
const ADAPTER_HEARTBEAT_MS = 1_000;
const ADAPTER_HEARTBEAT_TIMEOUT_MS = 3_000;

/**
 * The Socket.IO server on the HTTP server (attach it after Express, which it wraps), with
 * the Redis Streams adapter: a broadcast to a room reaches its sockets on every node.
 * `redis` is a connection for the adapter alone (it also makes its own for reading).
 */
export function createSocketServer(httpServer: HttpServer, redis: Redis): ConcordServer {
  return new Server(httpServer, {
    serveClient: false,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    maxHttpBufferSize: MAX_PAYLOAD_BYTES,
    adapter: createAdapter(redis, {
      streamName: 'concord:socket.io',
      channelPrefix: 'concord:socket.io',
      heartbeatInterval: ADAPTER_HEARTBEAT_MS,
      heartbeatTimeout: ADAPTER_HEARTBEAT_TIMEOUT_MS,
      onlyPlaintext: true,
    }),
  });
}

/**
 * Socket.IO: translates connections and requests into service calls, and the session log's
 * entries into messages to this node's connections. Owns the Socket.IO server.
 */
export class Signaling {
  readonly connections: LocalConnections;
  private stopping = false;

  constructor(
    readonly io: ConcordServer,
    private readonly deps: SignalingDeps,
  ) {
    deps.broadcaster.attach(io);
    this.connections = new LocalConnections(io, deps.media, deps.nodeId, deps.log);
    deps.logs.onEntry((entry, _before, after) => deps.broadcaster.entry(after.session.id, entry));
    deps.logs.onEntry(this.connections.onEntry);
    io.use(handshakeMiddleware(deps.tokens));
    io.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: ConcordSocket): void {
    const claims = socket.data.claims;
    const base = this.deps.log.child({ sessionId: claims.sid, siteId: claims.site, sub: claims.sub });
    let log = base;
    const d = this.deps;
    const sessionDeps: SessionHandlerDeps = {
      logs: d.logs,
      registry: d.registry,
      sessions: d.sessions,
      health: d.health,
      rooms: d.rooms,
      connections: this.connections,
      nodeId: d.nodeId,
      stopping: () => this.stopping,
    };
    const handlers: Handlers = {
      ...sessionHandlers(sessionDeps, socket, (l) => (log = l), base),
      ...mediaHandlers(
        {
          rooms: d.rooms,
          logs: d.logs,
          floorMedia: d.floorMedia,
          registry: d.registry,
          pipes: d.pipes,
          turn: d.turn,
          nodeId: d.nodeId,
        },
        socket,
      ),
      ...serviceHandlers(d),
    };
    serveRequests(
      {
        socket,
        limiter: d.limiter,
        log: () => log,
        caller: () => callerOf(claims, socket.data.participantId),
        authorize: async (caller, permission) => {
          const sessionLog = await d.logs.find(claims.sid);
          if (sessionLog === null) {
            throw new ConcordError(ErrorCode.NOT_FOUND, 'session not found');
          }
          authorize(sessionLog.state, caller, permission);
        },
      },
      handlers,
    );
    // Any packet of the connection (the pong to each ping, a request) is a sign of life on the health board.
    socket.conn.on('packet', () => {
      const pid = socket.data.participantId;
      if (pid !== null) {
        d.health.alive(claims.sid, pid, claims.site);
      }
    });
    socket.on('disconnect', () => onDisconnect(sessionDeps, socket, log));
  }

  /** The node begins to stop: connections that go from now on are its own doing, not drops to record. */
  beginStopping(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    // This node's name is withdrawn as it stops: the other nodes drop its places at once.
    this.stopping = true;
    this.connections.clear();
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}
