import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  lossPercent,
  siteStatus,
  updateAlarms,
  type Alarm,
  type ClientStats,
  type HealthThresholds,
  type HealthUpdate,
  type MediaMode,
  type ParticipantHealth,
  type ParticipantId,
  type ServerHealth,
  type Session,
  type SessionId,
  type SiteHealth,
  type SiteId,
} from '@concord/shared';
import type { Logger } from '../logger.js';
import type { Peer } from '../media/peer.js';
import type { RoomRegistry } from '../media/rooms.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { AlarmStore } from '../store/alarmStore.js';
import type { SessionStore } from '../store/sessionStore.js';
import type { ConcordServer } from '../signaling/types.js';
import { chairRoom, operatorsRoom, sessionRoom, siteRoom } from '../signaling/types.js';
import type { Health } from './health.js';

/** Sampling interval of the event-loop delay histogram (which records whole intervals). */
const LOOP_DELAY_RESOLUTION_MS = 20;
/** How often the board is recomputed and pushed to operators. */
export const HEALTH_TICK_MS = 500;
/** A degraded site that the automatic policy moved down goes back up after this long at ok. */
const AUTO_RECOVER_MS = 10_000;
/** The highest simulcast layer the client publishes (three encodings: 0, 1, 2). */
const TOP_LAYER = 2;

/** What the media server says about one participant's link. */
type PeerSample = Omit<ParticipantHealth, 'displayName' | 'connection' | 'lastHeartbeatAt' | 'client'>;

interface Counters {
  bytes: number;
  lost: number;
  received: number;
}

interface SessionState {
  everConnected: Set<string>;
  heartbeats: Map<ParticipantId, number>;
  clientStats: Map<ParticipantId, ClientStats>;
  lastMedia: Map<string, number>;
  lastHeard: Map<string, number>;
  counters: Map<string, Counters>;
  openAlarms: Alarm[];
  modes: Map<string, { mode: MediaMode; by: 'operator' | 'auto'; okSince: number | null }>;
  autoPolicy: boolean;
  lastSummary: string;
  last: HealthUpdate | null;
}

const newState = (): SessionState => ({
  everConnected: new Set(),
  heartbeats: new Map(),
  clientStats: new Map(),
  lastMedia: new Map(),
  lastHeard: new Map(),
  counters: new Map(),
  openAlarms: [],
  modes: new Map(),
  autoPolicy: false,
  lastSummary: '',
  last: null,
});

const maxOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : Math.max(...v);
};
const sumOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0);
};

/**
 * The operators' view: every second, per site, what the media server and the clients
 * say about the connection; the pure rules turn it into ok / degraded / down and alarms.
 */
export class HealthMonitor {
  private readonly sessions = new Map<SessionId, SessionState>();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private lastServer: ServerHealth | null = null;

