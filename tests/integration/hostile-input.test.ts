import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ErrorCode, SessionIdSchema, SiteIdSchema, type Result } from '@concord/shared';
import { AdminApi, connect, data, httpAs, request, requestRaw, type TestSocket } from '../support/clients.js';
import { TEST_ADMIN_SECRET, uniqueId } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { current, inviteFor, joinAs, newSession, type Joined } from '../support/sessions.js';

// What people really type: every path must store it and every command must keep working after.
const ARABIC = 'لجنة المصالحة في درعا';
const RUSSIAN = 'Комитет по примирению';
const EMOJI = 'Коридор 👩🏽‍⚖️ 🇸🇾';
const COMBINING = 'Re\u0301union'; // stored as NFC: Réunion
const MULTILINE = `${ARABIC}\n${RUSSIAN}\r\nDetails — ${EMOJI}`;
// What a hostile member types: refused everywhere, with the field named.
const HOSTILE = ['Evil \ud800', 'name\u202Eexe.txt', 'bell\u0007'];

const ACK_TIMEOUT_MS = 5_000;

/** Emits raw arguments and resolves with the one answer, or 'no answer' after the timeout. */
function emitRaw(socket: TestSocket, event: string, ...args: unknown[]): Promise<Result<unknown> | 'no answer'> {
  const raw = socket as unknown as Socket;
  return new Promise((resolve) => {
    let answers = 0;
    const timer = setTimeout(() => resolve('no answer'), ACK_TIMEOUT_MS);
    raw.emit(event, ...args, (result: Result<unknown>) => {
      answers += 1;
      clearTimeout(timer);
      // A second answer would be a protocol error; the count is checked by the caller's poll.
      expect(answers).toBe(1);
      resolve(result);
    });
  });
}

const DTLS = {
  role: 'client' as const,
  fingerprints: [
    {
      algorithm: 'sha-256' as const,
      value: Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    },
  ],
};

