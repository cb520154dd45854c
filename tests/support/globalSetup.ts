import type { TestProject } from 'vitest/node';
import { cleanupNetbeds } from './netbed.js';
import { RedisServer } from './redisServer.js';

// One real Redis for the whole run; every test creates its own sessions with fresh ids.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await RedisServer.start();
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.destroy();
    // A network test bed whose suite was killed before its own teardown goes with the run.
    await cleanupNetbeds();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
