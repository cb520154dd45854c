import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  ErrorCode,
  SessionIdSchema,
  type ClientStats,
  type HealthUpdate,
} from '@concord/shared';
import type { Concord } from '../../server/src/app.js';
import { HEALTH_TICK_MS } from '../../server/src/health/monitor.js';
import { connect, data, nextEntry, nextEvent, request, requestRaw, type TestSocket } from '../support/clients.js';
import { withServer } from '../support/fixtures.js';
import { startTestServer } from '../support/server.js';
import { inviteFor, joinAs, newSession, seatFor, publishMic, stateOf, type Joined } from '../support/sessions.js';

const run = promisify(execFile);

/** A healthy client's report, as the browser sends it every few seconds. */
const REPORT: ClientStats = {
  outboundBitrate: 900_000,
  availableOutgoingBitrate: 2_000_000,
  qualityLimitationReason: 'none',
  roundTripTimeMs: 40,
  framesDecoded: 1000,
  framesDropped: 2,
  inboundLossPct: 0.2,
};
/** The product's promise: an operator sees "site down" within this long of a cut. */
const SITE_DOWN_PROMISE_MS = 3_000;
/** How often the test's clients report (the browser client does it every 2 s). */
const REPORT_INTERVAL_MS = 1_000;

function reportEvery(j: Joined, stats: ClientStats = REPORT): () => void {
  const timer = setInterval(
    () => void request(j.socket, 'stats:report', stats).catch(() => undefined),
    REPORT_INTERVAL_MS,
  );
  void request(j.socket, 'stats:report', stats);
  return () => clearInterval(timer);
}

const siteOf = (u: HealthUpdate, siteId: string) => u.sites.find((s) => s.siteId === siteId);

