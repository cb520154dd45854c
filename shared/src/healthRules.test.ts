import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS as T } from './health.js';
import {
  lossPercent,
  mediaPathOf,
  siteStatus,
  trackFromAlarm,
  trackSite,
  updateAlarms,
  worstPath,
  type MeasuredStatus,
  type SiteSample,
  type SiteTrack,
} from './healthRules.js';
import { SiteIdSchema } from './ids.js';

const NOW = 1_900_000_000_000;
const healthy: SiteSample = {
  everConnected: true,
  lastHeartbeatAt: NOW - 1000,
  lastMediaAt: NOW - 200,
  lossPct: 0.5,
  rttMs: 80,
};

describe('site status', () => {
  it('a site with recent heartbeats and media and low loss and RTT is ok', () => {
    expect(siteStatus(healthy, T, NOW)).toEqual({ status: 'ok', reasons: [] });
  });
  it('loss above 5 % or RTT above 400 ms makes it degraded', () => {
    expect(siteStatus({ ...healthy, lossPct: 5.1 }, T, NOW)).toEqual({ status: 'degraded', reasons: ['loss'] });
    expect(siteStatus({ ...healthy, lossPct: 5 }, T, NOW).status).toBe('ok');
    expect(siteStatus({ ...healthy, rttMs: 401 }, T, NOW)).toEqual({ status: 'degraded', reasons: ['rtt'] });
    expect(siteStatus({ ...healthy, lossPct: 12, rttMs: 900 }, T, NOW).reasons).toEqual(['loss', 'rtt']);
  });
  it('no media and no heartbeat for 2 s makes it down; either one alone keeps it up', () => {
    const silentSince = NOW - 2_000;
    expect(siteStatus({ ...healthy, lastHeartbeatAt: silentSince, lastMediaAt: silentSince }, T, NOW).status).toBe(
      'down',
    );
    expect(siteStatus({ ...healthy, lastHeartbeatAt: silentSince, lastMediaAt: silentSince }, T, NOW - 1).status).toBe(
      'ok',
    );
    expect(siteStatus({ ...healthy, lastHeartbeatAt: silentSince }, T, NOW).status).toBe('ok');
    expect(siteStatus({ ...healthy, lastMediaAt: null }, T, NOW).status).toBe('ok');
  });
  it('a site nobody from has joined yet is down for "never connected"', () => {
    expect(
      siteStatus(
        { everConnected: false, lastHeartbeatAt: null, lastMediaAt: null, lossPct: null, rttMs: null },
        T,
        NOW,
      ),
    ).toEqual({
      status: 'down',
      reasons: ['never_connected'],
    });
  });
  it('thresholds are configurable', () => {
    expect(siteStatus({ ...healthy, rttMs: 250 }, { ...T, degradedRttMs: 200 }, NOW).status).toBe('degraded');
  });
});

describe('alarms', () => {
  let n = 0;
  const id = () => `alarm-${++n}`;
  const daraa = (status: 'ok' | 'degraded' | 'down', reasons: string[] = []) => ({
    siteId: SiteIdSchema.parse('daraa'),
    siteName: 'Daraa',
    status,
    reasons,
  });

  it('an alarm is raised with a timestamp when a site goes down, and cleared when it is back', () => {
    const down = updateAlarms([], [daraa('down', ['no_media', 'no_heartbeat'])], NOW, id);
    expect(down.raised).toEqual([
      {
        id: expect.any(String),
        siteId: 'daraa',
        siteName: 'Daraa',
        level: 'down',
        reasons: ['no_media', 'no_heartbeat'],
        raisedAt: NOW,
        clearedAt: null,
      },
    ]);
    const still = updateAlarms(down.open, [daraa('down', ['no_media', 'no_heartbeat'])], NOW + 1000, id);
    expect(still.raised).toEqual([]);
    expect(still.open).toEqual(down.open);
    const back = updateAlarms(still.open, [daraa('ok')], NOW + 9000, id);
    expect(back.cleared).toEqual([{ ...down.raised[0], clearedAt: NOW + 9000 }]);
    expect(back.open).toEqual([]);
  });
  it('a degraded site that goes down clears the degraded alarm and raises a down alarm', () => {
    const degraded = updateAlarms([], [daraa('degraded', ['loss'])], NOW, id);
    const down = updateAlarms(degraded.open, [daraa('down', ['no_media', 'no_heartbeat'])], NOW + 2000, id);
    expect(down.cleared.map((a) => a.level)).toEqual(['degraded']);
    expect(down.raised.map((a) => a.level)).toEqual(['down']);
  });
  it('a site that never connected raises no alarm', () => {
    expect(updateAlarms([], [daraa('down', ['never_connected'])], NOW, id).raised).toEqual([]);
  });
});

