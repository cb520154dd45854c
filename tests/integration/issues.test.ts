import { describe, expect, it } from 'vitest';
import { ErrorCode, IssueIdSchema, SessionIdSchema, replay, type Issue } from '@concord/shared';
import { data, nextEntry, request, requestRaw } from '../support/clients.js';
import { TEST_ADMIN_SECRET } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { current, inviteFor, joinAs, newSession, stateOf, type Joined } from '../support/sessions.js';

const raise = (j: Joined, title: string, key: string, urgency: 'critical' | 'urgent' | 'routine' = 'urgent') =>
  request(j.socket, 'issue:raise', { idempotencyKey: key, title, details: '', category: 'detainees', urgency });

describe('the issue queue', () => {
  const { server, closeLater } = withServer();
  const track = async (p: Promise<Joined>) => closeLater(await p);

  async function setup() {
    const created = await newSession(server().url);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const homs = await track(joinAs(server().url, inviteFor(created, 'member', 'Homs'), 'Omar'));
    const daraa = await track(joinAs(server().url, inviteFor(created, 'member', 'Daraa'), 'Amal'));
    const commander = await track(joinAs(server().url, inviteFor(created, 'commander')));
    const operator = await track(joinAs(server().url, inviteFor(created, 'operator')));
    return { created, sid: SessionIdSchema.parse(created.session.id), chair, homs, daraa, commander, operator };
  }

  it("members cannot acknowledge or decide; commanders and operators cannot raise in a site's name", async () => {
    const s = await setup();
    const { issueId } = data(await raise(s.homs, 'Water station at Al-Waer', 'key-auth-0001', 'critical'));
    for (const actor of [s.homs, s.daraa, s.operator]) {
      expect(await request(actor.socket, 'issue:acknowledge', { issueId })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.FORBIDDEN },
      });
      expect(await request(actor.socket, 'issue:decide', { issueId, decision: 'x' })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.FORBIDDEN },
      });
      expect(await request(actor.socket, 'issue:reject', { issueId, reason: 'x' })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.FORBIDDEN },
      });
    }
    for (const actor of [s.commander, s.operator, s.chair]) {
      expect(await raise(actor, "In a site's name", 'key-auth-0002')).toMatchObject({
        ok: false,
        error: { code: ErrorCode.FORBIDDEN },
      });
    }
    // A member cannot name another site: the payload has no site field at all.
    const named = await requestRaw(s.daraa.socket, 'issue:raise', {
      idempotencyKey: 'key-auth-0003',
      title: 'x',
      category: 'other',
      urgency: 'routine',
      siteId: 'homs',
    });
    expect(named).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
    // Triage is the chair's.
    expect(await request(s.commander.socket, 'issue:pin', { issueId, pinned: true })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await request(s.homs.socket, 'issue:pin', { issueId, pinned: true })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    const issue = (await stateOf(server(), s.sid)).issues[issueId];
    expect(issue).toMatchObject({ status: 'raised', pinned: false, timeline: [{ type: 'raised' }] });
  });

  it('a commander acknowledges and decides; an invalid step gets INVALID_TRANSITION; everyone sees each change', async () => {
    const s = await setup();
    const { issueId } = data(await raise(s.homs, 'Bakery fuel in Homs', 'key-flow-0001', 'critical'));
    const early = await request(s.commander.socket, 'issue:decide', { issueId, decision: 'too soon' });
    expect(early).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_TRANSITION } });
    data(await request(s.commander.socket, 'issue:acknowledge', { issueId }));
    const seen = nextEntry(s.homs.socket, 'issue.changed', (e) => e.payload.events.some((x) => x.type === 'decided'));
    data(await request(s.commander.socket, 'issue:decide', { issueId, decision: 'Two tankers dispatched tonight' }));
    expect((await seen).payload.events.map((e) => e.type)).toEqual(['review_started', 'decided']);
    const issue = s.homs.state().issues[issueId]!;
    expect(issue.resolution).toEqual({ kind: 'decided', text: 'Two tankers dispatched tonight', body: null });
    expect(issue.timeline.map((e) => e.type)).toEqual(['raised', 'acknowledged', 'review_started', 'decided']);
    expect(await request(s.commander.socket, 'issue:acknowledge', { issueId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_TRANSITION },
    });
  });

  it('other sites support an issue once each, and the chair pins, links and assigns it', async () => {
    const s = await setup();
    const { issueId } = data(await raise(s.homs, 'Detainee list exchange', 'key-tri-0001'));
    data(await request(s.daraa.socket, 'issue:support', { issueId }));
    expect(await request(s.daraa.socket, 'issue:support', { issueId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ALREADY_SUPPORTED },
    });
    expect(await request(s.homs.socket, 'issue:support', { issueId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.OWN_ISSUE },
    });
    const v = (await current(s.chair)).version;
    const { itemId } = data(
      await request(s.chair.socket, 'agenda:add', { expectedVersion: v, title: 'Detainees', allotmentSec: 600 }),
    );
    data(await request(s.chair.socket, 'issue:pin', { issueId, pinned: true }));
    data(await request(s.chair.socket, 'issue:link', { issueId, agendaItemId: itemId }));
    data(await request(s.chair.socket, 'issue:assign', { issueId, participantId: s.commander.id }));
    expect(await request(s.chair.socket, 'issue:assign', { issueId, participantId: s.daraa.id })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD },
    });
    const issue = (await stateOf(server(), s.sid)).issues[issueId];
    expect(issue).toMatchObject({
      supporters: ['daraa'],
      pinned: true,
      agendaItemId: itemId,
      assignee: { participantId: s.commander.id },
    });
  });

  it('50 concurrent raises, each also retried, give exactly 50 issues', async () => {
    const s = await setup();
    const members = [s.homs, s.daraa];
    for (const site of ['Damascus', 'Latakia']) {
      members.push(await track(joinAs(server().url, inviteFor(s.created, 'member', site))));
    }
    const attempts = Array.from({ length: 50 }, (_, k) => ({
      member: members[k % members.length]!,
      key: `burst-${k.toString().padStart(4, '0')}`,
    }));
    // Every raise is sent twice at once, as a client that timed out and retried would.
    const replies = await Promise.all(
      attempts.flatMap((a) => [raise(a.member, `Burst ${a.key}`, a.key), raise(a.member, `Burst ${a.key}`, a.key)]),
    );
    const results = replies.map((r) => data(r));
    expect(results.filter((r) => r.created)).toHaveLength(50);
    expect(new Set(results.map((r) => r.issueId)).size).toBe(50);
    expect(Object.keys((await stateOf(server(), s.sid)).issues)).toHaveLength(50);
  });

  it('the queue rebuilt from the session log equals the stored queue', async () => {
    const s = await setup();
    const ids: string[] = [];
    for (let k = 0; k < 6; k++) {
      ids.push(
        data(
          await raise(
            k % 2 ? s.homs : s.daraa,
            `Replay ${k}`,
            `replay-${k}-abcd`,
            k % 3 === 0 ? 'critical' : 'routine',
          ),
        ).issueId,
      );
    }
    const [a, b, c, d] = ids as [string, string, string, string];
    data(await request(s.commander.socket, 'issue:acknowledge', { issueId: a }));
    data(await request(s.commander.socket, 'issue:decide', { issueId: a, decision: 'Agreed' }));
    data(await request(s.commander.socket, 'issue:close', { issueId: a, note: 'done' }));
    data(
      await request(s.commander.socket, 'issue:refer', { issueId: b, body: 'Municipal council', note: 'local matter' }),
    );
    data(await request(s.commander.socket, 'issue:reject', { issueId: c, reason: 'Duplicate of an earlier issue' }));
    data(await request(s.daraa.socket, 'issue:support', { issueId: d }));
    data(await request(s.chair.socket, 'issue:pin', { issueId: d, pinned: true }));
    const entries = [];
    for await (const e of server().logStore.all(s.sid)) {
      entries.push(e);
    }
    const rebuilt = replay(entries)?.issues ?? {};
    const stored = (await server().logStore.load(s.sid))?.state.issues ?? {};
    const byId = (xs: Record<string, Issue>) => Object.values(xs).sort((x, y) => x.id.localeCompare(y.id));
    expect(byId(rebuilt)).toEqual(byId(stored));
    expect(byId(stored)).toHaveLength(6);
  });

  it('an issue that misses its acknowledge target is escalated, and every client (commanders, the chair, operators) sees it', async () => {
    const s = await setup();
    const put = await fetch(`${server().url}/api/sessions/${s.sid}/issue-settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        categories: ['detainees', 'other'],
        targets: {
          critical: { acknowledgeSec: 10, decideSec: 60 },
          urgent: { acknowledgeSec: 600, decideSec: 7200 },
          routine: { acknowledgeSec: 3600, decideSec: null },
        },
      }),
    });
    expect(put.status).toBe(200);
    const escalated = (e: { payload: { events: { type: string }[] } }) =>
      e.payload.events.some((x) => x.type === 'escalated');
    const alerts = [s.commander, s.chair, s.operator].map((j) =>
      nextEntry(j.socket, 'issue.changed', escalated, 30_000),
    );
    const { issueId } = data(await raise(s.homs, 'Shelling near the crossing', 'key-esc-0001', 'critical'));
    for (const e of await Promise.all(alerts)) {
      expect(e.payload).toMatchObject({ issueId, events: [{ type: 'escalated', target: 'acknowledge' }] });
      expect(e.actor).toEqual({ kind: 'system', component: 'escalation' });
    }
    const issue = (await stateOf(server(), s.sid)).issues[issueId];
    expect(issue?.escalated).toEqual({ acknowledge: true, decide: false });
  });

  it('unresolved issues carry over to the next session of the same sites', async () => {
    const s = await setup();
    const open = data(await raise(s.homs, 'Reconstruction permits', 'key-carry-001')).issueId;
    const done = data(await raise(s.daraa, 'Settled matter', 'key-carry-002')).issueId;
    data(await request(s.commander.socket, 'issue:reject', { issueId: done, reason: 'settled locally' }));
    data(await request(s.chair.socket, 'session:setStatus', { status: 'closed' }));
    expect(await request(s.chair.socket, 'session:setStatus', { status: 'open' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_TRANSITION },
    });

    const next = await newSession(server().url, 'Follow-up session');
    const chair2 = await track(joinAs(server().url, inviteFor(next, 'chair')));
    const pending = data(await request(chair2.socket, 'issues:carryOver', {})).items;
    expect(pending.map((i) => i.issue.id)).toContain(open);
    expect(pending.map((i) => i.issue.id)).not.toContain(done);
    const { imported } = data(await request(chair2.socket, 'issues:importCarryOver', {}));
    expect(imported).toBeGreaterThanOrEqual(1);
    const issues = Object.values((await stateOf(server(), next.session.id)).issues);
    expect(issues.find((i) => i.carriedFrom?.issueId === IssueIdSchema.parse(open))).toMatchObject({
      title: 'Reconstruction permits',
      status: 'raised',
      siteId: 'homs',
    });
    // Imported once: a second import finds nothing.
    expect(data(await request(chair2.socket, 'issues:importCarryOver', {})).imported).toBe(0);
  });

  it('the issue report is JSON and CSV with timelines and measured times, for the chair, commanders and operators only', async () => {
    const s = await setup();
    const { issueId } = data(await raise(s.homs, 'Report, with "quotes"', 'key-report-01', 'critical'));
    data(await request(s.commander.socket, 'issue:acknowledge', { issueId }));
    const get = (token: string, path: string) =>
      fetch(`${server().url}/api/sessions/${s.sid}/${path}`, { headers: { authorization: `Bearer ${token}` } });
    const json = (await (await get(inviteFor(s.created, 'commander'), 'issues')).json()) as {
      ok: true;
      data: {
        summary: { total: number; acknowledge: { count: number } };
        issues: { id: string; times: { timeToAcknowledgeMs: number } }[];
      };
    };
    expect(json.data.summary).toMatchObject({ total: 1, acknowledge: { count: 1 } });
    expect(json.data.issues[0]?.times.timeToAcknowledgeMs).toBeGreaterThanOrEqual(0);
    const csv = await get(inviteFor(s.created, 'operator'), 'issues.csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^id,title,site,category,urgency,status/);
    expect(lines[1]).toContain('"Report, with ""quotes"""');
    expect(lines[1]).toMatch(/acknowledged/);
    expect((await get(inviteFor(s.created, 'member', 'Homs'), 'issues')).status).toBe(403);
    expect((await get(inviteFor(s.created, 'chair'), 'issues.csv')).status).toBe(200);
  });
});
