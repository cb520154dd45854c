import {
  MEDIA_PATHS,
  type Alarm,
  type HealthThresholds,
  type IcePath,
  type MediaPath,
  type SiteStatus,
} from './health.js';
import { assertUnreachable } from './assert.js';
import type { SiteId } from './ids.js';

// Pure health rules: the server applies them four times a second; tests drive them with a clock.

export interface SiteSample {
  /** Anyone of the site ever connected in this session. */
  everConnected: boolean;
  lastHeartbeatAt: number | null;
  lastMediaAt: number | null;
  lossPct: number | null;
  rttMs: number | null;
}

export interface MeasuredStatus {
  status: SiteStatus;
  reasons: string[];
}

/**
 * What the figures say of a site at one moment, before any hysteresis: down when neither a
 * heartbeat nor media came from it for `downAfterMs` (either one keeps it up), degraded when
 * loss or RTT is above its threshold.
 */
export function siteStatus(s: SiteSample, t: HealthThresholds, now: number): MeasuredStatus {
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

/**
 * A site's shown status and the timers behind it, carried from one tick to the next. Each
 * `…Since` is the start of the current unbroken run of measurements of that kind, or null
 * when the latest measurement is not of that kind.
 */
export interface SiteTrack {
  status: SiteStatus;
  reasons: string[];
  /** Measured ok. */
  okSince: number | null;
  /** Measured degraded or down. */
  notOkSince: number | null;
  /** Measured degraded (up, but poor). */
  degradedSince: number | null;
}

const isAbsent = (s: { reasons: readonly string[] }): boolean => s.reasons.includes('never_connected');

/** How a site shown with an open alarm is taken up by a monitor that did not see it before (a new owner). */
export function trackFromAlarm(alarm: Pick<Alarm, 'level' | 'reasons'>): SiteTrack {
  return { status: alarm.level, reasons: alarm.reasons, okSince: null, notOkSince: null, degradedSince: null };
}

/**
 * The status shown for a site (and alarmed on), from its previous track and what is measured
 * now. Hysteresis, so that one incident is one alarm:
 * - down as soon as it is measured down (the measurement itself waited `downAfterMs`);
 * - ok → degraded only after it measured not ok for `degradedAfterMs` without a break (a short
 *   RTT or loss spike raises nothing);
 * - degraded or down → ok only after it measured ok for `clearAfterMs` without a break (the
 *   loss burst of a link coming back, or a flapping link, does not clear and raise again);
 * - down → degraded only when it is back but measured degraded for `degradedAfterMs`.
 * A site that never connected is shown as measured: it is absent, not failing.
 */
export function trackSite(
  prev: SiteTrack | null,
  measured: MeasuredStatus,
  t: HealthThresholds,
  now: number,
): SiteTrack {
  const since = (held: number | null | undefined, holds: boolean) => (holds ? (held ?? now) : null);
  const timers = {
    okSince: since(prev?.okSince, measured.status === 'ok'),
    notOkSince: since(prev?.notOkSince, measured.status !== 'ok'),
    degradedSince: since(prev?.degradedSince, measured.status === 'degraded'),
  };
  const held = (start: number | null, ms: number) => start !== null && now - start >= ms;
  const show = (status: SiteStatus, reasons: string[]): SiteTrack => ({ status, reasons, ...timers });
  if (measured.status === 'down' || isAbsent(measured)) {
    return show(measured.status, measured.reasons);
  }
  // Nothing to hold on to: a site first seen, or one that just joined, starts from ok.
  const shown = prev === null || isAbsent(prev) ? 'ok' : prev.status;
  const reasons = prev?.reasons ?? [];
  switch (shown) {
    case 'ok':
      return held(timers.notOkSince, t.degradedAfterMs) ? show('degraded', measured.reasons) : show('ok', []);
    case 'degraded':
      if (held(timers.okSince, t.clearAfterMs)) {
        return show('ok', []);
      }
      return show('degraded', measured.status === 'degraded' ? measured.reasons : reasons);
    case 'down':
      if (held(timers.okSince, t.clearAfterMs)) {
        return show('ok', []);
      }
      return held(timers.degradedSince, t.degradedAfterMs) ? show('degraded', measured.reasons) : show('down', reasons);
    default:
      return assertUnreachable(shown);
  }
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

/** How operators read one transport's path. A relay whose protocol the browser does not say counts as TURN/UDP. */
export function mediaPathOf(p: Pick<IcePath, 'candidateType' | 'protocol' | 'relayProtocol'>): MediaPath {
  if (p.candidateType !== 'relay') {
    return p.protocol;
  }
  switch (p.relayProtocol) {
    case 'tls':
      return 'turn-tls';
    case 'tcp':
      return 'turn-tcp';
    case 'udp':
    case null:
      return 'turn-udp';
    default:
      return assertUnreachable(p.relayProtocol);
  }
}

/** The worst of several paths (the one furthest from plain UDP), or null when there is none. */
export function worstPath(paths: readonly (MediaPath | null)[]): MediaPath | null {
  let worst: MediaPath | null = null;
  for (const p of paths) {
    if (p !== null && (worst === null || MEDIA_PATHS.indexOf(p) > MEDIA_PATHS.indexOf(worst))) {
      worst = p;
    }
  }
  return worst;
}
