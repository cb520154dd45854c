import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, resultsDir } from './browser.js';
import { Coturn, nssHomeTrusting } from './coturn.js';
import { testEnv } from './env.js';
import { CITY_ADDRESS, HOST_ADDRESS, createNetbed, type City, type Netbed } from './netbed.js';
import { RedisServer } from './redisServer.js';
import { ChildServer } from './server.js';
import { speechFile } from './speech.js';

/** The port every city's node listens on by default, on its own address (each city is its own namespace). */
const NODE_PORT = 3000;
/** TURN in a city: UDP and TCP on the standard port, TLS on 443 (what firewalled sites may reach). */
const TURN_PORT = 3478;
const TURN_TLS_PORT = 443;

export interface CitiesOptions {
  /** The port the nodes serve HTTP and Socket.IO on (443: a site that may reach only 443 still gets the page). */
  nodePort?: number;
  /** A TURN server (real coturn) inside this city; nodes hand it to browsers, browsers trust its certificate. */
  turnIn?: City;
}

/**
 * A deployment across the four-city test bed: Redis on the host's address, one Concord node
 * inside each of `nodeCities` (NODE_ID and NODE_REGION are the city's name; RTP, pipes and
 * HTTP on the city's address), optionally a TURN server in a city of its own, and a Chromium
 * inside each of `browserCities`. Nothing listens outside the bed. Everything is torn down
 * after the suite, the bed last.
 */
export function withCities(nodeCities: readonly City[], browserCities: readonly City[], options: CitiesOptions = {}) {
  const nodePort = options.nodePort ?? NODE_PORT;
  const nodeUrlOf = (city: City) => `http://${CITY_ADDRESS[city]}:${nodePort}`;
  let bed: Netbed | undefined;
  let redis: RedisServer | undefined;
  let turn: Coturn | undefined;
  let nssHome: string | undefined;
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
        PORT: String(nodePort),
        PUBLIC_URL: nodeUrlOf(city),
        RTC_LISTEN_IP: CITY_ADDRESS[city],
        // Each city is its own host: its node takes the documented one-port default.
        RTC_PORT: '44400',
        NODE_ID: city,
        NODE_REGION: city,
        ...(turn === undefined ? {} : { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret }),
      }),
      { run: (command, args, opts) => inCity.spawnIn(city, command, args, opts), host: CITY_ADDRESS[city] },
    );
    nodes.set(city, node);
    return node;
  };

  beforeAll(async () => {
    bed = await createNetbed();
    redis = await RedisServer.start(HOST_ADDRESS);
    if (options.turnIn !== undefined) {
      const inCity = bed;
      const where = options.turnIn;
      turn = await Coturn.start({
        run: (command, args, opts) => inCity.spawnIn(where, command, args, opts),
        listenIp: CITY_ADDRESS[where],
        port: TURN_PORT,
        tlsPort: TURN_TLS_PORT,
        // The nodes live on the bed's private addresses: the only private peers it may relay to.
        allowedPeers: nodeCities.map((c) => CITY_ADDRESS[c]),
      });
      nssHome = await nssHomeTrusting(turn.certFile);
    }
    for (const city of nodeCities) {
      await startNode(city);
    }
    const secureOrigins = nodeCities.map(nodeUrlOf);
    for (const city of browserCities) {
      browsers.set(
        city,
        await launchChromium({
          executablePath: bed.chromiumIn(city),
          secureOrigins,
          // Sites speak: Opus codes a voice (with in-band FEC), not the fake microphone's beep.
          fakeAudioFile: speechFile(resultsDir),
          ...(nssHome === undefined ? {} : { env: { HOME: nssHome } }),
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all([...browsers.values()].map((b) => b.close().catch(() => undefined)));
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    await turn?.stop();
    await redis?.destroy();
    await bed?.destroy();
    if (nssHome !== undefined) {
      fs.rmSync(nssHome, { recursive: true, force: true });
    }
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
    nodeUrl: nodeUrlOf,
    browser: (city: City) => need(browsers.get(city), `browser in ${city}`),
    turn: () => need(turn, 'TURN server'),
    /** Starts the city's node again (after a kill), with the same name. */
    restartNode: (city: City) => startNode(city),
  };
}

/** A node's address with the default port. */
export const nodeUrl = (city: City): string => `http://${CITY_ADDRESS[city]}:${NODE_PORT}`;
