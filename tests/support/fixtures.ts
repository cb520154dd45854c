import { afterAll, beforeAll, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Concord } from '../../server/src/app.js';
import { launchChromium } from './browser.js';
import type { TestSocket } from './clients.js';
import { startTestServer } from './server.js';

/**
 * The real server for a suite (started before, closed after), and a way to have the
 * suite's client sockets closed at the end.
 */
export function withServer(env: Record<string, string> = {}): {
  server: () => Concord;
  closeLater: <T extends { socket: TestSocket } | TestSocket>(x: T) => T;
} {
  let concord: Concord | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    concord = await startTestServer(inject('redisUrl'), env);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await concord?.close();
  });
  return {
    server: () => {
      if (!concord) {
        throw new Error('the server is not started yet');
      }
      return concord;
    },
    closeLater: (x) => {
      sockets.push('socket' in x ? x.socket : x);
      return x;
    },
  };
}

/** The real server and one Debian Chromium for an end-to-end suite. */
export function withServerAndBrowser(env: Record<string, string> = {}): {
  server: () => Concord;
  browser: () => Browser;
} {
  const { server } = withServer(env);
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    server,
    browser: () => {
      if (!browser) {
        throw new Error('the browser is not started yet');
      }
      return browser;
    },
  };
}
