import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** Attempts between reconnects grow to this ceiling, so a Redis restart is picked up within seconds. */
const REDIS_MAX_RETRY_DELAY_MS = 2_000;

export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    // Requests wait while Redis is away instead of failing at once; a short restart is invisible.
    maxRetriesPerRequest: 20,
    retryStrategy: (attempt) => Math.min(attempt * 100, REDIS_MAX_RETRY_DELAY_MS),
  });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  redis.on('ready', () => log.info('redis ready'));
  return redis;
}

export type { Redis };
