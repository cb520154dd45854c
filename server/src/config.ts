import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NodeIdSchema, RegionSchema } from '@concord/shared';

// The one place environment variables are read. Everything else receives a Config.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const port = z.coerce.number().int().min(0).max(65535);
const EnvSchema = z.object({
  /** HTTP and Socket.IO port. Default 3000; 0 picks a free port (tests). */
  PORT: port.default(3000),
  /** Interface the HTTP server binds. Default 0.0.0.0. */
  HOST: z.string().default('0.0.0.0'),
  /**
   * Where browsers reach this node: the base of invite links, and the address other pages
   * move to when their node dies. Set it on every node of a deployment with several.
   * Default http://localhost:<PORT>.
   */
  PUBLIC_URL: z.url().optional(),
  /**
   * Which proxies in front of the node are trusted to say the client's address
   * (X-Forwarded-For), for the per-address rate limit: `loopback`, addresses or subnets
   * (comma-separated, e.g. `10.0.0.0/8,loopback`), or a number of hops. Default loopback.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Za-z.:/,_-]+$/, 'addresses, subnets, loopback/linklocal/uniquelocal, or a hop count')
    .default('loopback'),
  /** Redis connection URL (required; `npm start` starts a local one when it is unset). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  /** Secret that signs invite tokens (HS256). Required, at least 32 characters. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Secret for the admin HTTP API (Authorization: Bearer). Required, at least 16 characters. */
  ADMIN_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** IP mediasoup listens on for RTP. Default 127.0.0.1, or 0.0.0.0 when ANNOUNCED_IP is set. */
  RTC_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** Public IP or host name given to browsers in ICE candidates. Default: the listen IP. */
  ANNOUNCED_IP: z.string().min(1).optional(),
  /**
   * The one UDP and one TCP port every WebRTC transport of a worker shares (a mediasoup
   * WebRtcServer): worker i listens on RTC_PORT + i. 0 picks free ports (tests). Default 44400.
   */
  RTC_PORT: port.default(44400),
  /**
   * `true`: no shared port; each transport takes its own port from RTC_MIN_PORT-RTC_MAX_PORT
   * (the fallback for networks that need it). Default false.
   */
  RTC_PORT_RANGE: z.enum(['true', 'false']).default('false'),
  /** The port range of RTC_PORT_RANGE, and of the pipes between nodes. Default 40000-49999. */
  RTC_MIN_PORT: port.default(40000),
  RTC_MAX_PORT: port.default(49999),
  /**
   * TURN servers handed to browsers (comma-separated ICE URLs, e.g.
   * `turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp`).
   * Default none (`npm start` runs an embedded coturn and sets it).
   */
  TURN_URLS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u.length > 0),
    )
    .pipe(z.array(z.string().regex(/^turns?:[^\s]+$/, 'each TURN URL starts with turn: or turns:'))),
  /** The secret shared with the TURN server (`static-auth-secret`); required with TURN_URLS. */
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long TURN credentials stay valid (seconds); clients renew them before. Default 3600. */
  TURN_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** mediasoup workers (one per core by default). */
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * Participants of one session one router (one worker) serves on this node before the
   * session spreads to a router on the next worker. Default 50.
   */
  MEDIASOUP_PEERS_PER_ROUTER: z.coerce.number().int().min(1).max(10_000).default(50),
  /** mediasoup worker log level. Default warn. */
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** pino log level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty, human-readable logs (npm start sets it). Default false: JSON lines. */
  LOG_PRETTY: z.enum(['true', 'false']).default('false'),
  /** Built client served by the server. Default client/dist in the repo. */
  CLIENT_DIST: z.string().default(path.join(repoRoot, 'client/dist')),
  /**
   * Audio louder than this (dBov, averaged over 800 ms) counts as "heard" on the operators'
   * board. Default -70: above digital silence (-127) and a quiet room's noise floor.
   */
  AUDIO_HEARD_DBOV: z.coerce.number().int().min(-127).max(0).default(-70),
  /** Packet loss (percent) above which a site is degraded. Default 5. */
  HEALTH_DEGRADED_LOSS_PCT: z.coerce.number().min(0).max(100).default(5),
  /** Round-trip time (ms) above which a site is degraded. Default 400. */
  HEALTH_DEGRADED_RTT_MS: z.coerce.number().int().min(1).default(400),
  /**
   * No media and no heartbeat from any of a site's participants for this long (ms) makes the
   * site down, at once. Heartbeats come every second (socket pings), media many times a second.
   * Default 2000.
   */
  HEALTH_DOWN_AFTER_MS: z.coerce.number().int().min(1000).default(2_000),
  /** Loss or RTT above its threshold must last this long (ms) before a site is degraded. Default 8000. */
  HEALTH_DEGRADED_AFTER_MS: z.coerce.number().int().min(0).default(8_000),
  /** A degraded or down site must be ok this long (ms) without a break before its alarm clears. Default 5000. */
  HEALTH_CLEAR_AFTER_MS: z.coerce.number().int().min(0).default(5_000),
  /**
   * How long a dropped participant keeps its place (and its media on its node) before it is
   * removed: longer than the client keeps trying (at least 60 s). Default 90 s.
   */
  RECONNECT_GRACE_MS: z.coerce.number().int().min(0).default(90_000),
  /**
   * This node's name among the nodes that share one Redis. Default: the host name and a
   * random suffix, new at every start (a restarted node is a new node; its old connections
   * are treated as dropped once its old name stops being renewed).
   */
  NODE_ID: NodeIdSchema.optional(),
  /** The region this node serves (invites may prefer one). Default: none. */
  NODE_REGION: RegionSchema.optional(),
  /** Default lifetime of invite tokens. Default 24 h. */
  INVITE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | null;
  redisUrl: string;
  jwtSecret: string;
  adminSecret: string;
  rtc: {
    listenIp: string;
    announcedAddress: string | undefined;
    heardThresholdDbov: number;
    minPort: number;
    maxPort: number;
    /** The WebRtcServer port of worker 0 (0: free ports), or null for a port per transport. */
    sharedPort: number | null;
  };
  /** TURN servers for browsers, with the secret their credentials are made from; null: none. */
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  mediasoup: { numWorkers: number; logLevel: 'debug' | 'warn' | 'error' | 'none'; peersPerRouter: number };
  log: { level: string; pretty: boolean };
  clientDist: string;
  health: {
    degradedLossPct: number;
    degradedRttMs: number;
    downAfterMs: number;
    degradedAfterMs: number;
    clearAfterMs: number;
  };
  reconnectGraceMs: number;
  inviteTtlSeconds: number;
  /** Express's `trust proxy`: subnets and names, or a hop count. */
  trustProxy: string[] | number;
  node: { id: string; region: string | null };
}

