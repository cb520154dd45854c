import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientStats } from '@concord/shared';
import { STATS_INTERVAL_MS, StatsReporter } from './statsReporter';

describe('the stats report (the heartbeat)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function reporter(connected: { value: boolean }) {
    const sent: ClientStats[] = [];
    const r = new StatsReporter({
      collect: () => Promise.resolve([]),
      canSend: () => connected.value,
      send: (stats) => sent.push(stats),
      now: () => Date.now(),
    });
    return { r, sent };
  }

  it('goes every interval while connected', async () => {
    const { r, sent } = reporter({ value: true });
    r.start();
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS * 3);
    expect(sent).toHaveLength(3);
    r.stop();
  });

  it('is not sent while disconnected, and nothing missed is sent on reconnect', async () => {
    const connected = { value: true };
    const { r, sent } = reporter(connected);
    r.start();
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    connected.value = false;
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS * 5);
    expect(sent).toHaveLength(1);
    connected.value = true;
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    r.stop();
  });

  it('still goes, empty, when the stats cannot be read', async () => {
    const sent: ClientStats[] = [];
    const r = new StatsReporter({
      collect: () => Promise.reject(new Error('no media')),
      canSend: () => true,
      send: (stats) => sent.push(stats),
    });
    r.start();
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.roundTripTimeMs).toBeNull();
    r.stop();
  });

  it('stops for good', async () => {
    const { r, sent } = reporter({ value: true });
    r.start();
    r.stop();
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS * 3);
    expect(sent).toHaveLength(0);
  });
});