describe('loss from counters', () => {
  it('is the share of packets lost over the interval', () => {
    expect(lossPercent({ lost: 10, received: 990 }, { lost: 20, received: 1180 })).toBe(5);
    expect(lossPercent(null, { lost: 5, received: 5 })).toBeNull();
    expect(lossPercent({ lost: 1, received: 1 }, { lost: 1, received: 1 })).toBeNull();
  });
});

/**
 * Drives the shown status through measurements, one tick every `tickMs` (the monitor ticks
 * every 250 ms), raising and clearing alarms as the monitor does. Returns what was shown at
 * each tick and every alarm change.
 */
function run(
  phases: { forMs: number; measured: MeasuredStatus }[],
  opts: { tickMs?: number; start?: SiteTrack | null } = {},
) {
  const tickMs = opts.tickMs ?? 250;
  let track: SiteTrack | null = opts.start ?? null;
  let open: ReturnType<typeof updateAlarms>['open'] = [];
  let n = 0;
  const shown: { at: number; status: string }[] = [];
  const changes: string[] = [];
  let now = NOW;
  for (const phase of phases) {
    for (const end = now + phase.forMs; now < end; now += tickMs) {
      track = trackSite(track, phase.measured, T, now);
      shown.push({ at: now, status: track.status });
      const next = updateAlarms(open, [{ siteId: daraaId, siteName: 'Daraa', ...track }], now, () => `a${++n}`);
      changes.push(...next.cleared.map((a) => `cleared ${a.level}`), ...next.raised.map((a) => `raised ${a.level}`));
      open = next.open;
    }
  }
  const firstAt = (status: string, from = NOW) => shown.find((s) => s.at >= from && s.status === status)?.at ?? null;
  return { shown, changes, firstAt, last: () => track };
}
const daraaId = SiteIdSchema.parse('daraa');
const OK: MeasuredStatus = { status: 'ok', reasons: [] };
const DOWN: MeasuredStatus = { status: 'down', reasons: ['no_media', 'no_heartbeat'] };
const SLOW: MeasuredStatus = { status: 'degraded', reasons: ['rtt'] };
const LOSSY: MeasuredStatus = { status: 'degraded', reasons: ['loss'] };

