import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS as T } from './health.js';
import { lossPercent, siteStatus, updateAlarms, type SiteSample } from './healthRules.js';
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
  it('no media and no heartbeat for 5 s makes it down; either one alone keeps it up', () => {
    const silentSince = NOW - 5_000;
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
