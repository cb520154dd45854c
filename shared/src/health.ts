import { z } from 'zod';
import { ParticipantIdSchema, SiteIdSchema, type SiteId } from './ids.js';

// Connection health: what operators watch, one tile per site.

export const SITE_STATUSES = ['ok', 'degraded', 'down'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const MEDIA_MODES = ['full', 'low', 'audio-only'] as const;
export const MediaModeSchema = z.enum(MEDIA_MODES);
export type MediaMode = z.infer<typeof MediaModeSchema>;

export interface HealthThresholds {
  /** Packet loss above this (percent) makes a site degraded. */
  degradedLossPct: number;
  /** Round-trip time above this (ms) makes a site degraded. */
  degradedRttMs: number;
  /** No media and no heartbeat for this long (ms) makes a site down, at once. */
  downAfterMs: number;
  /** A site is shown degraded (and an alarm raised) only once loss or RTT stayed high this long (ms). */
  degradedAfterMs: number;
  /** A degraded or down site is ok again (its alarm cleared) only after this long (ms) ok without a break. */
  clearAfterMs: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  degradedLossPct: 5,
  degradedRttMs: 400,
  downAfterMs: 2_000,
  degradedAfterMs: 8_000,
  clearAfterMs: 5_000,
};

/** The ICE candidate types a browser's end of a link may be (RTCIceCandidateType). */
export const ICE_CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;

/**
 * The path one of a client's transports takes to the media server, from the selected candidate
 * pair of its RTCPeerConnection: the type and protocol of the local candidate, and for a relay
 * (TURN) candidate the protocol between the browser and the TURN server.
 */
export const IcePathSchema = z.strictObject({
  direction: z.enum(['send', 'recv']),
  candidateType: z.enum(ICE_CANDIDATE_TYPES),
  protocol: z.enum(['udp', 'tcp']),
  relayProtocol: z.enum(['udp', 'tcp', 'tls']).nullable(),
});
export type IcePath = z.infer<typeof IcePathSchema>;
/** A client has a send and a receive transport; a few more paths are room for what comes. */
export const MAX_ICE_PATHS = 4;

/**
 * A link's path as operators read it, best first: straight to the server over UDP or TCP
 * (host, server- or peer-reflexive candidates), or through a TURN relay reached over UDP, TCP
 * or TLS. The later, the more a firewall is in the way (and the more latency and cost).
 */
export const MEDIA_PATHS = ['udp', 'tcp', 'turn-udp', 'turn-tcp', 'turn-tls'] as const;
export type MediaPath = (typeof MEDIA_PATHS)[number];

/** Sent by each client every few seconds (it is also the client's heartbeat). */
export const ClientStatsSchema = z.strictObject({
  /** Bits per second this client sends, all tracks together. */
  outboundBitrate: z.number().nonnegative().max(1e9).nullable(),
  /** The browser's estimate of the bandwidth it may send. */
  availableOutgoingBitrate: z.number().nonnegative().max(1e10).nullable(),
  qualityLimitationReason: z.enum(['none', 'cpu', 'bandwidth', 'other']).nullable(),
  roundTripTimeMs: z.number().nonnegative().max(60_000).nullable(),
  framesDecoded: z.number().int().nonnegative().max(1e12).nullable(),
  framesDropped: z.number().int().nonnegative().max(1e12).nullable(),
  /** Inbound packet loss the client sees, in percent. */
  inboundLossPct: z.number().min(0).max(100).nullable(),
  /**
   * The path of each of its connected transports (none before ICE has selected a pair).
   * Optional: a client of an earlier build does not send it.
   */
  paths: z.array(IcePathSchema).max(MAX_ICE_PATHS).optional(),
});
export type ClientStats = z.infer<typeof ClientStatsSchema>;

export interface ParticipantHealth {
  participantId: string;
  displayName: string;
  connection: 'connected' | 'reconnecting';
  lastHeartbeatAt: number | null;
  client: ClientStats | null;
  /** Server view of what this participant sends. */
  uplinkBitrate: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  score: number | null;
  iceState: string | null;
  dtlsState: string | null;
  /** The worst path of its transports, from its last report (null: not reported, or not connected). */
  path: MediaPath | null;
}

export interface SiteHealth {
  siteId: SiteId;
  name: string;
  /** The status shown and alarmed on: what is measured, through the hysteresis (`trackSite`). */
  status: SiteStatus;
  /** Why the status is not ok: 'loss', 'rtt', 'no_media', 'no_heartbeat', 'never_connected'. */
  reasons: string[];
  /**
   * What the figures say now, before the hysteresis: a site back from a cut is measured ok at
   * once, and keeps its status (down) until it has been ok for the clearing time.
   */
  measured: { status: SiteStatus; reasons: string[] };
  uplinkBitrate: number | null;
  lossPct: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  lastHeardAt: number | null;
  lastMediaAt: number | null;
  lastHeartbeatAt: number | null;
  /** The worst path of its connected participants' links (null: none reported). */
  path: MediaPath | null;
  mediaMode: MediaMode;
  /** Who set the media mode (null while it is `full` by default). */
  mediaModeBy: 'operator' | 'auto' | null;
  participants: ParticipantHealth[];
}

export const AlarmSchema = z.strictObject({
  id: z.string().min(1).max(64),
  siteId: SiteIdSchema,
  siteName: z.string(),
  /** The status that raised the alarm. */
  level: z.enum(['degraded', 'down']),
  reasons: z.array(z.string().max(32)).max(8),
  raisedAt: z.number().int(),
  clearedAt: z.number().int().nullable(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

export interface ServerHealth {
  workers: { pid: number | null; alive: boolean; cpuMs: number | null; memoryKb: number | null; routers: number }[];
  counts: {
    sessions: number;
    rooms: number;
    participants: number;
    transports: number;
    producers: number;
    consumers: number;
  };
  eventLoopLagMs: number;
  redisRttMs: number | null;
}

export interface HealthUpdate {
  at: number;
  sites: SiteHealth[];
  alarms: Alarm[];
  server: ServerHealth;
  autoPolicy: boolean;
  /** The latest alarm records, raised and cleared, newest first (only in the `health:get` reply). */
  history?: Alarm[];
}

export const SetMediaModeSchema = z.strictObject({ siteId: SiteIdSchema, mode: MediaModeSchema });
export const AutoPolicySchema = z.strictObject({ enabled: z.boolean() });
export const ParticipantIdOnlySchema = z.strictObject({ participantId: ParticipantIdSchema });
