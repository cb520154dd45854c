import type { TestProject } from 'vitest/node';
import { RedisServer } from './redisServer.js';

// One real Redis for the whole run; every test creates its own sessions with fresh ids.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await RedisServer.start();
  project.provide('redisUrl', redis.url);
  return () => redis.destroy();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
