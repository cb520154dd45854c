import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, data, request, type TestSocket } from '../support/clients.js';
import { RedisServer } from '../support/redisServer.js';
import { repoRoot, startTestServer } from '../support/server.js';
import { inviteFor, joinAs, newSession, type Joined } from '../support/sessions.js';
import { fanOut, startNodes, takeover } from './cluster.js';

// `npm run bench`: latencies of the paths users wait on, against a real server, Redis and
// mediasoup worker on this machine. Results: bench-results/results.json and results.md.

const JOINS = 40;
const FLOOR_CLIENTS = 50;
const RAISES = 300;
const FAN_OUT_CLIENTS = 200;
const FAN_OUT_CHANGES = 30;
const TAKEOVERS = 5;

interface Row {
  name: string;
  unit: string;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  note: string;
}

function summarize(name: string, values: number[], note: string, unit = 'ms'): Row {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    name,
    unit,
    samples: s.length,
    p50: r(q(0.5)),
    p95: r(q(0.95)),
    p99: r(q(0.99)),
    max: r(s[s.length - 1] ?? NaN),
    note,
  };
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const concord = await startTestServer(redis.url, { LOG_LEVEL: 'error' });
  const rows: Row[] = [];
  const sockets: TestSocket[] = [];
  try {
    const created = await newSession(concord.url, 'Benchmark');
    const sites = ['Daraa', 'Damascus', 'Homs', 'Latakia'];

    // 1. Connect and join, one after another.
    const joinTimes: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const t0 = performance.now();
      const socket = await connect(concord.url, inviteFor(created, 'member', sites[i % 4]));
      data(await request(socket, 'session:join', { instanceId: `bench-join-${i}-abcd` }));
      joinTimes.push(performance.now() - t0);
      sockets.push(socket);
    }
    rows.push(
      summarize(
        'connect + session:join',
        joinTimes,
        `${JOINS} sequential joins (WebSocket handshake, token check, Redis writes, snapshot)`,
      ),
    );

    // 2. Everyone asks for the floor at once: time to each ack, and until the last client saw the final queue.
    const members: Joined[] = [];
    for (let i = 0; i < FLOOR_CLIENTS; i++) {
      members.push(await joinAs(concord.url, inviteFor(created, 'member', sites[i % 4]), `Member ${i}`));
    }
    const chair = await joinAs(concord.url, inviteFor(created, 'chair'));
    const burstStart = performance.now();
    const ackTimes = await Promise.all(
      members.map(async (m) => {
        data(await request(m.socket, 'floor:request', { type: 'speak', forSite: false }));
        return performance.now() - burstStart;
      }),
    );
    rows.push(
      summarize(
        'floor:request burst, ack',
        ackTimes,
        `${FLOOR_CLIENTS} clients at once; changes queued per session, Lua compare-and-set, full state broadcast to every client`,
      ),
    );
    const seenAll = await new Promise<number>((resolve) => {
      const check = () => {
        if ([chair, ...members].every((m) => m.latest().queue.length === FLOOR_CLIENTS)) {
          resolve(performance.now() - burstStart);
        } else {
          setTimeout(check, 2);
        }
      };
      check();
    });
    rows.push(summarize('floor burst, all clients see the final queue', [seenAll], `${FLOOR_CLIENTS + 1} clients`));

    // 3. A member raises; how long until a commander has the issue.
    const commander = await joinAs(concord.url, inviteFor(created, 'commander'));
    const pending = new Map<string, number>();
    const latencies: number[] = [];
    commander.socket.on('session:entry', (e) => {
      const t0 =
        e.type === 'issue.raised' && e.payload.event.type === 'raised' ? pending.get(e.payload.event.title) : undefined;
      if (t0 !== undefined && e.type === 'issue.raised' && e.payload.event.type === 'raised') {
        latencies.push(performance.now() - t0);
        pending.delete(e.payload.event.title);
      }
    });
    for (let i = 0; i < RAISES; i++) {
      const title = `Bench issue ${i}`;
      pending.set(title, performance.now());
      data(
        await request(members[i % members.length]!.socket, 'issue:raise', {
          idempotencyKey: `bench-raise-${i}`,
          title,
          details: '',
          category: 'other',
          urgency: i % 10 === 0 ? 'critical' : 'routine',
        }),
      );
    }
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    rows.push(
      summarize(
        'issue:raise → commander receives it',
        latencies,
        `${RAISES} raises, one at a time, from ${FLOOR_CLIENTS} members; idempotent Lua raise + stream append + broadcast to ${FLOOR_CLIENTS + JOINS + 2} sockets`,
      ),
    );

    // 4. The operators' board: one health tick (stats of every producer and consumer, pure rules, push).
    const ticks: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await concord.monitor.tick();
      ticks.push(performance.now() - t0);
    }
    rows.push(
      summarize('health monitor tick', ticks, `${JOINS + FLOOR_CLIENTS + 2} participants in one session (no media)`),
    );

    for (const j of [chair, commander, ...members]) {
      sockets.push(j.socket);
    }
  } finally {
    sockets.forEach((s) => s.close());
    await concord.close();
  }

  // 5. Several nodes, each its own process: one change to 200 clients on one node (the
  // baseline) and spread over two; then the owner of a session killed.
  try {
    for (const ids of [['fan-solo'], ['fan-a', 'fan-b']]) {
      const nodes = await startNodes(redis.url, ids);
      try {
        rows.push(
          summarize(
            `one change reaches ${FAN_OUT_CLIENTS} clients, ${ids.length === 1 ? '1 node (baseline)' : `${ids.length} nodes`}`,
            await fanOut(nodes, FAN_OUT_CLIENTS, FAN_OUT_CHANGES),
            `chair's agenda:add until the last client holds the entry; clients round-robin over the nodes, ${FAN_OUT_CHANGES} changes`,
          ),
        );
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
      }
    }
    rows.push(
      summarize(
        'owner SIGKILLed → another node holds the session',
        await takeover(redis.url, TAKEOVERS),
        `lease TTL 800 ms; read from Redis; ${TAKEOVERS} kills`,
      ),
    );
  } finally {
    await redis.destroy();
  }

  const out = path.join(repoRoot, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify({ ...meta, rows }, null, 2));
  const table = [
    `Concord benchmark, ${meta.date}, Node ${meta.node}, ${meta.cpus} cores`,
    '',
    '| measure | samples | p50 | p95 | p99 | max | unit | what |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.name} | ${r.samples} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.unit} | ${r.note} |`,
    ),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(out, 'results.md'), table);
  process.stdout.write(`${table}\nwritten: bench-results/results.json, bench-results/results.md\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
