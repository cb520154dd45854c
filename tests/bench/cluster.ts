import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { SessionIdSchema } from '@concord/shared';
import { ownerKey } from '../../server/src/store/leases.js';
import { data, request } from '../support/clients.js';
import { testEnv } from '../support/env.js';
import { ChildServer } from '../support/server.js';
import { inviteFor, joinAs, newSession, type Joined } from '../support/sessions.js';

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
 * `clients` members joined round-robin over `nodes`, the chair on the first node; each of
 * `changes` agenda additions is timed from the chair's request until the last client holds
 * the entry. Returns one duration (ms) per change.
 */
export async function fanOut(nodes: readonly ChildServer[], clients: number, changes: number): Promise<number[]> {
  const first = nodes[0]!;
  const created = await newSession(first.url, 'Fan-out');
  const members: Joined[] = [];
  const seen = new Map<number, number>();
  try {
    for (let i = 0; i < clients; i++) {
      const node = nodes[i % nodes.length]!;
      const m = await joinAs(node.url, inviteFor(created, 'member', SITES[i % SITES.length]), `Member ${i}`);
      m.socket.on('session:entry', (e) => seen.set(e.seq, (seen.get(e.seq) ?? 0) + 1));
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
    return times;
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