export class ConfigError extends Error {}

/** Builds the config from an environment (process.env by default), failing with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  if (e.RTC_MIN_PORT > e.RTC_MAX_PORT) {
    throw new ConfigError('invalid configuration:\n  RTC_MIN_PORT: must not exceed RTC_MAX_PORT');
  }
  if (e.TURN_URLS.length > 0 && e.TURN_SECRET === undefined) {
    throw new ConfigError('invalid configuration:\n  TURN_SECRET: required when TURN_URLS is set');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? null,
    trustProxy: /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY.split(','),
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    adminSecret: e.ADMIN_SECRET,
    rtc: {
      listenIp: e.RTC_LISTEN_IP ?? (e.ANNOUNCED_IP ? '0.0.0.0' : '127.0.0.1'),
      announcedAddress: e.ANNOUNCED_IP,
      heardThresholdDbov: e.AUDIO_HEARD_DBOV,
      minPort: e.RTC_MIN_PORT,
      maxPort: e.RTC_MAX_PORT,
      sharedPort: e.RTC_PORT_RANGE === 'true' ? null : e.RTC_PORT,
    },
    turn:
      e.TURN_URLS.length > 0 && e.TURN_SECRET !== undefined
        ? { urls: e.TURN_URLS, secret: e.TURN_SECRET, ttlSeconds: e.TURN_CREDENTIAL_TTL_SECONDS }
        : null,
    mediasoup: {
      numWorkers: e.MEDIASOUP_WORKERS ?? os.availableParallelism(),
      logLevel: e.MEDIASOUP_LOG_LEVEL,
      peersPerRouter: e.MEDIASOUP_PEERS_PER_ROUTER,
    },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY === 'true' },
    clientDist: e.CLIENT_DIST,
    health: {
      degradedLossPct: e.HEALTH_DEGRADED_LOSS_PCT,
      degradedRttMs: e.HEALTH_DEGRADED_RTT_MS,
      downAfterMs: e.HEALTH_DOWN_AFTER_MS,
      degradedAfterMs: e.HEALTH_DEGRADED_AFTER_MS,
      clearAfterMs: e.HEALTH_CLEAR_AFTER_MS,
    },
    reconnectGraceMs: e.RECONNECT_GRACE_MS,
    inviteTtlSeconds: e.INVITE_TTL_SECONDS,
    node: {
      id:
        e.NODE_ID ??
        `${os
          .hostname()
          .replace(/[^A-Za-z0-9_.-]/g, '-')
          .slice(0, 40)}-${randomBytes(3).toString('hex')}`,
      region: e.NODE_REGION ?? null,
    },
  };
}

const AdminCliEnvSchema = z.object({
  /** Where the running server is. Default http://localhost:3000. */
  CONCORD_URL: z.url().default('http://localhost:3000'),
  /** The server's admin secret (`npm run admin` reads .concord/admin-secret when unset). */
  ADMIN_SECRET: z.string().min(16, 'must be at least 16 characters'),
});

/** Configuration of the admin command line (`npm run admin`). */
export function loadAdminCliConfig(env: NodeJS.ProcessEnv = process.env): { url: string; adminSecret: string } {
  const parsed = AdminCliEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return { url: parsed.data.CONCORD_URL.replace(/\/$/, ''), adminSecret: parsed.data.ADMIN_SECRET };
}
