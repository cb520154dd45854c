import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { SessionIdSchema } from '@concord/shared';
import { ownerKey } from '../../server/src/store/leases.js';
import { data, request } from '../support/clients.js';
import { testEnv } from '../support/env.js';
import { ChildServer, repoRoot } from '../support/server.js';
import { inviteFor, joinAs, newSession, seatFor, type Joined } from '../support/sessions.js';

// Several nodes on one Redis, each its own process (as deployed): how long one change takes
// to reach every client when the clients are spread over the nodes, and how long a session
// is without an owner when its owner dies.

const SITES = ['Daraa', 'Damascus', 'Homs', 'Latakia'];
/** How long to wait for every client to see one change before the run counts as broken. */
const FAN_OUT_TIMEOUT_MS = 30_000;
const TAKEOVER_TIMEOUT_MS = 10_000;

export async function startNodes(redisUrl: string, ids: readonly string[]): Promise<ChildServer[]> {
  const nodes: ChildServer[] = [];
  for (const id of ids) {
    nodes.push(await ChildServer.start(testEnv(redisUrl, { NODE_ID: id })));
  }
  return nodes;
}

/**
 * The baseline of `fanOut`: a bare Socket.IO server process (tests/bench/rawBroadcast.ts)
 * relays `entry` (one of Concord's entries, the same bytes) from one client to `clients`
 * others; each of `changes` is timed from the send until the last client has it.
 */
export async function rawFanOut(clients: number, changes: number, entry: unknown): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests/bench/rawBroadcast.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sockets: Socket[] = [];
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`raw broadcast server exited ${code}`)));
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(/port (\d+)/.exec(chunk.toString())?.[1])));
    });
    const url = `http://127.0.0.1:${port}`;
    let received = 0;
    for (let i = 0; i <= clients; i++) {
      const socket = io(url, { transports: ['websocket'], forceNew: true });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      if (i > 0) {
        socket.on('session:entry', () => received++);
      }
      sockets.push(socket);
    }
    const sender = sockets[0]!;
    const times: number[] = [];
    for (let k = 0; k < changes; k++) {
      received = 0;
      const t0 = performance.now();
      await sender.timeout(FAN_OUT_TIMEOUT_MS).emitWithAck('change', entry);
      while (received < clients) {
        if (performance.now() - t0 > FAN_OUT_TIMEOUT_MS) {
          throw new Error(`raw change reached ${received} of ${clients} clients`);
        }
        await new Promise((r) => setImmediate(r));
      }
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    sockets.forEach((s) => s.close());
    child.kill('SIGKILL');
  }
}

/**
 * `clients` members joined round-robin over `nodes`, the chair on the first node; each of
 * `changes` agenda additions is timed from the chair's request until the last client holds
 * the entry. Returns one duration (ms) per change.
 */
export async function fanOut(
  nodes: readonly ChildServer[],
  clients: number,
  changes: number,
): Promise<{ times: number[]; entry: unknown }> {
  const first = nodes[0]!;
  const created = await newSession(first.url, 'Fan-out');
  const members: Joined[] = [];
  const seen = new Map<number, number>();
  let entry: unknown = null;
  try {
    for (let i = 0; i < clients; i++) {
      const node = nodes[i % nodes.length]!;
      const m = await joinAs(node.url, seatFor(created, 'member', SITES[i % SITES.length]), `Member ${i}`);
      m.socket.on('session:entry', (e) => {
        seen.set(e.seq, (seen.get(e.seq) ?? 0) + 1);
        entry = e;
      });
      members.push(m);
    }
    const chair = await joinAs(first.url, inviteFor(created, 'chair'));
    members.push(chair);
    const times: number[] = [];
    for (let k = 0; k < changes; k++) {
      const t0 = performance.now();
      data(
        await request(chair.socket, 'agenda:add', {
          expectedVersion: chair.latest().version,
          title: `Item ${k}`,
          allotmentSec: 300,
        }),
      );
      const seq = Math.max(...chair.received());
      while ((seen.get(seq) ?? 0) < clients) {
        if (performance.now() - t0 > FAN_OUT_TIMEOUT_MS) {
          throw new Error(`change ${seq} reached ${seen.get(seq) ?? 0} of ${clients} clients`);
        }
        await new Promise((r) => setImmediate(r));
      }
      times.push(performance.now() - t0);
      // The chair's own copy must be current before the next compare-and-set.
      while (chair.latest().agenda.length < k + 1) {
        await new Promise((r) => setImmediate(r));
      }
    }
    return { times, entry };
  } finally {
    members.forEach((m) => m.socket.close());
  }
}

/**
 * The session's owner is SIGKILLed `tries` times; each time, the milliseconds until another
 * node holds the lease (read from Redis as it is written).
 */
export async function takeover(redisUrl: string, tries: number): Promise<number[]> {
  const redis = new Redis(redisUrl);
  const standby = (await startNodes(redisUrl, ['takeover-standby']))[0]!;
  const times: number[] = [];
  try {
    for (let i = 0; i < tries; i++) {
      const owner = (await startNodes(redisUrl, [`takeover-owner-${i}`]))[0]!;
      try {
        const created = await newSession(owner.url, 'Takeover');
        const sid = SessionIdSchema.parse(created.session.id);
        // A participant on each node: the owner's (first) makes it the owner, the standby's makes the standby follow.
        const here = await joinAs(owner.url, inviteFor(created, 'member', 'Daraa'));
        const there = await joinAs(standby.url, inviteFor(created, 'member', 'Homs'));
        while ((await redis.get(ownerKey(sid))) !== `takeover-owner-${i}`) {
          await new Promise((r) => setTimeout(r, 10));
        }
        const t0 = performance.now();
        await owner.stop('SIGKILL');
        while ((await redis.get(ownerKey(sid))) !== 'takeover-standby') {
          if (performance.now() - t0 > TAKEOVER_TIMEOUT_MS) {
            throw new Error('no node took the session over');
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        times.push(performance.now() - t0);
        here.socket.close();
        there.socket.close();
      } finally {
        await owner.stop();
      }
    }
    return times;
  } finally {
    await standby.stop();
    redis.disconnect();
  }
}
