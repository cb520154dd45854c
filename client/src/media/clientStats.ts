import { z } from 'zod';
import {
  ClientStatsSchema,
  IcePathSchema,
  MAX_ICE_PATHS,
  lossPercent,
  type ClientStats,
  type IcePath,
} from '@concord/shared';

// The client's own view of its connection, read from the RTCPeerConnection stats of its
// transports and sent every few seconds as 'stats:report' (which is also its heartbeat).
// Pure: the caller collects the raw stats and keeps the previous sample.

export type StatsDirection = 'send' | 'recv';

/** The rows of one transport's RTCStatsReport, as `getStats()` gave them. */
export interface TransportStatsRows {
  direction: StatsDirection;
  rows: readonly unknown[];
}

// Loose schemas: a stats row carries many more fields than these, and any of them may be
// missing in one browser or another.
const OutboundRtpSchema = z.object({
  type: z.literal('outbound-rtp'),
  id: z.string(),
  kind: z.string().optional(),
  mediaType: z.string().optional(),
  bytesSent: z.number().optional(),
  qualityLimitationReason: z.string().optional(),
});
const InboundRtpSchema = z.object({
  type: z.literal('inbound-rtp'),
  id: z.string(),
  kind: z.string().optional(),
  mediaType: z.string().optional(),
  packetsLost: z.number().optional(),
  packetsReceived: z.number().optional(),
  framesDecoded: z.number().optional(),
  framesDropped: z.number().optional(),
});
const CandidatePairSchema = z.object({
  type: z.literal('candidate-pair'),
  id: z.string(),
  state: z.string().optional(),
  nominated: z.boolean().optional(),
  localCandidateId: z.string().optional(),
  currentRoundTripTime: z.number().optional(),
  availableOutgoingBitrate: z.number().optional(),
});
/**
 * What the server's receiver reports say of a stream we send: its round trip, measured at
 * every RTCP report (about a second), where the pair's own RTT waits for the next ICE check.
 */
const RemoteInboundRtpSchema = z.object({
  type: z.literal('remote-inbound-rtp'),
  roundTripTime: z.number().optional(),
});
/** Our end of a pair: how this browser reaches the server (straight, or through a TURN relay and how). */
const LocalCandidateSchema = z.object({
  type: z.literal('local-candidate'),
  id: z.string(),
  candidateType: IcePathSchema.shape.candidateType,
  protocol: IcePathSchema.shape.protocol,
  relayProtocol: IcePathSchema.shape.relayProtocol.unwrap().optional(),
});
const TransportSchema = z.object({
  type: z.literal('transport'),
  selectedCandidatePairId: z.string().optional(),
});

type CandidatePair = z.infer<typeof CandidatePairSchema>;
type QualityLimitation = NonNullable<ClientStats['qualityLimitationReason']>;

/** Most telling first: when one simulcast layer is held back by bandwidth, that is the news. */
const LIMITATION_SEVERITY: readonly QualityLimitation[] = ['bandwidth', 'cpu', 'other', 'none'];
const isLimitation = (value: string): value is QualityLimitation => LIMITATION_SEVERITY.some((l) => l === value);

const moreTelling = (a: QualityLimitation | null, b: QualityLimitation): QualityLimitation =>
  a !== null && LIMITATION_SEVERITY.indexOf(a) <= LIMITATION_SEVERITY.indexOf(b) ? a : b;

const MS_PER_SECOND = 1_000;
const BITS_PER_BYTE = 8;

/** One reading of the cumulative counters, keyed by transport direction and stats id. */
export interface StatsSample {
  /** Monotonic clock (ms) of the reading. */
  at: number;
  bytesSent: ReadonlyMap<string, number>;
  inbound: ReadonlyMap<string, { lost: number; received: number }>;
  qualityLimitationReason: QualityLimitation | null;
  roundTripTimeMs: number | null;
  availableOutgoingBitrate: number | null;
  framesDecoded: number | null;
  framesDropped: number | null;
  /** The path of each transport whose ICE has selected a pair. */
  paths: IcePath[];
}

