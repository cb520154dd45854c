import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { testEnv } from './env.js';
import { CITY_ADDRESS, HOST_ADDRESS, createNetbed, type City, type Netbed } from './netbed.js';
import { RedisServer } from './redisServer.js';
import { ChildServer } from './server.js';

/** The port every city's node listens on, on its own address (each city is its own namespace). */
const NODE_PORT = 3000;

export const nodeUrl = (city: City): string => `http://${CITY_ADDRESS[city]}:${NODE_PORT}`;

/**
 * A deployment across the four-city test bed: Redis on the host's address, one Concord node
 * inside each of `nodeCities` (NODE_ID and NODE_REGION are the city's name; RTP, pipes and
 * HTTP on the city's address), and a Chromium inside each of `browserCities`. Nothing listens
 * outside the bed. Everything is torn down after the suite, the bed last.
 */
export function withCities(nodeCities: readonly City[], browserCities: readonly City[]) {
  let bed: Netbed | undefined;
  let redis: RedisServer | undefined;
  const nodes = new Map<City, ChildServer>();
  const browsers = new Map<City, Browser>();

  const startNode = async (city: City): Promise<ChildServer> => {
    if (!bed || !redis) {
      throw new Error('the bed is not built yet');
    }
    const inCity = bed;
    const node = await ChildServer.start(
      testEnv(redis.url, {
        HOST: CITY_ADDRESS[city],
        PORT: String(NODE_PORT),
        PUBLIC_URL: nodeUrl(city),
        RTC_LISTEN_IP: CITY_ADDRESS[city],
        NODE_ID: city,
        NODE_REGION: city,
      }),
      { run: (command, args, options) => inCity.spawnIn(city, command, args, options), host: CITY_ADDRESS[city] },
    );
    nodes.set(city, node);
    return node;
  };

  beforeAll(async () => {
    bed = await createNetbed();
    redis = await RedisServer.start(HOST_ADDRESS);
    for (const city of nodeCities) {
      await startNode(city);
    }
    const secureOrigins = nodeCities.map(nodeUrl);
    for (const city of browserCities) {
      browsers.set(city, await launchChromium({ executablePath: bed.chromiumIn(city), secureOrigins }));
    }
  });

  afterAll(async () => {
    await Promise.all([...browsers.values()].map((b) => b.close().catch(() => undefined)));
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    await redis?.destroy();
    await bed?.destroy();
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`no ${what}`);
    }
    return value;
  };
  return {
    bed: () => need(bed, 'bed'),
    redisUrl: () => need(redis, 'Redis').url,
    node: (city: City) => need(nodes.get(city), `node in ${city}`),
    browser: (city: City) => need(browsers.get(city), `browser in ${city}`),
    /** Starts the city's node again (after a kill), with the same name. */
    restartNode: (city: City) => startNode(city),
  };
}
