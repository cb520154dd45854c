import {
  mediaPathOf,
  siteStatus,
  trackFromAlarm,
  trackSite,
  worstPath,
  type Alarm,
  type ClientStats,
  type HealthThresholds,
  type HealthUpdate,
  type ParticipantHealth,
  type ServerHealth,
  type SessionState,
  type SiteHealth,
  type SiteTrack,
} from '@concord/shared';

// The operators' board as a pure function of what was measured: no clock of its own, no
// I/O. The monitor gathers the samples; tests feed them directly.

/** What the media server says about one participant's link. */
export type PeerSample = Omit<ParticipantHealth, 'displayName' | 'connection' | 'lastHeartbeatAt' | 'client' | 'path'>;

/** What was heard from a session's participants and sites, by the monitor. */
export interface Signals {
  /** Sites anyone of which ever connected in this session. */
  everConnected: ReadonlySet<string>;
  heartbeats: ReadonlyMap<string, number>;
  clientStats: ReadonlyMap<string, ClientStats>;
  /** Per site: the last time any of its participants' transports received bytes (RTP, RTCP, ICE). */
  lastMedia: ReadonlyMap<string, number>;
  /** Per site: the last time its audio was above the loudness threshold. */
  lastHeard: ReadonlyMap<string, number>;
}

export interface BoardInput {
  state: SessionState;
  signals: Signals;
  media: ReadonlyMap<string, PeerSample>;
  server: ServerHealth;
  thresholds: HealthThresholds;
  now: number;
  /** Each site's track at the previous tick; a site without one starts from its open alarm, or ok. */
  tracks?: ReadonlyMap<string, SiteTrack>;
}

export interface Board {
  update: HealthUpdate;
  /** Each site's track now, for the next tick. */
  tracks: Map<string, SiteTrack>;
}

const known = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
export const maxOf = (xs: (number | null)[]): number | null => {
  const v = known(xs);
  return v.length === 0 ? null : Math.max(...v);
};
export const sumOf = (xs: (number | null)[]): number | null => {
  const v = known(xs);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0);
};

function participantHealth(input: BoardInput, siteId: string): ParticipantHealth[] {
  const { state, signals, media } = input;
  return Object.values(state.participants)
    .filter((p) => p.siteId === siteId)
    .map((p) => {
      const m = media.get(p.id);
      // A participant who dropped keeps its place, but its last report no longer describes the link.
      const client = p.connection === 'connected' ? (signals.clientStats.get(p.id) ?? null) : null;
      return {
        participantId: p.id,
        displayName: p.displayName,
        connection: p.connection,
        lastHeartbeatAt: signals.heartbeats.get(p.id) ?? null,
        client,
        uplinkBitrate: m?.uplinkBitrate ?? client?.outboundBitrate ?? null,
        lossPct: maxOf([m?.lossPct ?? null, client?.inboundLossPct ?? null]),
        jitterMs: m?.jitterMs ?? null,
        rttMs: maxOf([m?.rttMs ?? null, client?.roundTripTimeMs ?? null]),
        score: m?.score ?? null,
        iceState: m?.iceState ?? null,
        dtlsState: m?.dtlsState ?? null,
        path: worstPath((client?.paths ?? []).map(mediaPathOf)),
      };
    });
}

/**
 * One tile per site: its status by the shared rules (what is measured now, through the
 * hysteresis of its track), and the figures behind it.
 */
export function computeBoard(input: BoardInput): Board {
  const { state, signals, thresholds, now } = input;
  const tracks = new Map<string, SiteTrack>();
  const sites: SiteHealth[] = state.session.sites.map((site) => {
    const people = participantHealth(input, site.id);
    const sample = {
      everConnected: signals.everConnected.has(site.id),
      lastHeartbeatAt: maxOf(people.map((p) => p.lastHeartbeatAt)),
      lastMediaAt: signals.lastMedia.get(site.id) ?? null,
      lossPct: maxOf(people.map((p) => p.lossPct)),
      rttMs: maxOf(people.map((p) => p.rttMs)),
    };
    const open = state.alarms[site.id];
    const prev = input.tracks?.get(site.id) ?? (open ? trackFromAlarm(open) : null);
    const measured = siteStatus(sample, thresholds, now);
    const track = trackSite(prev, measured, thresholds, now);
    tracks.set(site.id, track);
    const mode = state.mediaModes[site.id];
    return {
      siteId: site.id,
      name: site.name,
      status: track.status,
      reasons: track.reasons,
      measured,
      uplinkBitrate: sumOf(people.map((p) => p.uplinkBitrate)),
      lossPct: sample.lossPct,
      rttMs: sample.rttMs,
      jitterMs: maxOf(people.map((p) => p.jitterMs)),
      lastHeardAt: signals.lastHeard.get(site.id) ?? null,
      lastMediaAt: sample.lastMediaAt,
      lastHeartbeatAt: sample.lastHeartbeatAt,
      path: worstPath(people.filter((p) => p.connection === 'connected').map((p) => p.path)),
      mediaMode: mode?.mode ?? 'full',
      mediaModeBy: mode?.by ?? null,
      participants: people,
    };
  });
  const alarms: Alarm[] = Object.values(state.alarms);
  return { update: { at: now, sites, alarms, server: input.server, autoPolicy: state.autoPolicy }, tracks };
}