const rowKind = (row: { kind?: string | undefined; mediaType?: string | undefined }): string | null =>
  row.kind ?? row.mediaType ?? null;

/** The pair a transport sends on: the one its 'transport' row names, else the nominated one that works. */
function selectedPair(rows: readonly unknown[]): CandidatePair | null {
  const pairs: CandidatePair[] = [];
  let selectedId: string | null = null;
  for (const row of rows) {
    const pair = CandidatePairSchema.safeParse(row);
    if (pair.success) {
      pairs.push(pair.data);
      continue;
    }
    const transport = TransportSchema.safeParse(row);
    if (transport.success && transport.data.selectedCandidatePairId !== undefined) {
      selectedId = transport.data.selectedCandidatePairId;
    }
  }
  return (
    pairs.find((p) => p.id === selectedId) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded') ?? null
  );
}

/** The path of the selected pair, from its local candidate's row. */
function pathOf(direction: StatsDirection, pair: CandidatePair | null, rows: readonly unknown[]): IcePath | null {
  if (pair?.localCandidateId === undefined) {
    return null;
  }
  for (const row of rows) {
    const local = LocalCandidateSchema.safeParse(row);
    if (local.success && local.data.id === pair.localCandidateId) {
      const { candidateType, protocol, relayProtocol } = local.data;
      return {
        direction,
        candidateType,
        protocol,
        relayProtocol: candidateType === 'relay' ? (relayProtocol ?? null) : null,
      };
    }
  }
  return null;
}

const addTo = (total: number | null, value: number | undefined): number | null =>
  value === undefined ? total : (total ?? 0) + value;

const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** Reads the counters out of the raw stats of the transports. */
export function readSample(transports: readonly TransportStatsRows[], at: number): StatsSample {
  const bytesSent = new Map<string, number>();
  const inbound = new Map<string, { lost: number; received: number }>();
  let limitation: QualityLimitation | null = null;
  let roundTripTimeMs: number | null = null;
  let availableOutgoingBitrate: number | null = null;
  let framesDecoded: number | null = null;
  let framesDropped: number | null = null;
  const paths: IcePath[] = [];

  for (const { direction, rows } of transports) {
    for (const row of rows) {
      const out = OutboundRtpSchema.safeParse(row);
      if (out.success) {
        bytesSent.set(`${direction}:${out.data.id}`, out.data.bytesSent ?? 0);
        const reason = out.data.qualityLimitationReason;
        if (rowKind(out.data) === 'video' && reason !== undefined && isLimitation(reason)) {
          limitation = moreTelling(limitation, reason);
        }
        continue;
      }
      const remote = RemoteInboundRtpSchema.safeParse(row);
      if (remote.success && remote.data.roundTripTime !== undefined) {
        roundTripTimeMs = maxOf(roundTripTimeMs, remote.data.roundTripTime * MS_PER_SECOND);
        continue;
      }
      const inRow = InboundRtpSchema.safeParse(row);
      if (inRow.success) {
        inbound.set(`${direction}:${inRow.data.id}`, {
          lost: inRow.data.packetsLost ?? 0,
          received: inRow.data.packetsReceived ?? 0,
        });
        if (rowKind(inRow.data) === 'video') {
          framesDecoded = addTo(framesDecoded, inRow.data.framesDecoded);
          framesDropped = addTo(framesDropped, inRow.data.framesDropped);
        }
      }
    }
    const pair = selectedPair(rows);
    if (pair?.currentRoundTripTime !== undefined) {
      // The worst of the two links is what the site lives with.
      roundTripTimeMs = maxOf(roundTripTimeMs, pair.currentRoundTripTime * MS_PER_SECOND);
    }
    if (direction === 'send' && pair?.availableOutgoingBitrate !== undefined) {
      availableOutgoingBitrate = pair.availableOutgoingBitrate;
    }
    const path = pathOf(direction, pair, rows);
    if (path !== null) {
      paths.push(path);
    }
  }
  return {
    at,
    bytesSent,
    inbound,
    qualityLimitationReason: limitation,
    roundTripTimeMs,
    availableOutgoingBitrate,
    framesDecoded,
    framesDropped,
    paths,
  };
}

