import { z } from 'zod';
import type { MediaMode } from '@concord/shared';

// Audio first on a weak uplink: this site's camera steps down to its lowest layer, then off,
// by what the browser measures of its own sending; it steps back up once the link has been
// good for a while, and after going off, by probing with the lowest layer at growing
// intervals. Pure: the media sync feeds it a sample a second and applies the level.

export interface UplinkThresholds {
  /** Below this estimate of what can be sent (kbit/s), the camera goes to its lowest layer. */
  lowBelowKbps: number;
  /** Below this, with the lowest layer only, the camera goes off (audio only). */
  audioBelowKbps: number;
  /** Loss reported by the receiving side (percent) that counts as bad at full / at low. */
  lossToLowPct: number;
  lossToAudioPct: number;
  /** A bad link steps down once it has been bad this long. */
  downAfterMs: number;
  /** From low back to full: the estimate at or above this, and loss under `goodLossPct`, for `upAfterMs`. */
  fullAboveKbps: number;
  goodLossPct: number;
  upAfterMs: number;
  /** Off: the lowest layer is tried again after this, doubled each time the try fails soon, up to the maximum. */
  probeAfterMs: number;
  probeAfterMaxMs: number;
  /** A step down this soon after a step up counts as a failed try. */
  failedTryWithinMs: number;
}

export const UPLINK_THRESHOLDS: UplinkThresholds = {
  // Below ~300 kbit/s even the lowest layer (150 kbit/s, in bursts at key frames) crowds the
  // voice out: video goes off, as in the products people know.
  lowBelowKbps: 600,
  audioBelowKbps: 300,
  lossToLowPct: 10,
  lossToAudioPct: 20,
  downAfterMs: 2_000,
  fullAboveKbps: 1_000,
  goodLossPct: 3,
  upAfterMs: 10_000,
  probeAfterMs: 15_000,
  probeAfterMaxMs: 120_000,
  failedTryWithinMs: 30_000,
};

export interface UplinkSample {
  at: number;
  /** The browser's estimate of the bitrate it can send (kbit/s); null before it has one. */
  availableKbps: number | null;
  /** Loss of our packets as the server reports it (percent); null when unknown. */
  lossPct: number | null;
}

export interface UplinkState {
  level: MediaMode;
  /** Since when the link has been bad at this level (null: not bad). */
  badSince: number | null;
  /** Since when it has been good enough to step up (null: not good). */
  goodSince: number | null;
  /** When the level last went up (a step down soon after is a failed try). */
  upAt: number | null;
  /** Off: when the next try with the lowest layer is due, and the wait after the next failed one. */
  probeAt: number | null;
  probeWaitMs: number;
}

export function initialUplink(t: UplinkThresholds = UPLINK_THRESHOLDS): UplinkState {
  return { level: 'full', badSince: null, goodSince: null, upAt: null, probeAt: null, probeWaitMs: t.probeAfterMs };
}

function isBad(level: MediaMode, s: UplinkSample, t: UplinkThresholds): boolean {
  const loss = s.lossPct ?? 0;
  switch (level) {
    case 'full':
      return (s.availableKbps !== null && s.availableKbps < t.lowBelowKbps) || loss > t.lossToLowPct;
    case 'low':
      return (s.availableKbps !== null && s.availableKbps < t.audioBelowKbps) || loss > t.lossToAudioPct;
    case 'audio-only':
      return false;
  }
}

function isGood(s: UplinkSample, t: UplinkThresholds): boolean {
  return s.availableKbps !== null && s.availableKbps >= t.fullAboveKbps && (s.lossPct ?? 0) < t.goodLossPct;
}

const DOWN: Record<MediaMode, MediaMode> = { full: 'low', low: 'audio-only', 'audio-only': 'audio-only' };

/** The next state after one sample. */
export function nextUplink(state: UplinkState, s: UplinkSample, t: UplinkThresholds = UPLINK_THRESHOLDS): UplinkState {
  if (isBad(state.level, s, t)) {
    const badSince = state.badSince ?? s.at;
    if (s.at - badSince < t.downAfterMs) {
      return { ...state, badSince, goodSince: null };
    }
    const level = DOWN[state.level];
    if (level !== 'audio-only') {
      return { ...state, level, badSince: null, goodSince: null };
    }
    const failedTry = state.upAt !== null && s.at - state.upAt < t.failedTryWithinMs;
    const probeWaitMs = failedTry ? Math.min(t.probeAfterMaxMs, state.probeWaitMs * 2) : t.probeAfterMs;
    return { ...state, level, badSince: null, goodSince: null, probeAt: s.at + probeWaitMs, probeWaitMs };
  }
  switch (state.level) {
    case 'audio-only':
      // Nothing measured while the camera is off says whether it would fit: try it.
      return state.probeAt !== null && s.at >= state.probeAt
        ? { ...state, level: 'low', badSince: null, goodSince: null, upAt: s.at, probeAt: null }
        : { ...state, badSince: null };
    case 'low': {
      if (!isGood(s, t)) {
        return { ...state, badSince: null, goodSince: null };
      }
      const goodSince = state.goodSince ?? s.at;
      return s.at - goodSince >= t.upAfterMs
        ? { ...state, level: 'full', badSince: null, goodSince: null, upAt: s.at }
        : { ...state, badSince: null, goodSince };
    }
    case 'full':
      return { ...state, badSince: null, goodSince: null };
  }
}

const CandidatePairSchema = z.object({
  type: z.literal('candidate-pair'),
  nominated: z.boolean().optional(),
  state: z.string().optional(),
  availableOutgoingBitrate: z.number().optional(),
});
const RemoteInboundSchema = z.object({
  type: z.literal('remote-inbound-rtp'),
  kind: z.string().optional(),
  fractionLost: z.number().optional(),
});

/** What the send transport's stats say of the uplink: the selected pair's estimate, the worst reported loss. */
export function uplinkFromStats(stats: Iterable<unknown>, at: number): UplinkSample {
  let availableKbps: number | null = null;
  let lossPct: number | null = null;
  for (const raw of stats) {
    const pair = CandidatePairSchema.safeParse(raw);
    if (pair.success && pair.data.nominated === true && pair.data.state === 'succeeded') {
      const bps = pair.data.availableOutgoingBitrate;
      if (bps !== undefined) {
        availableKbps = bps / 1000;
      }
      continue;
    }
    const remote = RemoteInboundSchema.safeParse(raw);
    if (remote.success && remote.data.fractionLost !== undefined) {
      lossPct = Math.max(lossPct ?? 0, remote.data.fractionLost * 100);
    }
  }
  return { at, availableKbps, lossPct };
}
