import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { AdminApi, connect, newInstanceId, seatFor, type TestSocket } from '../support/clients.js';
import { uniqueId } from '../support/env.js';

// A closed loop of floor requests and withdrawals: N clients of one session, each asking for
// the floor and withdrawing as soon as the answer comes. Every answered request is one
// change of the session. Speaks only requests every protocol version has (join, request,
// withdraw), so the same loop measures an older server too.

export interface FloorLoopResult {
  clients: number;
  seconds: number;
  changesPerSecond: number;
  ackP50Ms: number;
  ackP95Ms: number;
  /** Redis commands the server ran per change (from INFO commandstats). */
  redisCommandsPerChange: number;
  /** Of those, script calls (EVAL/EVALSHA/FCALL): the writes' round trips. */
  redisScriptsPerChange: number;
  /** Redis calls by command name, per change. */
  perCommand: Record<string, number>;
}

type Ack = { ok: true; data: { requestId?: string } } | { ok: false; error: { code: string } };

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) {
    out.set(m[1] ?? '', Number(m[2]));
  }
  return out;
}

export async function floorLoop(opts: {
  url: string;
  redisUrl: string;
  adminSecret: string;
  clients: number;
  seconds: number;
}): Promise<FloorLoopResult> {
  const admin = new AdminApi(opts.url, opts.adminSecret);
  const created = await admin.createSession('Floor loop', ['Daraa', 'Damascus', 'Homs', 'Latakia'], uniqueId('bench'));
  const sockets: TestSocket[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const site = ['Daraa', 'Damascus', 'Homs', 'Latakia'][i % 4];
    const s = await connect(opts.url, seatFor(created, 'member', site));
    const joined = (await s.timeout(10_000).emitWithAck('session:join', { instanceId: newInstanceId() })) as Ack;
    if (!joined.ok) {
      throw new Error(`join failed: ${joined.error.code}`);
    }
    sockets.push(s);
  }
  const redis = new Redis(opts.redisUrl);
  const statsBefore = await commandStats(redis);
  const acks: number[] = [];
  let changes = 0;
  const until = performance.now() + opts.seconds * 1000;
  const start = performance.now();
  const ask = async (s: TestSocket, event: string, payload: unknown): Promise<Ack> => {
    const t0 = performance.now();
    const raw = s as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<Ack> } };
    const a = await raw.timeout(10_000).emitWithAck(event, payload);
    acks.push(performance.now() - t0);
    if (a.ok) {
      changes++;
    }
    return a;
  };
  await Promise.all(
    sockets.map(async (s) => {
      while (performance.now() < until) {
        const r = await ask(s, 'floor:request', { type: 'speak', forSite: false });
        if (r.ok && r.data.requestId !== undefined) {
          await ask(s, 'floor:withdraw', { requestId: r.data.requestId });
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const statsAfter = await commandStats(redis);
  const perCommand: Record<string, number> = {};
  let total = 0;
  let scripts = 0;
  for (const [name, calls] of statsAfter) {
    const delta = calls - (statsBefore.get(name) ?? 0);
    if (delta <= 0 || name === 'info') {
      continue;
    }
    perCommand[name] = delta / changes;
    total += delta;
    if (/^(eval|evalsha|fcall)/.test(name)) {
      scripts += delta;
    }
  }
  await redis.quit();
  sockets.forEach((s) => s.close());
  return {
    clients: opts.clients,
    seconds: elapsed,
    changesPerSecond: changes / elapsed,
    ackP50Ms: percentile(acks, 50),
    ackP95Ms: percentile(acks, 95),
    redisCommandsPerChange: total / changes,
    redisScriptsPerChange: scripts / changes,
    perCommand,
  };
}

/**
 * The floor loop's baseline (P6): the bare write path of one change, on the same Redis. N
 * clients in a closed loop, one session's changes one at a time (the same per-key
 * serialization), each a GET of a 4 KB state document and a compare-and-set in Lua.
 */
export async function bareCasLoop(redisUrl: string, clients: number, seconds: number): Promise<number> {
  const redis = new Redis(redisUrl);
  const key = uniqueId('bench-cas');
  const pad = 'x'.repeat(4_000);
  await redis.set(key, JSON.stringify({ version: 0, pad }));
  const script =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";
  let chain: Promise<void> = Promise.resolve();
  let changes = 0;
  const change = (): Promise<void> => {
    const next = chain.then(async () => {
      const current = (await redis.get(key)) ?? '';
      const { version } = JSON.parse(current) as { version: number };
      const ok = await redis.eval(script, 1, key, current, JSON.stringify({ version: version + 1, pad }));
      if (ok === 1) {
        changes++;
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await change();
      }
    }),
  );
  const rate = changes / ((performance.now() - start) / 1000);
  await redis.del(key);
  await redis.quit();
  return rate;
}

// `node --import tsx tests/bench/floorLoop.ts <url> <redisUrl> <adminSecret> [clients] [seconds]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, redisUrl, adminSecret, clients = '50', seconds = '15'] = process.argv.slice(2);
  if (!url || !redisUrl || !adminSecret) {
    process.stderr.write('usage: floorLoop.ts <url> <redisUrl> <adminSecret> [clients] [seconds]\n');
    process.exit(2);
  }
  floorLoop({ url, redisUrl, adminSecret, clients: Number(clients), seconds: Number(seconds) }).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
