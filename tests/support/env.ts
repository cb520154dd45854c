import { randomBytes } from 'node:crypto';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const TEST_ADMIN_SECRET = 'test-admin-secret-0123456789';

/** The environment a test server runs with (the same variables `npm start` uses). */
export function testEnv(redisUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_SECRET: TEST_ADMIN_SECRET,
    MEDIASOUP_WORKERS: '1',
    // Many servers share this machine in a run: each worker's one-port server takes free ports.
    RTC_PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    RECONNECT_GRACE_MS: '30000',
    ...extra,
  };
}

export const uniqueId = (prefix: string): string => `${prefix}_${randomBytes(6).toString('base64url')}`;
