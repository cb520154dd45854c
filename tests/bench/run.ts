import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, data, request, type TestSocket } from '../support/clients.js';
import { TEST_ADMIN_SECRET } from '../support/env.js';
import { RedisServer } from '../support/redisServer.js';
import { repoRoot, startTestServer } from '../support/server.js';
import { inviteFor, joinAs, newSession, seatFor, type Joined } from '../support/sessions.js';
import { fanOut, rawFanOut, startNodes, takeover } from './cluster.js';
import { percentile, round, type Goal } from './goals.js';
import { bareCasLoop, floorLoop } from './floorLoop.js';
import { mediaGoals } from './media.js';

// `npm run bench`: latencies of the paths users wait on, against a real server, Redis and
// mediasoup worker on this machine, and the goals of the performance work, each beside its
// baseline measured in the same run. Results: bench-results/results.json and results.md.
// BENCH_PARTS (comma-separated: control, cluster, media; all by default) picks what runs.

const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'control,cluster,media').split(',').map((p) => p.trim()));

const JOINS = 40;
const FLOOR_CLIENTS = 50;
const RAISES = 300;
const FAN_OUT_CLIENTS = 200;
/** P4: one node, against a bare Socket.IO broadcast. */
const FAN_OUT_GOAL_CLIENTS = [200, 500];
const FAN_OUT_CHANGES = 30;
const TAKEOVERS = 5;
const LOOP_SECONDS = 10;

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

/** One node: joins, a floor burst, issue delivery, the health tick; P6 against the bare write loop. */
async function control(rows: Row[], goals: Goal[], redisUrl: string): Promise<void> {
  const concord = await startTestServer(redisUrl, { LOG_LEVEL: 'error' });
  const sockets: TestSocket[] = [];
  try {
    const created = await newSession(concord.url, 'Benchmark');
    const sites = ['Daraa', 'Damascus', 'Homs', 'Latakia'];

    // 1. Connect and join, one after another.
    const joinTimes: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const t0 = performance.now();
      const socket = await connect(concord.url, seatFor(created, 'member', sites[i % 4]));
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
      members.push(await joinAs(concord.url, seatFor(created, 'member', sites[i % 4]), `Member ${i}`));
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

    // P6: changes per second of a closed floor loop, against the bare compare-and-set loop.
    const loop = await floorLoop({
      url: concord.url,
      redisUrl,
      adminSecret: TEST_ADMIN_SECRET,
      clients: FLOOR_CLIENTS,
      seconds: LOOP_SECONDS,
    });
    const bare = await bareCasLoop(redisUrl, FLOOR_CLIENTS, LOOP_SECONDS);
    goals.push({
      id: 'P6',
      measure: `floor request/withdraw changes per second, ${FLOOR_CLIENTS} clients, one session (ack p50 ${round(loop.ackP50Ms)} ms, ${round(loop.redisScriptsPerChange, 3)} script calls per change)`,
      value: Math.round(loop.changesPerSecond),
      baseline: Math.round(bare),
      baselineWhat: 'bare GET + compare-and-set Lua loop, one key, same Redis',
      unit: 'changes/s',
      ratio: round(loop.changesPerSecond / bare),
      goal: '≥ 0.8 ×',
      met: loop.changesPerSecond / bare >= 0.8,
    });
  } finally {
    sockets.forEach((s) => s.close());
    await concord.close();
  }
}

/**
 * Several nodes, each its own process: one change to 200 clients on one node (the baseline)
 * and spread over two; then the owner of a session killed.
 */
async function cluster(rows: Row[], goals: Goal[], redisUrl: string): Promise<void> {
  {
    for (const ids of [['fan-solo'], ['fan-a', 'fan-b']]) {
      const nodes = await startNodes(redisUrl, ids);
      try {
        for (const clients of ids.length === 1 ? FAN_OUT_GOAL_CLIENTS : [FAN_OUT_CLIENTS]) {
          const { times, entry } = await fanOut(nodes, clients, FAN_OUT_CHANGES);
          rows.push(
            summarize(
              `one change reaches ${clients} clients, ${ids.length === 1 ? '1 node' : `${ids.length} nodes`}`,
              times,
              `chair's agenda:add until the last client holds the entry; clients round-robin over the nodes, ${FAN_OUT_CHANGES} changes`,
            ),
          );
          if (ids.length > 1) {
            continue;
          }
          // P4: the same entry through a bare Socket.IO server, in this run.
          const raw = await rawFanOut(clients, FAN_OUT_CHANGES, entry);
          rows.push(summarize(`raw Socket.IO broadcast to ${clients} clients (P4 baseline)`, raw, 'same entry bytes'));
          for (const [p, limit] of [
            [50, 1.1],
            [95, 1.2],
          ] as const) {
            const value = percentile(times, p);
            const baseline = percentile(raw, p);
            goals.push({
              id: 'P4',
              measure: `one change to ${clients} clients (one node), p${p}`,
              value: round(value),
              baseline: round(baseline),
              baselineWhat: 'a raw Socket.IO broadcast of the same entry',
              unit: 'ms',
              ratio: round(value / baseline),
              goal: `≤ ${limit} ×`,
              met: value / baseline <= limit,
            });
          }
        }
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
      }
    }
    rows.push(
      summarize(
        'owner SIGKILLed → another node holds the session',
        await takeover(redisUrl, TAKEOVERS),
        `lease TTL 800 ms; read from Redis; ${TAKEOVERS} kills`,
      ),
    );
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const goals: Goal[] = [];
  const redis = await RedisServer.start();
  try {
    if (PARTS.has('control')) {
      await control(rows, goals, redis.url);
    }
    if (PARTS.has('cluster')) {
      await cluster(rows, goals, redis.url);
    }
  } finally {
    await redis.destroy();
  }
  const media = PARTS.has('media')
    ? await mediaGoals(process.env['MEDIASOUP_WORKER_BIN'] ?? '', process.env['BENCH_NSS_WORKER_BIN'], (line) =>
        process.stderr.write(`[bench] ${line}\n`),
      )
    : { goals: [] as Goal[], runs: {} };
  goals.push(...media.goals);
  goals.sort((a, b) => a.id.localeCompare(b.id));

  const out = path.join(repoRoot, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  const load = (await import('node:os')).loadavg()[0]?.toFixed(2);
  fs.writeFileSync(
    path.join(out, 'results.json'),
    JSON.stringify({ ...meta, load, goals, rows, mediaRuns: media.runs }, null, 2),
  );
  const table = [
    `Concord benchmark, ${meta.date}, Node ${meta.node}, ${meta.cpus} cores, load ${load} at the end`,
    '',
    ...(goals.length === 0
      ? []
      : [
          '| id | measure | value | baseline (same run) | ratio | goal | met |',
          '|---|---|---|---|---|---|---|',
          ...goals.map(
            (g) =>
              `| ${g.id} | ${g.measure} | ${g.value} ${g.unit} | ${g.baseline} ${g.unit}: ${g.baselineWhat} | ${g.ratio} | ${g.goal} | ${g.met ? 'yes' : 'no'} |`,
          ),
          '',
        ]),
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
