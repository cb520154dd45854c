import { describe, expect, it } from 'vitest';
import { initialUplink, nextUplink, uplinkFromStats, UPLINK_THRESHOLDS as T, type UplinkState } from './uplinkPolicy';

/** Feeds one sample a second from `from` for `seconds`, all alike. */
function run(state: UplinkState, from: number, seconds: number, kbps: number | null, lossPct: number | null = 0) {
  let s = state;
  for (let i = 0; i <= seconds; i++) {
    s = nextUplink(s, { at: from + i * 1000, availableKbps: kbps, lossPct });
  }
  return s;
}

describe('audio first on a weak uplink', () => {
  it('a site whose uplink carries only about 450 kbit/s sends its lowest camera layer within seconds', () => {
    const s = run(initialUplink(), 0, 3, 450);
    expect(s.level).toBe('low');
  });
  it('a short dip does not move the camera', () => {
    let s = run(initialUplink(), 0, 1, 450);
    s = run(s, 2000, 5, 1500);
    expect(s.level).toBe('full');
  });
  it('below what even the lowest layer needs, the camera goes off and the voice stays', () => {
    let s = run(initialUplink(), 0, 3, 450);
    s = run(s, 4000, 3, 90);
    expect(s.level).toBe('audio-only');
  });
  it('heavy loss steps the camera down even when the estimate looks high', () => {
    expect(run(initialUplink(), 0, 3, 2000, 15).level).toBe('low');
  });
  it('the camera comes back to full only after the link has been good for a while (hysteresis)', () => {
    let s = run(initialUplink(), 0, 3, 450);
    s = run(s, 4000, T.upAfterMs / 1000 - 2, 1500);
    expect(s.level).toBe('low');
    s = run(s, 4000 + T.upAfterMs - 1000, 2, 1500);
    expect(s.level).toBe('full');
  });
  it('a camera that went off is tried again on its lowest layer, and each failed try waits twice as long', () => {
    let s = run(initialUplink(), 0, 3, 450);
    s = run(s, 4000, 3, 90);
    const off = s.probeAt!;
    expect(off).toBe(6000 + T.probeAfterMs);
    s = nextUplink(s, { at: off, availableKbps: 90, lossPct: 0 });
    expect(s.level).toBe('low');
    // The try fails at once: off again, for twice as long.
    s = run(s, off + 1000, 3, 90);
    expect(s.level).toBe('audio-only');
    expect(s.probeWaitMs).toBe(2 * T.probeAfterMs);
  });
  it('no estimate yet is no reason to step down', () => {
    expect(run(initialUplink(), 0, 10, null, null).level).toBe('full');
  });
});

describe("reading the uplink from the browser's stats", () => {
  it('takes the selected pair’s estimate and the worst loss the server reports', () => {
    const sample = uplinkFromStats(
      [
        { type: 'candidate-pair', nominated: false, state: 'waiting', availableOutgoingBitrate: 9_000_000 },
        { type: 'candidate-pair', nominated: true, state: 'succeeded', availableOutgoingBitrate: 280_000 },
        { type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.05 },
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.12 },
        { type: 'outbound-rtp', kind: 'audio' },
      ],
      42,
    );
    expect(sample).toEqual({ at: 42, availableKbps: 280, lossPct: 12 });
  });
});
