import type { Redis } from '../store/redis.js';
import type { WorkerPool, WorkerStatus } from '../media/workerPool.js';

/** Redis must answer within this long to count as up. */
const REDIS_PING_TIMEOUT_MS = 1_000;

export interface HealthReport {
  status: 'ok' | 'degraded';
  uptimeSeconds: number;
  redis: { status: 'up' | 'down'; latencyMs: number | null };
  workers: WorkerStatus[];
}

export class Health {
  private readonly startedAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly pool: WorkerPool,
  ) {}

  async redisLatency(): Promise<number | null> {
    const started = performance.now();
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), REDIS_PING_TIMEOUT_MS).unref());
    const ping = this.redis.ping().then(
      () => performance.now() - started,
      () => null,
    );
    return Promise.race([ping, timeout]);
  }

  async report(): Promise<HealthReport> {
    const [latency, workers] = await Promise.all([this.redisLatency(), this.pool.status()]);
    const redisUp = latency !== null;
    const workersUp = workers.some((w) => w.alive);
    return {
      status: redisUp && workersUp ? 'ok' : 'degraded',
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      redis: { status: redisUp ? 'up' : 'down', latencyMs: latency === null ? null : Math.round(latency * 100) / 100 },
      workers,
    };
  }
}
