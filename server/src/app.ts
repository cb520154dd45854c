import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { InviteService } from './auth/invites.js';
import { TokenService } from './auth/tokens.js';
import { Health } from './health/health.js';
import { createHttpApp } from './http/app.js';
import { WorkerPool } from './media/workerPool.js';
import { Signaling } from './signaling/signaling.js';
import { createMetrics } from './health/metrics.js';
import type { Registry } from 'prom-client';
import { createRedis, type Redis } from './store/redis.js';
import { SessionStore } from './store/sessionStore.js';

/** A running Concord server. `close()` stops everything it started, children first. */
export interface Concord {
  readonly url: string;
  readonly port: number;
  readonly store: SessionStore;
  readonly tokens: TokenService;
  readonly invites: InviteService;
  readonly pool: WorkerPool;
  readonly signaling: Signaling;
  readonly redis: Redis;
  close(): Promise<void>;
}

export async function startConcord(config: Config, log: Logger): Promise<Concord> {
  const redis = createRedis(config.redisUrl, log.child({ component: 'redis' }));
  await redis.connect();
  const pool = await WorkerPool.create(config, log);

  const store = new SessionStore(redis);
  const tokens = new TokenService(config.jwtSecret);
  let baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const invites = new InviteService(tokens, () => baseUrl, config.inviteTtlSeconds);
  const health = new Health(redis, pool);

  // The Express app is registered before Socket.IO attaches (Socket.IO wraps the request
  // listeners it finds); the agenda API reaches the signaling layer's service lazily.
  let signaling: Signaling | null = null;
  let metrics: Registry | null = null;
  const ready = (): Signaling => {
    if (!signaling) {
      throw new Error('signaling is not ready');
    }
    return signaling;
  };
  const app = createHttpApp({
    store,
    tokens,
    invites,
    health,
    proceedings: () => ready().proceedings,
    issues: () => ready().issues,
    metrics: () => (metrics ??= createMetrics(ready().monitor)),
    adminSecret: config.adminSecret,
    clientDist: config.clientDist,
    log: log.child({ component: 'http' }),
  });
  const server = http.createServer(app);
  signaling = new Signaling(server, config, store, redis, tokens, pool, health, log.child({ component: 'signaling' }));
  signaling.monitor.start();
  await signaling.recover();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = config.publicUrl ?? `http://localhost:${port}`;
  log.info({ port, url: baseUrl, workers: config.mediasoup.numWorkers }, 'concord listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    tokens,
    invites,
    pool,
    signaling,
    redis,
    close() {
      closing ??= (async () => {
        await signaling.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        pool.close();
        await redis.quit().catch(() => redis.disconnect());
        log.info('concord stopped');
      })();
      return closing;
    },
  };
}