describe('one incident, one alarm (hysteresis)', () => {
  it('a site is shown down at the first tick its silence reaches the down threshold, and raises one alarm', () => {
    const r = run([
      { forMs: 10_000, measured: OK },
      { forMs: 6_000, measured: DOWN },
    ]);
    expect(r.firstAt('down')).toBe(NOW + 10_000);
    expect(r.changes).toEqual(['raised down']);
  });

  it('a 2 s RTT spike to 600 ms raises no alarm, and the site is never shown degraded', () => {
    const r = run([
      { forMs: 10_000, measured: OK },
      { forMs: 2_000, measured: SLOW },
      { forMs: 20_000, measured: OK },
    ]);
    expect(r.shown.every((s) => s.status === 'ok')).toBe(true);
    expect(r.changes).toEqual([]);
  });

  it('RTT or loss that stays high for the degraded threshold makes the site degraded, once', () => {
    const r = run([
      { forMs: 2_000, measured: OK },
      { forMs: 20_000, measured: SLOW },
    ]);
    expect(r.firstAt('degraded')).toBe(NOW + 2_000 + T.degradedAfterMs);
    expect(r.changes).toEqual(['raised degraded']);
  });

  it('a condition that breaks off before the threshold starts counting again', () => {
    const bursty = Array.from({ length: 6 }, () => [
      { forMs: T.degradedAfterMs - 1_000, measured: LOSSY },
      { forMs: 500, measured: OK },
    ]).flat();
    expect(run(bursty).changes).toEqual([]);
  });

  it('a degraded site is cleared only after it was ok for the clearing time without a break', () => {
    const r = run([
      { forMs: T.degradedAfterMs + 1_000, measured: SLOW },
      { forMs: T.clearAfterMs - 1_000, measured: OK },
      { forMs: 500, measured: SLOW },
      { forMs: T.clearAfterMs + 1_000, measured: OK },
    ]);
    expect(r.changes).toEqual(['raised degraded', 'cleared degraded']);
    const okAgainFrom = NOW + T.degradedAfterMs + 1_000 + T.clearAfterMs - 1_000 + 500;
    expect(r.firstAt('ok', NOW + T.degradedAfterMs + 1_000)).toBe(okAgainFrom + T.clearAfterMs);
  });

  it('a cut and a return, with the loss burst of the return, are one alarm raised and one cleared', () => {
    const r = run([
      { forMs: 5_000, measured: OK },
      { forMs: 8_000, measured: DOWN },
      { forMs: 3_000, measured: LOSSY },
      { forMs: 10_000, measured: OK },
    ]);
    expect(r.changes).toEqual(['raised down', 'cleared down']);
    expect(r.last()?.status).toBe('ok');
  });

  it('a link that flaps (up a second, down a few) stays down, one incident, until it holds', () => {
    const flaps = Array.from({ length: 5 }, () => [
      { forMs: 1_000, measured: OK },
      { forMs: 3_000, measured: DOWN },
    ]).flat();
    const r = run([{ forMs: 3_000, measured: OK }, ...flaps, { forMs: T.clearAfterMs + 500, measured: OK }]);
    expect(r.changes).toEqual(['raised down', 'cleared down']);
  });

  it('a site that comes back poor is shown degraded once it stays poor, not down forever', () => {
    const r = run([
      { forMs: 2_000, measured: OK },
      { forMs: 4_000, measured: DOWN },
      { forMs: T.degradedAfterMs + 1_000, measured: LOSSY },
    ]);
    expect(r.changes).toEqual(['raised down', 'cleared down', 'raised degraded']);
  });

  it('a degraded site that goes down escalates at once', () => {
    const r = run([
      { forMs: T.degradedAfterMs + 1_000, measured: LOSSY },
      { forMs: 1_000, measured: DOWN },
    ]);
    expect(r.changes).toEqual(['raised degraded', 'cleared degraded', 'raised down']);
  });

  it('a site that joins is ok at once; before, it is absent and raises nothing', () => {
    const absent: MeasuredStatus = { status: 'down', reasons: ['never_connected'] };
    const r = run([
      { forMs: 3_000, measured: absent },
      { forMs: 1_000, measured: OK },
    ]);
    expect(r.firstAt('ok')).toBe(NOW + 3_000);
    expect(r.changes).toEqual([]);
  });

  it('a monitor that takes over a session keeps an open incident open until the site is ok for the clearing time', () => {
    const r = run([{ forMs: T.clearAfterMs + 500, measured: OK }], {
      start: trackFromAlarm({ level: 'down', reasons: ['no_media'] }),
    });
    expect(r.firstAt('ok')).toBe(NOW + T.clearAfterMs);
    expect(r.shown[0]?.status).toBe('down');
  });

  it('the durations are configurable', () => {
    const quick = { ...T, degradedAfterMs: 1_000 };
    let track: SiteTrack | null = null;
    for (let now = NOW; now <= NOW + 1_000; now += 250) {
      track = trackSite(track, SLOW, quick, now);
    }
    expect(track?.status).toBe('degraded');
  });
});

describe('the path of a link', () => {
  it('reads direct UDP and TCP, and TURN by the protocol to the relay', () => {
    expect(mediaPathOf({ candidateType: 'host', protocol: 'udp', relayProtocol: null })).toBe('udp');
    expect(mediaPathOf({ candidateType: 'prflx', protocol: 'udp', relayProtocol: null })).toBe('udp');
    expect(mediaPathOf({ candidateType: 'srflx', protocol: 'tcp', relayProtocol: null })).toBe('tcp');
    expect(mediaPathOf({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'udp' })).toBe('turn-udp');
    expect(mediaPathOf({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tcp' })).toBe('turn-tcp');
    expect(mediaPathOf({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' })).toBe('turn-tls');
  });
  it('of several, the worst counts (TURN over TLS is the furthest from plain UDP)', () => {
    expect(worstPath(['udp', 'turn-tls', 'tcp'])).toBe('turn-tls');
    expect(worstPath(['udp', null, 'tcp'])).toBe('tcp');
    expect(worstPath([null])).toBeNull();
  });
});
