import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SessionIdSchema, replay, type LogEntry } from '@concord/shared';
import { connect, data, newInstanceId, request } from '../support/clients.js';
import { TEST_ADMIN_SECRET } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { repoRoot } from '../support/server.js';
import { current, inviteFor, joinAs, newSession, seatFor, type Joined } from '../support/sessions.js';

const run = promisify(execFile);
/** How long the mixed load runs (the issue's figure). */
const LOAD_MS = 30_000;
/** Each client stays under the server's 40 requests a second per connection. */
const PACE_MS = 60;
const pause = () => new Promise((r) => setTimeout(r, PACE_MS));

async function logOf(server: { logStore: { all(sid: never): AsyncGenerator<LogEntry> } }, sid: string) {
  const entries: LogEntry[] = [];
  for await (const e of server.logStore.all(SessionIdSchema.parse(sid) as never)) {
    entries.push(e);
  }
  return entries;
}

describe('one ordered, hash-chained log per session', () => {
  const { server, closeLater } = withServer();
  const track = async (p: Promise<Joined>) => closeLater(await p);

  it(
    'under mixed load (raises, floor requests, withdrawals from 10 members for 30 s) every client sees every seq exactly once and in order',
    async () => {
      const created = await newSession(server().url);
      const sites = ['Daraa', 'Damascus', 'Homs', 'Latakia'];
      const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
      const commander = await track(joinAs(server().url, inviteFor(created, 'commander')));
      const members: Joined[] = [];
      for (let i = 0; i < 10; i++) {
        members.push(await track(joinAs(server().url, seatFor(created, 'member', sites[i % 4]), `Member ${i}`)));
      }
      const until = Date.now() + LOAD_MS;
      let changes = 0;
      await Promise.all(
        members.map(async (m, i) => {
          for (let k = 0; Date.now() < until; k++) {
            await pause();
            if (k % 2 === 0) {
              const r = await request(m.socket, 'issue:raise', {
                idempotencyKey: `load-${i}-${k}-abcdef`,
                title: `Load ${i}.${k}`,
                category: 'other',
                urgency: 'routine',
              });
              changes += r.ok ? 1 : 0;
            } else {
              const r = await request(m.socket, 'floor:request', { type: 'speak' });
              if (r.ok) {
                await pause();
                data(await request(m.socket, 'floor:withdraw', { requestId: r.data.requestId }));
                changes += 2;
              }
            }
          }
        }),
      );
      expect(changes).toBeGreaterThan(100);
      const head = (await server().logs.get(SessionIdSchema.parse(created.session.id))).head.seq;
      for (const j of [chair, commander, ...members]) {
        // joinAs applies entries in order and fails on a hole; here: all arrived, once each.
        await expect.poll(() => j.received().at(-1), { timeout: 10_000 }).toBe(head);
        const got = j.received();
        const first = got[0]!;
        expect(got).toEqual(Array.from({ length: got.length }, (_, k) => first + k));
        expect(j.state()).toEqual((await server().logs.get(SessionIdSchema.parse(created.session.id))).state);
      }
    },
    LOAD_MS + 60_000,
  );

  it("40 joins while the chair edits the agenda: every snapshot's seq, hash and content agree with the log", async () => {
    const created = await newSession(server().url);
    const sid = created.session.id;
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    let editing = true;
    const edits = (async () => {
      for (let k = 0; editing; k++) {
        const v = (await current(chair)).version;
        await request(chair.socket, 'agenda:add', { expectedVersion: v, title: `Item ${k}`, allotmentSec: 60 });
      }
    })();
    const snapshots = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const socket = closeLater(await connect(server().url, seatFor(created, 'member', ['Daraa', 'Homs'][i % 2])));
        return data(await request(socket, 'session:join', { instanceId: newInstanceId() }));
      }),
    );
    editing = false;
    await edits;
    const log = await logOf(server(), sid);
    const seqs = new Set<number>();
    for (const snap of snapshots) {
      seqs.add(snap.seq);
      const upTo = log.filter((e) => e.seq <= snap.seq);
      expect(upTo.at(-1)?.hash).toBe(snap.hash);
      expect(replay(upTo)).toEqual(snap.state);
    }
    // The snapshots were taken at many different points of the log, not one.
    expect(seqs.size).toBeGreaterThan(10);
  });

  it('after a long random run, the log replayed equals the stored state and every node-held copy', async () => {
    const created = await newSession(server().url);
    const sid = SessionIdSchema.parse(created.session.id);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const commander = await track(joinAs(server().url, inviteFor(created, 'commander')));
    const operator = await track(joinAs(server().url, inviteFor(created, 'operator')));
    const members = await Promise.all(
      ['Daraa', 'Damascus', 'Homs', 'Latakia'].map((site) =>
        track(joinAs(server().url, seatFor(created, 'member', site))),
      ),
    );
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;
    // The chair acts on what it sees (its copy of the state); a stale view is refused, as in the client.
    const v = async () => {
      await pause();
      return chair.latest().version;
    };
    const steps = [
      async () =>
        request(pick(members).socket, 'floor:request', { type: pick(['speak', 'reply', 'point_of_order'] as const) }),
      async () => {
        const q = chair.latest().queue;
        return q.length
          ? request(chair.socket, 'floor:grant', { expectedVersion: await v(), requestId: pick(q).id })
          : null;
      },
      async () => request(chair.socket, 'floor:end', { expectedVersion: await v() }),
      async () =>
        request(chair.socket, 'agenda:add', {
          expectedVersion: await v(),
          title: `Item ${random(1000)}`,
          allotmentSec: 60,
        }),
      async () => {
        const items = chair.latest().agenda.filter((i) => i.status !== 'done');
        return items.length
          ? request(chair.socket, 'agenda:start', { expectedVersion: await v(), itemId: pick(items).id })
          : null;
      },
      async () =>
        request(pick(members).socket, 'issue:raise', {
          idempotencyKey: `rand-${random(1e6)}-key`,
          title: 'Random',
          category: 'other',
          urgency: pick(['critical', 'urgent', 'routine'] as const),
        }),
      async () => {
        const open = Object.values(chair.state().issues).filter((i) => i.status === 'raised');
        return open.length ? request(commander.socket, 'issue:acknowledge', { issueId: pick(open).id }) : null;
      },
      async () =>
        request(operator.socket, 'health:setMediaMode', {
          siteId: pick(['daraa', 'homs']),
          mode: pick(['full', 'low', 'audio-only'] as const),
        }),
      async () => request(chair.socket, 'session:lock', { locked: random(2) === 0 }),
      async () =>
        request(chair.socket, 'floor:settings', {
          expectedVersion: await v(),
          fairness: pick(['fifo', 'alternate-sites'] as const),
        }),
    ];
    for (let i = 0; i < 250; i++) {
      await pause();
      await pick(steps)();
    }
    const log = await logOf(server(), sid);
    const stored = await server().logStore.load(sid);
    expect(log.length).toBeGreaterThan(60);
    expect(replay(log)).toEqual(stored?.state);
    expect(stored?.head).toEqual({ seq: log.at(-1)?.seq, hash: log.at(-1)?.hash });
    expect((await server().logs.get(sid)).state).toEqual(stored?.state);
    await expect.poll(() => chair.state()).toEqual(stored?.state);
  });

  it('verify-log recomputes the chain from Redis, and finds an altered, a deleted and a reordered entry', async () => {
    const env = { ...process.env, CONCORD_URL: server().url, ADMIN_SECRET: TEST_ADMIN_SECRET };
    const verify = (sid: string) =>
      run(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot, 'server/src/cli/admin.ts'), 'verify-log', '--session', sid],
        {
          cwd: repoRoot,
          env,
        },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
      );
    /** Rewrites a session's stream in Redis with `edit` applied to its entries (what a tamperer would do). */
    const tamper = async (sid: string, edit: (entries: [string, string[]][]) => [string, string[]][]) => {
      const key = `concord:session:{${sid}}:log`;
      const entries = await server().redis.xrange(key, '-', '+');
      await server().redis.del(key);
      for (const [id, fields] of edit(entries)) {
        await server().redis.xadd(key, id, ...fields);
      }
    };
    const make = async () => {
      const created = await newSession(server().url);
      const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
      for (const title of ['Detainees', 'Returns', 'Services']) {
        data(
          await request(chair.socket, 'agenda:add', {
            expectedVersion: (await current(chair)).version,
            title,
            allotmentSec: 60,
          }),
        );
      }
      return created.session.id;
    };

    const intact = await make();
    const ok = await verify(intact);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 6 entries; head 6 [0-9a-f]{64}/);

    const altered = await make();
    await tamper(altered, (es) => es.map(([id, f]) => [id, f.map((x) => x.replace('"Returns"', '"Returned"'))]));
    expect(await verify(altered)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/MISMATCH at entry 5: hash mismatch/),
    });

    const deleted = await make();
    await tamper(deleted, (es) => es.filter(([id]) => id !== '4-0'));
    expect(await verify(deleted)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/MISMATCH at entry 4: entry 4 is missing/),
    });

    const reordered = await make();
    await tamper(reordered, (es) => {
      // The bodies of entries 4 and 5 swapped into each other's place (ids stay increasing).
      const [e4, e5] = [es[3]!, es[4]!];
      return [...es.slice(0, 3), [e4[0], e5[1]], [e5[0], e4[1]], ...es.slice(5)];
    });
    expect(await verify(reordered)).toMatchObject({ code: 1, stdout: expect.stringMatching(/MISMATCH at entry 4/) });
  });
});
