import type { Alarm, HealthThresholds, SiteStatus } from './health.js';
import type { SiteId } from './ids.js';

// Pure health rules: the server applies them every second; tests drive them with a clock.

export interface SiteSample {
  /** Anyone of the site ever connected in this session. */
  everConnected: boolean;
  lastHeartbeatAt: number | null;
  lastMediaAt: number | null;
  lossPct: number | null;
  rttMs: number | null;
}

export function siteStatus(s: SiteSample, t: HealthThresholds, now: number): { status: SiteStatus; reasons: string[] } {
  if (!s.everConnected) {
    return { status: 'down', reasons: ['never_connected'] };
  }
  const silent = (at: number | null) => at === null || now - at >= t.downAfterMs;
  if (silent(s.lastHeartbeatAt) && silent(s.lastMediaAt)) {
    return { status: 'down', reasons: ['no_media', 'no_heartbeat'] };
  }
  const reasons = [
    ...(s.lossPct !== null && s.lossPct > t.degradedLossPct ? ['loss'] : []),
    ...(s.rttMs !== null && s.rttMs > t.degradedRttMs ? ['rtt'] : []),
  ];
  return reasons.length > 0 ? { status: 'degraded', reasons } : { status: 'ok', reasons: [] };
}

export interface AlarmChanges {
  raised: Alarm[];
  cleared: Alarm[];
  /** Open alarms after the change. */
  open: Alarm[];
}

/**
 * Raises an alarm when a site leaves `ok` (or gets worse), clears it when the site is
 * back to `ok`. A site that never connected raises nothing: it is absent, not failing.
 */
export function updateAlarms(
  open: readonly Alarm[],
  statuses: readonly { siteId: SiteId; siteName: string; status: SiteStatus; reasons: string[] }[],
  now: number,
  newId: () => string,
): AlarmChanges {
  const raised: Alarm[] = [];
  const cleared: Alarm[] = [];
  const next: Alarm[] = [];
  for (const s of statuses) {
    const current = open.find((a) => a.siteId === s.siteId);
    const absent = s.reasons.includes('never_connected');
    if (s.status === 'ok' || absent) {
      if (current) {
        cleared.push({ ...current, clearedAt: now });
      }
      continue;
    }
    if (current && current.level === s.status) {
      next.push(current);
      continue;
    }
    if (current) {
      cleared.push({ ...current, clearedAt: now });
    }
    const alarm: Alarm = {
      id: newId(),
      siteId: s.siteId,
      siteName: s.siteName,
      level: s.status,
      reasons: s.reasons,
      raisedAt: now,
      clearedAt: null,
    };
    raised.push(alarm);
    next.push(alarm);
  }
  return { raised, cleared, open: next };
}

/** Loss in percent over an interval, from cumulative counters (null when nothing was expected). */
export function lossPercent(
  prev: { lost: number; received: number } | null,
  cur: { lost: number; received: number },
): number | null {
  if (!prev) {
    return null;
  }
  const lost = Math.max(0, cur.lost - prev.lost);
  const received = Math.max(0, cur.received - prev.received);
  return lost + received === 0 ? null : (100 * lost) / (lost + received);
}
