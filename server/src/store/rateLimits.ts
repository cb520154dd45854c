import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from './redis.js';

// Limits that hold per user whatever node serves them: counted in Redis (so a second node
// does not double them), with an in-memory limiter of the same size while Redis is away.

/** Requests per second one participant may make over the socket; joining and publishing take about ten. */
export const SOCKET_REQUESTS_PER_SECOND = 40;
/** HTTP API requests per minute from one client address. */
export const API_REQUESTS_PER_MINUTE = 300;

function limiter(redis: Redis, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: false,
    keyPrefix,
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:memory`, points, duration }),
  });
}

/** Socket requests, keyed by participant (by connection before it joined). */
export const socketLimiter = (redis: Redis) => limiter(redis, 'concord:rl:socket', SOCKET_REQUESTS_PER_SECOND, 1);

/** HTTP API requests, keyed by client address. */
export const apiLimiter = (redis: Redis) => limiter(redis, 'concord:rl:api', API_REQUESTS_PER_MINUTE, 60);