describe("operators see every site's health", () => {
  const { server, closeLater } = withServer();

  it('a site whose socket and media stop is down within 3 s, raises one alarm, and is cleared once back and ok for the clearing time', async () => {
    const created = await newSession(server().url);
    const sid = SessionIdSchema.parse(created.session.id);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    const daraa = await joinAs(server().url, inviteFor(created, 'member', 'Daraa'));
    [operator, daraa].forEach((j) => closeLater(j));
    const stop = reportEvery(daraa);
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'daraa')?.status === 'ok');

    // Daraa goes silent: no reports, no socket.
    stop();
    const silentAt = Date.now();
    daraa.socket.close();
    const alarm = nextEntry(operator.socket, 'alarm.raised', (e) => e.payload.alarm.siteId === 'daraa', 15_000);
    const [down] = await nextEvent(
      operator.socket,
      'health:update',
      (u) => siteOf(u, 'daraa')?.status === 'down',
      15_000,
    );
    const detectedAfterMs = Date.now() - silentAt;
    expect(siteOf(down, 'daraa')?.reasons).toEqual(['no_media', 'no_heartbeat']);
    // The product's promise: "site down" within 3 s of a cut.
    expect(detectedAfterMs).toBeLessThanOrEqual(SITE_DOWN_PROMISE_MS);
    expect((await alarm).payload.alarm).toMatchObject({ level: 'down', siteName: 'Daraa' });

    // Daraa comes back.
    const back = await connect(server().url, inviteFor(created, 'member', 'Daraa'));
    closeLater(back);
    data(await request(back, 'session:join', { instanceId: daraa.instanceId }));
    const cleared = nextEntry(operator.socket, 'alarm.cleared', (e) => e.payload.alarm.siteId === 'daraa', 20_000);
    data(await request(back, 'stats:report', REPORT));
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'daraa')?.status === 'ok', 20_000);
    await cleared;
    const log = (await stateOf(server(), sid)).alarmLog;
    expect(log.filter((a) => a.siteId === 'daraa').map((a) => (a.clearedAt === null ? 'raised' : 'cleared'))).toEqual([
      'cleared',
      'raised',
    ]);
  });

  it("a site stays up on its socket's heartbeat alone while any of its participants is connected", async () => {
    const created = await newSession(server().url);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    // Two laptops at Homs: no media, no stats report; only their sockets answer the pings.
    const room = await joinAs(server().url, inviteFor(created, 'member', 'Homs'));
    const laptop = await joinAs(server().url, seatFor(created, 'member', 'Homs'));
    [operator, room, laptop].forEach((j) => closeLater(j));
    const homsStatuses: string[] = [];
    operator.socket.on('health:update', (u) => homsStatuses.push(siteOf(u, 'homs')?.status ?? 'none'));
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'homs')?.status === 'ok');

    laptop.socket.close();
    // Well past the down threshold: the room's heartbeats keep Homs up.
    await new Promise((r) => setTimeout(r, DEFAULT_HEALTH_THRESHOLDS.downAfterMs + 2_000));
    expect(homsStatuses.slice(homsStatuses.indexOf('ok'))).not.toContain('down');

    room.socket.close();
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'homs')?.status === 'down', 15_000);
  });

  it('a site reporting heavy loss or slow round trips for the degraded threshold is degraded', async () => {
    const created = await newSession(server().url);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    const homs = await joinAs(server().url, inviteFor(created, 'member', 'Homs'));
    [operator, homs].forEach((j) => closeLater(j));
    const poor = { ...REPORT, inboundLossPct: 12, roundTripTimeMs: 650 };
    const stop = reportEvery(homs, poor);
    const [u] = await nextEvent(
      operator.socket,
      'health:update',
      (x) => siteOf(x, 'homs')?.status === 'degraded',
      DEFAULT_HEALTH_THRESHOLDS.degradedAfterMs + 10_000,
    );
    stop();
    expect(siteOf(u, 'homs')).toMatchObject({ status: 'degraded', reasons: ['loss', 'rtt'], lossPct: 12, rttMs: 650 });
    expect(siteOf(u, 'homs')?.participants[0]?.client).toEqual(poor);
    expect(u.server.workers[0]).toMatchObject({ alive: true });
    expect(u.server.redisRttMs).not.toBeNull();
  });

  it("each participant's path to the server, and the site's worst, are on the board and in /metrics", async () => {
    const created = await newSession(server().url);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    const room = await joinAs(server().url, inviteFor(created, 'member', 'Latakia'));
    const laptop = await joinAs(server().url, seatFor(created, 'member', 'Latakia'));
    [operator, room, laptop].forEach((j) => closeLater(j));
    const udp = { candidateType: 'srflx', protocol: 'udp', relayProtocol: null } as const;
    const stops = [
      reportEvery(room, {
        ...REPORT,
        paths: [
          { direction: 'send', ...udp },
          { direction: 'recv', ...udp },
        ],
      }),
      reportEvery(laptop, {
        ...REPORT,
        paths: [{ direction: 'send', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' }],
      }),
    ];
    const [u] = await nextEvent(operator.socket, 'health:update', (x) => siteOf(x, 'latakia')?.path === 'turn-tls');
    stops.forEach((stop) => stop());
    expect(siteOf(u, 'latakia')?.participants.map((p) => [p.participantId, p.path])).toEqual(
      expect.arrayContaining([
        [room.id, 'udp'],
        [laptop.id, 'turn-tls'],
      ]),
    );
    const text = await (await fetch(`${server().url}/metrics`)).text();
    expect(text).toMatch(/concord_site_path\{session="[^"]+",site="latakia",path="turn-tls"\} 1/);
    expect(
      await requestRaw(room.socket, 'stats:report', {
        ...REPORT,
        paths: [{ direction: 'send', candidateType: 'carrier-pigeon', protocol: 'udp', relayProtocol: null }],
      }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
  });

  it('an operator moves a degraded site to audio-only and back; it keeps its place in the floor and issue queues', async () => {
    const created = await newSession(server().url);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    const daraa = await joinAs(server().url, inviteFor(created, 'member', 'Daraa'));
    const homs = await joinAs(server().url, inviteFor(created, 'member', 'Homs'));
    const chair = await joinAs(server().url, inviteFor(created, 'chair'));
    [operator, daraa, homs, chair].forEach((j) => closeLater(j));
    await publishMic(daraa);
    data(await request(daraa.socket, 'floor:request', { type: 'speak', forSite: false }));
    data(await request(homs.socket, 'floor:request', { type: 'speak', forSite: false }));
    const { issueId } = data(
      await request(daraa.socket, 'issue:raise', {
        idempotencyKey: 'health-keep-place',
        title: 'Keep my place',
        details: '',
        category: 'other',
        urgency: 'urgent',
      }),
    );
    const queueBefore = (await stateOf(server(), created.session.id)).proceedings.queue.map((q) => q.id);

    expect(await request(daraa.socket, 'health:setMediaMode', { siteId: 'daraa', mode: 'audio-only' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    const told = nextEntry(daraa.socket, 'media.mode');
    data(await request(operator.socket, 'health:setMediaMode', { siteId: 'daraa', mode: 'audio-only' }));
    expect((await told).payload).toEqual({ siteId: 'daraa', mode: 'audio-only', by: 'operator' });
    const [u] = await nextEvent(
      operator.socket,
      'health:update',
      (x) => siteOf(x, 'daraa')?.mediaMode === 'audio-only',
    );
    expect(siteOf(u, 'daraa')?.mediaMode).toBe('audio-only');

    const backToFull = nextEntry(daraa.socket, 'media.mode', (e) => e.payload.mode === 'full');
    data(await request(operator.socket, 'health:setMediaMode', { siteId: 'daraa', mode: 'full' }));
    await backToFull;
    const after = await stateOf(server(), created.session.id);
    expect(after.proceedings.queue.map((q) => q.id)).toEqual(queueBefore);
    expect(Object.keys(after.issues)).toEqual([issueId]);
  });

  it('the board is for operators and the chair; members are refused', async () => {
    const created = await newSession(server().url);
    const member = await joinAs(server().url, inviteFor(created, 'member', 'Latakia'));
    const chair = await joinAs(server().url, inviteFor(created, 'chair'));
    [member, chair].forEach((j) => closeLater(j));
    expect(await request(member.socket, 'health:get', {})).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await request(chair.socket, 'health:get', {})).toMatchObject({ ok: true });
    expect(await request(member.socket, 'stats:report', { ...REPORT, roundTripTimeMs: -1 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_PAYLOAD },
    });
  });

  it('GET /readyz is 200 when Redis and a worker are ready, and /metrics passes promtool check metrics', async () => {
    const created = await newSession(server().url);
    const member = await joinAs(server().url, inviteFor(created, 'member', 'Damascus'));
    closeLater(member.socket);
    data(await request(member.socket, 'stats:report', REPORT));
    await new Promise((r) => setTimeout(r, HEALTH_TICK_MS * 3));
    expect((await fetch(`${server().url}/readyz`)).status).toBe(200);
    const res = await fetch(`${server().url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    for (const name of [
      'concord_sessions',
      'concord_participants',
      'concord_site_status',
      'concord_open_alarms',
      'concord_worker_cpu_seconds',
      'concord_worker_max_rss_bytes',
      'concord_event_loop_lag_seconds',
      'concord_redis_rtt_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} gauge`);
    }
    expect(text).toMatch(/concord_site_status\{session="[^"]+",site="damascus"\} 0/);
    const child = run('promtool', ['check', 'metrics']);
    child.child.stdin?.end(text);
    const { stdout, stderr } = await child;
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });
});

describe('health across nodes', () => {
  let a: Concord;
  let b: Concord;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    a = await startTestServer(inject('redisUrl'), { NODE_ID: 'health-a' });
    b = await startTestServer(inject('redisUrl'), { NODE_ID: 'health-b' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a site connected through another node is up on the board of the node that runs the session, and down within 3 s of going silent', async () => {
    const created = await newSession(a.url);
    // The first to join runs the session's clocks, alarms included: node A.
    const operator = await joinAs(a.url, inviteFor(created, 'operator'));
    const daraa = await joinAs(b.url, inviteFor(created, 'member', 'Daraa'));
    sockets.push(operator.socket, daraa.socket);
    await expect.poll(() => operator.state().presence[daraa.id]).toBe('health-b');
    // No report, no media: Daraa is up on its socket's pongs, heard by B and published for A.
    const [up] = await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'daraa')?.status === 'ok');
    expect(siteOf(up, 'daraa')?.lastHeartbeatAt).not.toBeNull();

    const silentAt = Date.now();
    daraa.socket.close();
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'daraa')?.status === 'down', 15_000);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(SITE_DOWN_PROMISE_MS);
  });
});