describe('hostile input never breaks a session, and every request gets an honest answer', () => {
  const { server, closeLater } = withServer();
  const track = async (p: Promise<Joined>) => closeLater(await p);
  const http = (token: string, method: string, path: string, body?: unknown) =>
    httpAs(server().url, token, method, path, body);

  it('Arabic, Russian, emoji and combining marks go through every path, and every chair and commander command works after', async () => {
    const admin = new AdminApi(server().url);
    const created = await admin.createSession(`${ARABIC} — ${RUSSIAN}`, [ARABIC, RUSSIAN, EMOJI], uniqueId('s'));
    const sid = created.session.id;
    expect(created.session.sites.map((s) => s.name)).toEqual([ARABIC, RUSSIAN, EMOJI]);
    const siteIds = created.session.sites.map((s) => s.id);
    const invite = async (role: string, siteId: string | null, displayName: string) => {
      const r = await admin.call('POST', `/api/admin/sessions/${sid}/invites`, { role, siteId, displayName });
      expect(r.status).toBe(201);
      return (r.json as { ok: true; data: { token: string } }).data.token;
    };
    const chairToken = await invite('chair', null, RUSSIAN);
    const chair = await track(joinAs(server().url, chairToken, `${COMBINING} ${ARABIC}`));
    const first = await track(joinAs(server().url, await invite('member', siteIds[0] ?? null, ARABIC), EMOJI));
    const second = await track(joinAs(server().url, await invite('member', siteIds[1] ?? null, RUSSIAN)));
    const commander = await track(joinAs(server().url, await invite('commander', null, EMOJI), RUSSIAN));
    expect(chair.latest().chair?.displayName).toBe(`Réunion ${ARABIC}`);

    // The agenda, over the socket and over HTTP, with every text field.
    const v = async () => (await current(chair)).version;
    const { itemId } = data(
      await request(chair.socket, 'agenda:add', {
        expectedVersion: await v(),
        title: ARABIC,
        description: MULTILINE,
        allotmentSec: 600,
      }),
    );
    const viaHttp = await http(chairToken, 'POST', `/api/sessions/${sid}/agenda`, {
      title: EMOJI,
      description: RUSSIAN,
      allotmentSec: 300,
    });
    expect(viaHttp.status).toBe(201);
    const httpItem = String(viaHttp.json.ok && viaHttp.json.data['itemId']);
    data(await request(chair.socket, 'agenda:edit', { expectedVersion: await v(), itemId, title: COMBINING }));
    expect((await current(chair)).agenda.find((i) => i.id === itemId)?.title).toBe('Réunion');

    // The floor and the issue queue, with every text field.
    const { requestId } = data(await request(first.socket, 'floor:request', { type: 'speak' }));
    data(await request(second.socket, 'floor:request', { type: 'speak', forSite: true }));
    const raise = async (s: Joined, key: string, title: string) =>
      data(
        await request(s.socket, 'issue:raise', {
          idempotencyKey: key,
          title,
          details: MULTILINE,
          category: 'other',
          urgency: 'critical',
        }),
      ).issueId;
    const issues = [
      await raise(first, 'key-poison-001', ARABIC),
      await raise(second, 'key-poison-002', RUSSIAN),
      await raise(first, 'key-poison-003', EMOJI),
      await raise(second, 'key-poison-004', COMBINING),
    ];
    const [a, b, c, d] = issues as [string, string, string, string];

    // Every chair command.
    const chairCommands: [string, () => Promise<Result<unknown>>][] = [
      ['agenda:start', async () => request(chair.socket, 'agenda:start', { expectedVersion: await v(), itemId })],
      ['floor:request', async () => request(first.socket, 'floor:request', { type: 'speak' })],
      ['floor:request', async () => request(second.socket, 'floor:request', { type: 'speak', forSite: true })],
      [
        'floor:move',
        async () =>
          request(chair.socket, 'floor:move', {
            expectedVersion: await v(),
            requestId: (await current(chair)).queue[0]?.id ?? requestId,
            toIndex: 1,
          }),
      ],
      [
        'floor:grant',
        async () => request(chair.socket, 'floor:grant', { expectedVersion: await v(), requestId: null }),
      ],
      ['floor:extend', async () => request(chair.socket, 'floor:extend', { expectedVersion: await v(), seconds: 30 })],
      [
        'floor:settings',
        async () => request(chair.socket, 'floor:settings', { expectedVersion: await v(), floorMode: true }),
      ],
      ['moderation:mute', async () => request(chair.socket, 'moderation:mute', { allButFloor: true })],
      ['floor:end', async () => request(chair.socket, 'floor:end', { expectedVersion: await v() })],
      [
        'floor:remove',
        async () =>
          request(chair.socket, 'floor:remove', {
            expectedVersion: await v(),
            requestId: (await current(chair)).queue[0]?.id ?? requestId,
          }),
      ],
      [
        'agenda:reorder',
        async () =>
          request(chair.socket, 'agenda:reorder', { expectedVersion: await v(), itemIds: [httpItem, itemId] }),
      ],
      [
        'agenda:finish',
        async () =>
          request(chair.socket, 'agenda:finish', {
            expectedVersion: await v(),
            itemId,
            status: 'done',
            outcome: MULTILINE,
          }),
      ],
      [
        'agenda:delete',
        async () => request(chair.socket, 'agenda:delete', { expectedVersion: await v(), itemId: httpItem }),
      ],
      ['session:lock', () => request(chair.socket, 'session:lock', { locked: true })],
      ['session:lock', () => request(chair.socket, 'session:lock', { locked: false })],
      ['lobby:setEnabled', () => request(chair.socket, 'lobby:setEnabled', { enabled: true })],
      ['lobby:setEnabled', () => request(chair.socket, 'lobby:setEnabled', { enabled: false })],
      ['session:setStatus', () => request(chair.socket, 'session:setStatus', { status: 'open' })],
      ['session:setStatus', () => request(chair.socket, 'session:setStatus', { status: 'in_progress' })],
      ['issue:pin', () => request(chair.socket, 'issue:pin', { issueId: a, pinned: true })],
      ['issue:link', () => request(chair.socket, 'issue:link', { issueId: a, agendaItemId: itemId })],
      ['issue:assign', () => request(chair.socket, 'issue:assign', { issueId: a, participantId: commander.id })],
      ['issue:acknowledge', () => request(commander.socket, 'issue:acknowledge', { issueId: a })],
      ['issue:review', () => request(commander.socket, 'issue:review', { issueId: a })],
      ['issue:decide', () => request(commander.socket, 'issue:decide', { issueId: a, decision: MULTILINE })],
      ['issue:close', () => request(commander.socket, 'issue:close', { issueId: a, note: EMOJI })],
      ['issue:support', () => request(second.socket, 'issue:support', { issueId: c })],
      ['issue:refer', () => request(commander.socket, 'issue:refer', { issueId: b, body: ARABIC, note: RUSSIAN })],
      ['issue:reject', () => request(commander.socket, 'issue:reject', { issueId: c, reason: COMBINING })],
      ['issue:acknowledge', () => request(commander.socket, 'issue:acknowledge', { issueId: d })],
      [
        'chair:handOver',
        async () => request(chair.socket, 'chair:handOver', { expectedVersion: await v(), participantId: first.id }),
      ],
    ];
    for (const [name, run] of chairCommands) {
      const r = await run();
      expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true);
    }
    const reports = await http(TEST_ADMIN_SECRET, 'GET', `/api/sessions/${sid}/issues`);
    expect(reports.status).toBe(200);
    const csv = await fetch(`${server().url}/api/sessions/${sid}/issues.csv`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_SECRET}` },
    });
    expect(await csv.text()).toContain(ARABIC);
  });

  it('a lone surrogate, a bidi override or a control character is refused in every text field, naming it', async () => {
    const created = await newSession(server().url);
    const sid = created.session.id;
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const daraa = await track(joinAs(server().url, inviteFor(created, 'member', 'Daraa')));
    const commander = await track(joinAs(server().url, inviteFor(created, 'commander')));
    const v = (await current(chair)).version;
    const { itemId } = data(
      await request(chair.socket, 'agenda:add', { expectedVersion: v, title: 'x', allotmentSec: 60 }),
    );
    const { issueId } = data(
      await request(daraa.socket, 'issue:raise', {
        idempotencyKey: 'key-hostile-1',
        title: 'x',
        category: 'other',
        urgency: 'routine',
      }),
    );
    data(await request(commander.socket, 'issue:acknowledge', { issueId }));
    const admin = new AdminApi(server().url);
    for (const bad of HOSTILE) {
      const socketCases: [TestSocket, string, unknown, string][] = [
        [daraa.socket, 'floor:request', { type: 'speak', extra: bad }, ''],
        [chair.socket, 'agenda:add', { expectedVersion: v + 1, title: bad, allotmentSec: 60 }, 'title'],
        [
          chair.socket,
          'agenda:add',
          { expectedVersion: v + 1, title: 'x', description: bad, allotmentSec: 60 },
          'description',
        ],
        [chair.socket, 'agenda:edit', { expectedVersion: v + 1, itemId, title: bad }, 'title'],
        [chair.socket, 'agenda:finish', { expectedVersion: v + 1, itemId, status: 'done', outcome: bad }, 'outcome'],
        [
          daraa.socket,
          'issue:raise',
          { idempotencyKey: 'key-hostile-2', title: bad, category: 'other', urgency: 'routine' },
          'title',
        ],
        [commander.socket, 'issue:decide', { issueId, decision: bad }, 'decision'],
        [commander.socket, 'issue:reject', { issueId, reason: bad }, 'reason'],
        [commander.socket, 'issue:refer', { issueId, body: bad }, 'body'],
      ];
      for (const [socket, event, payload, field] of socketCases) {
        const r = await requestRaw(socket, event, payload);
        expect(r, `${event} ${JSON.stringify(bad)}`).toMatchObject({
          ok: false,
          error: { code: ErrorCode.INVALID_PAYLOAD },
        });
        expect(r.ok === false && r.error.message).toContain(field);
      }
      const joining = await connect(server().url, inviteFor(created, 'member', 'Homs'));
      closeLater(joining);
      const joined = await requestRaw(joining, 'session:join', { instanceId: 'hostile-instance', displayName: bad });
      expect(joined).toMatchObject({
        ok: false,
        error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.stringContaining('displayName') },
      });
      for (const [path, body] of [
        ['/api/admin/sessions', { title: bad, sites: [{ name: 'Daraa' }] }],
        ['/api/admin/sessions', { title: 'x', sites: [{ name: bad }] }],
        [`/api/admin/sessions/${sid}/invites`, { role: 'chair', siteId: null, displayName: bad }],
      ] as const) {
        const r = await admin.call('POST', path, body);
        expect(r.status, `${path} ${JSON.stringify(bad)}`).toBe(400);
        expect(r.json).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
      }
      const viaHttp = await http(inviteFor(created, 'chair'), 'POST', `/api/sessions/${sid}/agenda`, {
        title: bad,
        allotmentSec: 60,
      });
      expect(viaHttp.status).toBe(400);
    }
    // Nothing was stored, and the session still answers every command.
    const p = await current(chair);
    expect(p.agenda.map((i) => i.title)).toEqual(['x']);
    expect(data(await request(chair.socket, 'agenda:start', { expectedVersion: p.version, itemId }))).toBeNull();
    expect(data(await request(commander.socket, 'issue:decide', { issueId, decision: 'ok' }))).toBeNull();
  });

  it('every argument shape gets exactly one answer with the documented code', async () => {
    const created = await newSession(server().url);
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const s = chair.socket;
    // No payload: validated as undefined, which a request with a payload refuses.
    expect(await emitRaw(s, 'proceedings:get')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD },
    });
    expect(await emitRaw(s, 'floor:request')).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
    // Extra arguments.
    expect(await emitRaw(s, 'proceedings:get', {}, 'x')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.stringContaining('one payload') },
    });
    expect(await emitRaw(s, 'floor:request', { type: 'speak' }, { type: 'speak' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD },
    });
    // Unknown events, whatever their arguments.
    for (const args of [[{}], [], [1, 2, 3]]) {
      expect(await emitRaw(s, 'nope', ...args)).toMatchObject({ ok: false, error: { code: ErrorCode.UNKNOWN_EVENT } });
    }
    // Not yet joined: the answer still comes.
    const stranger = closeLater(await connect(server().url, inviteFor(created, 'member', 'Homs')));
    expect(await emitRaw(stranger, 'proceedings:get', {})).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_JOINED },
    });
    expect(await emitRaw(stranger, 'nope', {})).toMatchObject({ ok: false, error: { code: ErrorCode.UNKNOWN_EVENT } });
    // Without a callback: served (or dropped), never a crash; the session answers after.
    const raw = s as unknown as Socket;
    raw.emit('agenda:add', {
      expectedVersion: (await current(chair)).version,
      title: 'fire and forget',
      allotmentSec: 60,
    });
    raw.emit('nope');
    raw.emit('agenda:add', 'garbage', 'more');
    await expect.poll(async () => (await current(chair)).agenda.map((i) => i.title)).toEqual(['fire and forget']);
    expect((await emitRaw(s, 'proceedings:get', {})) as Result<unknown>).toMatchObject({ ok: true });
  });

  it('a second media:connectTransport answers MEDIA_ERROR, and a malformed DTLS fingerprint is refused', async () => {
    const created = await newSession(server().url);
    const daraa = await track(joinAs(server().url, inviteFor(created, 'member', 'Daraa')));
    const transport = data(await request(daraa.socket, 'media:createTransport', { direction: 'send' }));
    const bad = await requestRaw(daraa.socket, 'media:connectTransport', {
      transportId: transport.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'x' }] },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.stringContaining('fingerprints.0.value') },
    });
    const short = await requestRaw(daraa.socket, 'media:connectTransport', {
      transportId: transport.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-512', value: DTLS.fingerprints[0]?.value }] },
    });
    expect(short).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
    data(await request(daraa.socket, 'media:connectTransport', { transportId: transport.id, dtlsParameters: DTLS }));
    const again = await request(daraa.socket, 'media:connectTransport', {
      transportId: transport.id,
      dtlsParameters: DTLS,
    });
    expect(again).toMatchObject({ ok: false, error: { code: ErrorCode.MEDIA_ERROR } });
    // A producer id that does not exist, and one that exists but is not this peer's.
    const unknown = await request(daraa.socket, 'media:consume', {
      transportId: transport.id,
      producerId: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
      rtpCapabilities: {},
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
  });

  it('HTTP readers check the session, the site and the removed list exactly as the socket join does', async () => {
    const created = await newSession(server().url);
    const other = await newSession(server().url);
    const sid = SessionIdSchema.parse(created.session.id);
    // A properly signed token for this session, but naming a site of another session.
    const { token: foreignSite } = server().tokens.issue({
      sessionId: sid,
      siteId: SiteIdSchema.parse('aleppo'),
      role: 'member',
      displayName: 'Stranger',
      ttlSeconds: 600,
    });
    for (const path of [`/api/sessions/${sid}/agenda`, '/api/session']) {
      const r = await http(foreignSite, 'GET', path);
      expect(r.status, path).toBe(403);
      expect(r.json).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    }
    // Another session's invite reads nothing of this one.
    const otherToken = inviteFor(other, 'member', 'Daraa');
    expect((await http(otherToken, 'GET', `/api/sessions/${sid}/agenda`)).json).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });

    // A removed invite reads nothing, over either transport.
    const chair = await track(joinAs(server().url, inviteFor(created, 'chair')));
    const daraaToken = inviteFor(created, 'member', 'Daraa');
    const daraa = await track(joinAs(server().url, daraaToken));
    expect((await http(daraaToken, 'GET', `/api/sessions/${sid}/agenda`)).status).toBe(200);
    data(await request(chair.socket, 'moderation:remove', { participantId: daraa.id }));
    for (const path of [`/api/sessions/${sid}/agenda`, '/api/session']) {
      const r = await http(daraaToken, 'GET', path);
      expect(r.status, path).toBe(403);
      expect(r.json).toMatchObject({ ok: false, error: { code: ErrorCode.REMOVED } });
    }
    const back = closeLater(await connect(server().url, daraaToken));
    expect(await requestRaw(back, 'session:join', { instanceId: 'removed-instance' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.REMOVED },
    });
  });

  it('admin paths answer consistently: no unauthenticated OPTIONS, no client page for //api', async () => {
    const options = await fetch(`${server().url}/api/admin/sessions`, { method: 'OPTIONS' });
    expect(options.status).toBe(401);
    for (const path of ['//api/admin/sessions', '/api//admin/sessions']) {
      const r = await fetch(`${server().url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_SECRET}` } });
      expect(r.status, path).toBe(404);
      expect(await r.json()).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    }
    // A new session starts scheduled, as the lifecycle says.
    const created = await newSession(server().url);
    expect(created.session.status).toBe('scheduled');
  });
});
