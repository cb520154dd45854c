import { describe, expect, it } from 'vitest';
import { SiteIdSchema, type Alarm, type HealthUpdate, type SiteHealth, type SiteStatus } from '@concord/shared';
import {
  BITRATE_HISTORY_SAMPLES,
  EMPTY_HEALTH_BOARD,
  alarmLog,
  applyAlarm,
  applyAlarmHistory,
  applyHealthUpdate,
  applySummary,
  boardSilenceMs,
  estimatedServerNow,
  summaryCounts,
  summaryFromUpdate,
} from './health';

function site(siteId: string, status: SiteStatus, patch: Partial<SiteHealth> = {}): SiteHealth {
  return {
    siteId: SiteIdSchema.parse(siteId),
    name: siteId,
    status,
    reasons: status === 'ok' ? [] : ['no_heartbeat'],
    measured: { status, reasons: status === 'ok' ? [] : ['no_heartbeat'] },
    uplinkBitrate: null,
    lossPct: null,
    rttMs: null,
    jitterMs: null,
    lastHeardAt: null,
    lastMediaAt: null,
    lastHeartbeatAt: null,
    path: null,
    mediaMode: 'full',
    mediaModeBy: null,
    participants: [],
    ...patch,
  };
}

function update(at: number, sites: SiteHealth[], alarms: Alarm[] = []): HealthUpdate {
  return {
    at,
    sites,
    alarms,
    server: {
      workers: [],
      counts: { sessions: 1, rooms: 1, participants: 0, transports: 0, producers: 0, consumers: 0 },
      eventLoopLagMs: 0,
      redisRttMs: null,
    },
    autoPolicy: false,
  };
}

function alarm(id: string, siteId: string, raisedAt: number, clearedAt: number | null = null): Alarm {
  return {
    id,
    siteId: SiteIdSchema.parse(siteId),
    siteName: siteId,
    level: 'down',
    reasons: ['no_heartbeat'],
    raisedAt,
    clearedAt,
  };
}

describe('the operator board', () => {
  it('keeps the newest board: a reply overtaken by a broadcast does not put older numbers back', () => {
    const newer = applyHealthUpdate(EMPTY_HEALTH_BOARD, update(2_000, [site('daraa', 'down')]), 10);
    const after = applyHealthUpdate(newer, update(1_500, [site('daraa', 'ok')]), 11);
    expect(after).toBe(newer);
    expect(after.update?.sites[0]?.status).toBe('down');
  });

  it('keeps the last samples of each site for the sparkline', () => {
    let board = EMPTY_HEALTH_BOARD;
    for (let i = 1; i <= BITRATE_HISTORY_SAMPLES + 5; i += 1) {
      board = applyHealthUpdate(board, update(i, [site('daraa', 'ok', { uplinkBitrate: i * 1_000 })]), i);
    }
    const history = board.bitrateHistory.get('daraa') ?? [];
    expect(history).toHaveLength(BITRATE_HISTORY_SAMPLES);
    expect(history.at(-1)).toBe((BITRATE_HISTORY_SAMPLES + 5) * 1_000);
  });

  it('logs cleared alarms as well as open ones, open first', () => {
    let board = applyAlarm(EMPTY_HEALTH_BOARD, alarm('a1', 'daraa', 100));
    board = applyAlarm(board, alarm('a1', 'daraa', 100, 900));
    board = applyAlarm(board, alarm('a2', 'homs', 500));
    expect(alarmLog(board).map((a) => [a.id, a.clearedAt])).toEqual([
      ['a2', null],
      ['a1', 900],
    ]);
  });

  it('takes the alarm history of a fetched board, newest first, as the alarms it records', () => {
    const history = [alarm('a2', 'homs', 500), alarm('a1', 'daraa', 100, 900), alarm('a1', 'daraa', 100)];
    const board = applyAlarmHistory(EMPTY_HEALTH_BOARD, history);
    expect(alarmLog(board).map((a) => [a.id, a.clearedAt])).toEqual([
      ['a2', null],
      ['a1', 900],
    ]);
  });

  it('does not reopen an alarm whose clearing arrived first', () => {
    const cleared = applyAlarm(EMPTY_HEALTH_BOARD, alarm('a1', 'daraa', 100, 900));
    expect(applyAlarm(cleared, alarm('a1', 'daraa', 100)).alarms.get('a1')?.clearedAt).toBe(900);
  });

  it('takes an open alarm missing from a newer board as cleared, even if its clearing was missed', () => {
    let board = applyHealthUpdate(
      EMPTY_HEALTH_BOARD,
      update(1_000, [site('daraa', 'down')], [alarm('a1', 'daraa', 1_000)]),
      1,
    );
    board = applyHealthUpdate(board, update(1_500, [site('daraa', 'ok')], []), 2);
    expect(board.alarms.get('a1')?.clearedAt).toBe(1_500);
  });

  it('measures silence from the last update, or from when it started waiting', () => {
    expect(boardSilenceMs(EMPTY_HEALTH_BOARD, 1_000, 4_500)).toBe(3_500);
    const board = applyHealthUpdate(EMPTY_HEALTH_BOARD, update(50_000, []), 4_000);
    expect(boardSilenceMs(board, 1_000, 4_500)).toBe(500);
    expect(estimatedServerNow(board, 6_000)).toBe(52_000);
  });
});

describe("the chair's health badge", () => {
  it('does not count a site that never joined as a site that failed', () => {
    const first = update(1, [
      site('daraa', 'ok'),
      site('homs', 'down', { reasons: ['never_connected'] }),
      site('latakia', 'degraded', { reasons: ['loss'] }),
    ]);
    const summary = summaryFromUpdate(first);
    expect(summaryCounts(summary)).toEqual({ down: 0, degraded: 1, absent: 1 });

    const daraaDown = applySummary([
      { siteId: 'daraa', status: 'down', reasons: ['no_media', 'no_heartbeat'] },
      { siteId: 'homs', status: 'down', reasons: ['never_connected'] },
      { siteId: 'latakia', status: 'ok', reasons: [] },
    ]);
    expect(summaryCounts(daraaDown)).toEqual({ down: 1, degraded: 0, absent: 1 });
  });

  it('counts a site that joined and then dropped as down', () => {
    const absent = summaryFromUpdate(update(1, [site('homs', 'down', { reasons: ['never_connected'] })]));
    expect(summaryCounts(absent)).toEqual({ down: 0, degraded: 0, absent: 1 });
    const dropped = applySummary([{ siteId: 'homs', status: 'down', reasons: ['no_media', 'no_heartbeat'] }]);
    expect(summaryCounts(dropped)).toEqual({ down: 1, degraded: 0, absent: 0 });
  });
});