/**
 * Sum of what each counter grew by since the previous sample. Counters that appeared or went
 * (a producer closed, the media was rebuilt) are left out rather than counted from zero.
 */
function growth<T>(
  prev: ReadonlyMap<string, T>,
  cur: ReadonlyMap<string, T>,
  value: (entry: T) => number,
): number | null {
  let total: number | null = null;
  for (const [key, now] of cur) {
    const before = prev.get(key);
    if (before !== undefined) {
      total = (total ?? 0) + Math.max(0, value(now) - value(before));
    }
  }
  return total;
}

type NumberField = Exclude<keyof ClientStats, 'qualityLimitationReason' | 'paths'>;

/** The schema's own bounds, so that a report never fails the server's strict check. */
function bounded(field: NumberField, value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) {
    return null;
  }
  const schema = ClientStatsSchema.shape[field].unwrap();
  const min = schema.minValue ?? 0;
  const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER;
  if (value < min || value > max) {
    return null;
  }
  const integer = schema.format?.includes('int') ?? false;
  return integer ? Math.round(value) : value;
}

export const EMPTY_CLIENT_STATS: ClientStats = {
  outboundBitrate: null,
  availableOutgoingBitrate: null,
  qualityLimitationReason: null,
  roundTripTimeMs: null,
  framesDecoded: null,
  framesDropped: null,
  inboundLossPct: null,
  paths: [],
};

/** The report for `cur`; rates and loss need the previous sample, and are null without it. */
export function toClientStats(prev: StatsSample | null, cur: StatsSample): ClientStats {
  const elapsedMs = prev === null ? 0 : cur.at - prev.at;
  let outboundBitrate: number | null = null;
  let inboundLossPct: number | null = null;
  if (prev !== null && elapsedMs > 0) {
    const bytes = growth(prev.bytesSent, cur.bytesSent, (b) => b);
    outboundBitrate = bytes === null ? null : (bytes * BITS_PER_BYTE * MS_PER_SECOND) / elapsedMs;
    const lost = growth(prev.inbound, cur.inbound, (c) => c.lost);
    const received = growth(prev.inbound, cur.inbound, (c) => c.received);
    inboundLossPct =
      lost === null || received === null ? null : lossPercent({ lost: 0, received: 0 }, { lost, received });
  }
  const stats: ClientStats = {
    outboundBitrate: bounded('outboundBitrate', outboundBitrate),
    availableOutgoingBitrate: bounded('availableOutgoingBitrate', cur.availableOutgoingBitrate),
    qualityLimitationReason: cur.qualityLimitationReason,
    roundTripTimeMs: bounded('roundTripTimeMs', cur.roundTripTimeMs),
    framesDecoded: bounded('framesDecoded', cur.framesDecoded),
    framesDropped: bounded('framesDropped', cur.framesDropped),
    inboundLossPct: bounded('inboundLossPct', inboundLossPct),
    paths: cur.paths.slice(0, MAX_ICE_PATHS),
  };
  // A report the server would refuse is no heartbeat at all: send an empty one instead.
  return ClientStatsSchema.safeParse(stats).success ? stats : EMPTY_CLIENT_STATS;
}

/** Keeps the previous sample between reports. */
export class ClientStatsSampler {
  private prev: StatsSample | null = null;

  next(transports: readonly TransportStatsRows[], at: number): ClientStats {
    const cur = readSample(transports, at);
    const stats = toClientStats(this.prev, cur);
    this.prev = cur;
    return stats;
  }
}
