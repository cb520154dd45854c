import type { Alarm, HealthUpdate, SiteStatus } from '@concord/shared';

// Connection health as the client holds it: the operators' board (replaced twice a second by
// 'health:update'), the alarm log it builds up (from the log's alarm entries and the history a
// 'health:get' brings), and the chair's per-site summary. Pure.

/** Samples kept for a site's bitrate sparkline: half a minute at two updates a second. */
export const BITRATE_HISTORY_SAMPLES = 60;
/** Alarms kept in the log; the oldest cleared ones go first. */
export const MAX_ALARM_LOG = 200;
/** The server pushes twice a second: three seconds of silence means the board no longer tells the truth. */
export const HEALTH_STALE_AFTER_MS = 3_000;

export const HEALTH_REASONS = ['loss', 'rtt', 'no_media', 'no_heartbeat', 'never_connected'] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];
export const isHealthReason = (value: string): value is HealthReason => HEALTH_REASONS.some((r) => r === value);

/** A site nobody from has joined yet: absent, not failing (the server raises no alarm for it). */
export const isAbsent = (site: { reasons: readonly string[] }): boolean => site.reasons.includes('never_connected');

export interface HealthBoard {
  update: HealthUpdate | null;
  /** This machine's clock (ms) when `update` came: how stale the board is. */
  receivedAt: number | null;
  /** Each site's uplink bitrate, oldest first, one sample per update (null: not known then). */
  bitrateHistory: ReadonlyMap<string, readonly (number | null)[]>;
  /** Every alarm seen, open and cleared, by id. */
  alarms: ReadonlyMap<string, Alarm>;
}

export const EMPTY_HEALTH_BOARD: HealthBoard = {
  update: null,
  receivedAt: null,
  bitrateHistory: new Map(),
  alarms: new Map(),
};

/**
 * Takes a newer board. An older one (a 'health:get' reply overtaken by a broadcast) is
 * dropped. An alarm we hold open that the board no longer lists was cleared by the server;
 * if its `alarm.cleared` was not seen, the board's time stands for the moment it cleared.
 */
export function applyHealthUpdate(board: HealthBoard, update: HealthUpdate, receivedAt: number): HealthBoard {
  if (board.update !== null && update.at <= board.update.at) {
    return board;
  }
  const bitrateHistory = new Map<string, readonly (number | null)[]>();
  for (const site of update.sites) {
    const held = board.bitrateHistory.get(site.siteId) ?? [];
    bitrateHistory.set(site.siteId, [...held, site.uplinkBitrate].slice(-BITRATE_HISTORY_SAMPLES));
  }
  const alarms = new Map(board.alarms);
  const open = new Set(update.alarms.map((a) => a.id));
  for (const alarm of alarms.values()) {
    if (alarm.clearedAt === null && !open.has(alarm.id) && alarm.raisedAt <= update.at) {
      alarms.set(alarm.id, { ...alarm, clearedAt: update.at });
    }
  }
  for (const alarm of update.alarms) {
    const held = alarms.get(alarm.id);
    if (!held || held.clearedAt === null) {
      alarms.set(alarm.id, alarm);
    }
  }
  return { update, receivedAt, bitrateHistory, alarms: trimAlarms(alarms) };
}

/** A raised or cleared alarm (an `alarm.raised` or `alarm.cleared` entry). A clearing is never undone by a late raise. */
export function applyAlarm(board: HealthBoard, alarm: Alarm): HealthBoard {
  const held = board.alarms.get(alarm.id);
  if (held && held.clearedAt !== null && alarm.clearedAt === null) {
    return board;
  }
  const alarms = new Map(board.alarms);
  alarms.set(alarm.id, alarm);
  return { ...board, alarms: trimAlarms(alarms) };
}

/** The alarm records of a 'health:get' reply (newest first), taken oldest first as if they had come live. */
export function applyAlarmHistory(board: HealthBoard, history: readonly Alarm[]): HealthBoard {
  return history.reduceRight((b, alarm) => applyAlarm(b, alarm), board);
}

function trimAlarms(alarms: Map<string, Alarm>): Map<string, Alarm> {
  if (alarms.size <= MAX_ALARM_LOG) {
    return alarms;
  }
  const oldestCleared = [...alarms.values()]
    .filter((a) => a.clearedAt !== null)
    .sort((a, b) => (a.clearedAt ?? 0) - (b.clearedAt ?? 0));
  for (const alarm of oldestCleared.slice(0, alarms.size - MAX_ALARM_LOG)) {
    alarms.delete(alarm.id);
  }
  return alarms;
}

/** The log as shown: open alarms first, then cleared ones; the newest first in each. */
export function alarmLog(board: HealthBoard): Alarm[] {
  return [...board.alarms.values()].sort((a, b) => {
    const openA = a.clearedAt === null;
    const openB = b.clearedAt === null;
    if (openA !== openB) {
      return openA ? -1 : 1;
    }
    return b.raisedAt - a.raisedAt || a.id.localeCompare(b.id);
  });
}

/**
 * How long the board has gone without an update, counted from when it started waiting
 * (`since`) if none came yet.
 */
export function boardSilenceMs(board: HealthBoard, since: number, now: number): number {
  return Math.max(0, now - (board.receivedAt ?? since));
}

/** The server's clock now, estimated from the last board (no clock sync needed). */
export function estimatedServerNow(board: HealthBoard, now: number): number | null {
  return board.update === null || board.receivedAt === null ? null : board.update.at + (now - board.receivedAt);
}

// ---- the chair's summary ----------------------------------------------------------------

export interface SiteStatusEntry {
  siteId: string;
  status: SiteStatus;
  reasons: readonly string[];
}

export interface SiteSummary {
  sites: readonly SiteStatusEntry[];
  /** Sites nobody from has joined yet (the server's reason 'never_connected'). */
  absent: ReadonlySet<string>;
}

export function summaryFromUpdate(update: HealthUpdate): SiteSummary {
  return {
    sites: update.sites.map((s) => ({ siteId: s.siteId, status: s.status, reasons: s.reasons })),
    absent: new Set(update.sites.filter(isAbsent).map((s) => s.siteId)),
  };
}

/** A 'health:summary': its reasons say which down sites never joined. */
export function applySummary(sites: readonly SiteStatusEntry[]): SiteSummary {
  return { sites, absent: new Set(sites.filter((s) => s.reasons.includes('never_connected')).map((s) => s.siteId)) };
}

export function sameSummary(a: SiteSummary | null, b: SiteSummary): boolean {
  return (
    a !== null &&
    a.sites.length === b.sites.length &&
    a.sites.every((s, i) => s.siteId === b.sites[i]?.siteId && s.status === b.sites[i]?.status) &&
    a.absent.size === b.absent.size &&
    [...a.absent].every((id) => b.absent.has(id))
  );
}

export interface SummaryCounts {
  /** Sites that were connected and are down now. */
  down: number;
  degraded: number;
  /** Sites that never connected (reported down by the server). */
  absent: number;
}

export function summaryCounts(summary: SiteSummary | null): SummaryCounts {
  const counts: SummaryCounts = { down: 0, degraded: 0, absent: 0 };
  for (const site of summary?.sites ?? []) {
    if (site.status === 'down' && summary?.absent.has(site.siteId)) {
      counts.absent += 1;
    } else if (site.status === 'down') {
      counts.down += 1;
    } else if (site.status === 'degraded') {
      counts.degraded += 1;
    }
  }
  return counts;
}