  constructor(
    private readonly io: ConcordServer,
    private readonly store: SessionStore,
    private readonly rooms: RoomRegistry,
    private readonly pool: WorkerPool,
    private readonly health: Health,
    private readonly alarms: AlarmStore,
    private readonly log: Logger,
    private readonly thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.loopDelay.enable();
    this.timer = setInterval(() => {
      if (this.ticking) {
        return; // a slow tick is not stacked on itself
      }
      this.ticking = true;
      this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'health tick failed'))
        .finally(() => (this.ticking = false));
    }, HEALTH_TICK_MS);
    this.timer.unref();
  }

  private state(sid: SessionId): SessionState {
    let s = this.sessions.get(sid);
    if (!s) {
      s = newState();
      this.sessions.set(sid, s);
      void this.alarms.open(sid).then((open) => {
        s!.openAlarms = open;
      });
    }
    return s;
  }

  /** A sign of life from a participant (its stats report, or its joining). */
  heartbeat(sid: SessionId, pid: ParticipantId, siteId: SiteId | null): void {
    const s = this.state(sid);
    s.heartbeats.set(pid, this.now());
    if (siteId !== null) {
      s.everConnected.add(siteId);
    }
  }

  report(sid: SessionId, pid: ParticipantId, siteId: SiteId | null, stats: ClientStats): void {
    this.heartbeat(sid, pid, siteId);
    this.state(sid).clientStats.set(pid, stats);
  }

  /** Audio above the threshold was heard from a site. */
  heard(sid: SessionId, siteId: SiteId | null): void {
    if (siteId !== null) {
      this.state(sid).lastHeard.set(siteId, this.now());
    }
  }

  forget(sid: SessionId, pid: ParticipantId): void {
    const s = this.sessions.get(sid);
    s?.heartbeats.delete(pid);
    s?.clientStats.delete(pid);
  }

  modeOf(sid: SessionId, siteId: SiteId | null): MediaMode {
    return siteId === null ? 'full' : (this.sessions.get(sid)?.modes.get(siteId)?.mode ?? 'full');
  }

  setAutoPolicy(sid: SessionId, enabled: boolean): void {
    this.state(sid).autoPolicy = enabled;
  }

  /** The board as it is now, with the alarm history (for an operator who just joined). */
  async snapshot(sid: SessionId): Promise<HealthUpdate> {
    const s = this.state(sid);
    const board = s.last ?? this.compute(await this.store.require(sid), s, await this.serverHealth());
    return { ...board, history: await this.alarms.log(sid) };
  }

  /** Moves a site's video down (lowest layer, or none) or back to full, on both directions of its link. */
  async setMediaMode(sid: SessionId, siteId: SiteId, mode: MediaMode, by: 'operator' | 'auto'): Promise<void> {
    const s = this.state(sid);
    s.modes.set(siteId, { mode, by, okSince: null });
    this.io.to(siteRoom(sid, siteId)).emit('media:mode', { mode, by });
    const room = await this.rooms.peek(sid);
    for (const peer of room?.openPeers().filter((p) => p.siteId === siteId) ?? []) {
      for (const c of peer.consumers.values()) {
        if (c.kind === 'video') {
          await applyModeToConsumer(c, mode);
        }
      }
    }
    this.log.info({ sessionId: sid, siteId, mode, by }, 'site media mode changed');
  }

  private async serverHealth(): Promise<ServerHealth> {
    const [workers, redisRtt, rooms] = await Promise.all([
      this.pool.status(),
      this.health.redisLatency(),
      this.rooms.all(),
    ]);
    const usage = await Promise.all(
      this.pool.workers.map(async (w) => {
        const u = await w.getResourceUsage().catch(() => null);
        return { pid: w.pid, u };
      }),
    );
    const counts = {
      sessions: this.sessions.size,
      rooms: rooms.length,
      participants: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
    };
    for (const r of rooms) {
      const c = r.counts();
      counts.participants += c.peers;
      counts.transports += c.transports;
      counts.producers += c.producers;
      counts.consumers += c.consumers;
    }
    // The histogram records the time between samples; the lag is what exceeds the interval.
    const lag = Math.max(0, this.loopDelay.mean / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    this.loopDelay.reset();
    return {
      workers: workers.map((w) => {
        const u = usage.find((x) => x.pid === w.pid)?.u ?? null;
        return {
          pid: w.pid,
          alive: w.alive,
          routers: w.routers,
          cpuMs: u ? u.ru_utime + u.ru_stime : null,
          memoryKb: u ? u.ru_maxrss : null,
        };
      }),
      counts,
      eventLoopLagMs: Number.isFinite(lag) ? Math.round(lag * 100) / 100 : 0,
      redisRttMs: redisRtt,
    };
  }

  /** Reads every producer's and consumer's stats of the session's room into per-peer numbers. */
  private async sampleMedia(sid: SessionId, s: SessionState): Promise<Map<ParticipantId, PeerSample>> {
    const out = new Map<ParticipantId, PeerSample>();
    const room = await this.rooms.peek(sid);
    const now = this.now();
    for (const peer of room?.openPeers() ?? []) {
      out.set(peer.participantId, await this.samplePeer(peer, s, now));
    }
    return out;
  }

  private async samplePeer(peer: Peer, s: SessionState, now: number): Promise<PeerSample> {
    let bitrate: number | null = null;
    const losses: (number | null)[] = [];
    const jitters: (number | null)[] = [];
    const scores: number[] = [];
    for (const p of peer.producers.values()) {
      const stats = (await p.getStats().catch(() => [])).filter((x) => x.type === 'inbound-rtp');
      const cur = stats.reduce<Counters>(
        (a, x) => ({
          bytes: a.bytes + x.byteCount,
          lost: a.lost + x.packetsLost,
          received: a.received + x.packetCount,
        }),
        { bytes: 0, lost: 0, received: 0 },
      );
      const prev = s.counters.get(p.id) ?? null;
      if (prev !== null && cur.bytes > prev.bytes && peer.siteId !== null) {
        s.lastMedia.set(peer.siteId, now);
      }
      losses.push(lossPercent(prev, cur));
      s.counters.set(p.id, cur);
      bitrate = (bitrate ?? 0) + stats.reduce((a, x) => a + x.bitrate, 0);
      // mediasoup reports jitter in RTP timestamp units; convert with the codec clock rate.
      const clock = p.rtpParameters.codecs[0]?.clockRate ?? 90000;
      jitters.push(maxOf(stats.map((x) => (x.jitter * 1000) / clock)));
      scores.push(...p.score.map((x) => x.score));
    }
    const rtts: (number | null)[] = [];
    for (const c of peer.consumers.values()) {
      const stats = await c.getStats().catch(() => []);
      rtts.push(maxOf(stats.map((x) => (x.type === 'outbound-rtp' ? (x.roundTripTime ?? null) : null))));
    }
    const transports = [...peer.transports.values()];
    return {
      participantId: peer.participantId,
      uplinkBitrate: bitrate,
      lossPct: maxOf(losses),
      jitterMs: maxOf(jitters),
      rttMs: maxOf(rtts),
      score: scores.length ? Math.min(...scores) : null,
      iceState: transports[0]?.iceState ?? null,
      dtlsState: transports[0]?.dtlsState ?? null,
    };
  }

  private compute(
    session: Session,
    s: SessionState,
    server: ServerHealth,
    media = new Map<ParticipantId, PeerSample>(),
    participants: Awaited<ReturnType<SessionStore['listParticipants']>> = [],
  ): HealthUpdate {
    const now = this.now();
    const sites: SiteHealth[] = session.sites.map((site) => {
      const people: ParticipantHealth[] = participants
        .filter((p) => p.siteId === site.id)
        .map((p) => {
          const m = media.get(p.id);
          // A participant who dropped keeps its place, but its last report no longer describes the link.
          const client = p.connection === 'connected' ? (s.clientStats.get(p.id) ?? null) : null;
          return {
            participantId: p.id,
            displayName: p.displayName,
            connection: p.connection,
            lastHeartbeatAt: s.heartbeats.get(p.id) ?? null,
            client,
            uplinkBitrate: m?.uplinkBitrate ?? client?.outboundBitrate ?? null,
            lossPct: maxOf([m?.lossPct ?? null, client?.inboundLossPct ?? null]),
            jitterMs: m?.jitterMs ?? null,
            rttMs: maxOf([m?.rttMs ?? null, client?.roundTripTimeMs ?? null]),
            score: m?.score ?? null,
            iceState: m?.iceState ?? null,
            dtlsState: m?.dtlsState ?? null,
          };
        });
      const sample = {
        everConnected: s.everConnected.has(site.id),
        lastHeartbeatAt: maxOf(people.map((p) => p.lastHeartbeatAt)),
        lastMediaAt: s.lastMedia.get(site.id) ?? null,
        lossPct: maxOf(people.map((p) => p.lossPct)),
        rttMs: maxOf(people.map((p) => p.rttMs)),
      };
      const { status, reasons } = siteStatus(sample, this.thresholds, now);
      return {
        siteId: site.id,
        name: site.name,
        status,
        reasons,
        uplinkBitrate: sumOf(people.map((p) => p.uplinkBitrate)),
        lossPct: sample.lossPct,
        rttMs: sample.rttMs,
        jitterMs: maxOf(people.map((p) => p.jitterMs)),
        lastHeardAt: s.lastHeard.get(site.id) ?? null,
        lastMediaAt: sample.lastMediaAt,
        lastHeartbeatAt: sample.lastHeartbeatAt,
        mediaMode: s.modes.get(site.id)?.mode ?? 'full',
        mediaModeBy: s.modes.get(site.id)?.by ?? null,
        participants: people,
      };
    });
    return { at: now, sites, alarms: s.openAlarms, server, autoPolicy: s.autoPolicy };
  }

  /** Recomputes every watched session, records alarm changes and pushes the board. */
  async tick(): Promise<void> {
    const server = await this.serverHealth();
    this.lastServer = server;
    for (const [sid, s] of this.sessions) {
      const session = await this.store.get(sid);
      if (!session || session.status === 'closed') {
        this.sessions.delete(sid);
        continue;
      }
      const [media, participants] = await Promise.all([this.sampleMedia(sid, s), this.store.listParticipants(sid)]);
      const update = this.compute(session, s, server, media, participants);
      const changes = updateAlarms(
        s.openAlarms,
        update.sites.map((x) => ({ ...x, siteName: x.name })),
        update.at,
        () => `alm_${randomBytes(6).toString('base64url')}`,
      );
      s.openAlarms = changes.open;
      update.alarms = changes.open;
      s.last = update;
      await this.alarms.record(sid, changes.raised, changes.cleared);
      for (const alarm of [...changes.cleared, ...changes.raised]) {
        this.log[alarm.clearedAt === null ? 'warn' : 'info'](
          { sessionId: sid, siteId: alarm.siteId, level: alarm.level, reasons: alarm.reasons },
          alarm.clearedAt === null ? 'site alarm raised' : 'site alarm cleared',
        );
        this.io.to([operatorsRoom(sid), chairRoom(sid)]).emit('health:alarm', { alarm });
      }
      this.io.to(operatorsRoom(sid)).emit('health:update', update);
      const summary = update.sites.map((x) => ({ siteId: x.siteId, status: x.status, reasons: x.reasons }));
      const key = JSON.stringify(summary);
      if (key !== s.lastSummary) {
        s.lastSummary = key;
        this.io.to(sessionRoom(sid)).emit('health:summary', { sites: summary });
      }
      if (s.autoPolicy) {
        await this.autoPolicy(sid, s, update);
      }
    }
  }

  /** Degraded sites go to the lowest layer; after a while at ok they come back. */
  private async autoPolicy(sid: SessionId, s: SessionState, update: HealthUpdate): Promise<void> {
    for (const site of update.sites) {
      const current = s.modes.get(site.siteId);
      const siteId = site.siteId as SiteId;
      if (site.status === 'degraded' && (current === undefined || current.mode === 'full')) {
        await this.setMediaMode(sid, siteId, 'low', 'auto');
      } else if (site.status === 'ok' && current?.by === 'auto' && current.mode !== 'full') {
        current.okSince ??= update.at;
        if (update.at - current.okSince >= AUTO_RECOVER_MS) {
          await this.setMediaMode(sid, siteId, 'full', 'auto');
        }
      } else if (current) {
        current.okSince = null;
      }
    }
  }

  /** Everything the metrics endpoint reports, from the last tick. */
  metricsView(): { server: ServerHealth | null; sessions: { sessionId: SessionId; update: HealthUpdate | null }[] } {
    return {
      server: this.lastServer,
      sessions: [...this.sessions].map(([sessionId, s]) => ({ sessionId, update: s.last })),
    };
  }

  close(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.loopDelay.disable();
  }
}

/** What a media mode means for one video consumer of the site. */
export async function applyModeToConsumer(c: types.Consumer, mode: MediaMode): Promise<void> {
  switch (mode) {
    case 'audio-only':
      await c.pause();
      return;
    case 'low':
      await c.resume();
      if (c.type === 'simulcast' || c.type === 'svc') {
        await c.setPreferredLayers({ spatialLayer: 0, temporalLayer: 0 });
      }
      return;
    case 'full':
      await c.resume();
      if (c.type === 'simulcast' || c.type === 'svc') {
        await c.setPreferredLayers({ spatialLayer: TOP_LAYER, temporalLayer: TOP_LAYER });
      }
      return;
  }
}
