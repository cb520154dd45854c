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
  /** No media and no heartbeat for this long (ms) makes a site down. */
  downAfterMs: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  degradedLossPct: 5,
  degradedRttMs: 400,
  downAfterMs: 5_000,
};

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
}

export interface SiteHealth {
  siteId: SiteId;
  name: string;
  status: SiteStatus;
  /** Why the status is not ok: 'loss', 'rtt', 'no_media', 'no_heartbeat', 'never_connected'. */
  reasons: string[];
  uplinkBitrate: number | null;
  lossPct: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  lastHeardAt: number | null;
  lastMediaAt: number | null;
  lastHeartbeatAt: number | null;
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
