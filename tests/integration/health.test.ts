import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  ErrorCode,
  SessionIdSchema,
  type ClientStats,
  type HealthUpdate,
} from '@concord/shared';
import { HEALTH_TICK_MS } from '../../server/src/health/monitor.js';
import { connect, data, nextEntry, nextEvent, request } from '../support/clients.js';
import { withServer } from '../support/fixtures.js';
import { inviteFor, joinAs, newSession, publishMic, stateOf, type Joined } from '../support/sessions.js';

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

  it('a site whose media and socket stop turns down within the 5 s rule, raises an alarm, and recovers when it returns', async () => {
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
    // The rule: 5 s of silence, seen at the next tick (the last report was up to one interval earlier).
    expect(detectedAfterMs).toBeLessThanOrEqual(DEFAULT_HEALTH_THRESHOLDS.downAfterMs + HEALTH_TICK_MS + 1_000);
    expect((await alarm).payload.alarm).toMatchObject({ level: 'down', siteName: 'Daraa' });

    // Daraa comes back.
    const back = await connect(server().url, inviteFor(created, 'member', 'Daraa'));
    closeLater(back);
    data(await request(back, 'session:join', { instanceId: daraa.instanceId }));
    const cleared = nextEntry(operator.socket, 'alarm.cleared', (e) => e.payload.alarm.siteId === 'daraa', 15_000);
    data(await request(back, 'stats:report', REPORT));
    await nextEvent(operator.socket, 'health:update', (u) => siteOf(u, 'daraa')?.status === 'ok', 15_000);
    await cleared;
    const log = (await stateOf(server(), sid)).alarmLog;
    expect(log.filter((a) => a.siteId === 'daraa').map((a) => (a.clearedAt === null ? 'raised' : 'cleared'))).toEqual([
      'cleared',
      'raised',
    ]);
  });

  it('a site reporting heavy loss or slow round trips is degraded', async () => {
    const created = await newSession(server().url);
    const operator = await joinAs(server().url, inviteFor(created, 'operator'));
    const homs = await joinAs(server().url, inviteFor(created, 'member', 'Homs'));
    [operator, homs].forEach((j) => closeLater(j));
    const stop = reportEvery(homs, { ...REPORT, inboundLossPct: 12, roundTripTimeMs: 650 });
    const [u] = await nextEvent(operator.socket, 'health:update', (x) => siteOf(x, 'homs')?.status === 'degraded');
    stop();
    expect(siteOf(u, 'homs')).toMatchObject({ status: 'degraded', reasons: ['loss', 'rtt'], lossPct: 12, rttMs: 650 });
    expect(siteOf(u, 'homs')?.participants[0]?.client).toEqual({ ...REPORT, inboundLossPct: 12, roundTripTimeMs: 650 });
    expect(u.server.workers[0]).toMatchObject({ alive: true });
    expect(u.server.redisRttMs).not.toBeNull();
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
