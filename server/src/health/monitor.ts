import { randomBytes } from 'node:crypto';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  updateAlarms,
  type HealthThresholds,
  type HealthUpdate,
  type LogChange,
  type MediaMode,
  type ServerHealth,
  type SessionId,
  type SessionState,
  type SiteId,
  type SiteTrack,
} from '@concord/shared';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/rooms.js';
import { system } from '../services/caller.js';
import type { Broadcaster, OwnerGate } from '../services/ports.js';
import type { HealthSampleStore, NodeHealthSample } from '../store/healthSamples.js';
import type { SessionLog, SessionLogs } from '../services/sessionLog.js';
import { computeBoard, type Board } from './board.js';
import { mergeSamples, probeLinks, sampleRoom, toNodeSample, type ServerSampler, type SignalBook } from './samplers.js';

/**
 * How often the links are probed and every site's status and alarms decided. A cut is seen at
 * the first tick after the down threshold, so detection takes the threshold plus at most this.
 */
export const HEALTH_TICK_MS = 250;
/** How often the board goes to operators while no site changes status (a change goes at once). */
export const HEALTH_PUSH_MS = 500;
/** How often the costly figures are read: every producer's stats and one consumer's per participant (its RTT), the server's own. */
export const HEALTH_STATS_MS = 1_000;
/** A node's published samples live this long: a node that stopped publishing is not counted after it. */
const SAMPLE_TTL_MS = 3_000;
/** A degraded site that the automatic policy moved down goes back up after this long at ok. */
const AUTO_RECOVER_MS = 10_000;

/** The server's figures before the first stats round. */
const NO_SERVER_FIGURES: ServerHealth = {
  workers: [],
  counts: { sessions: 0, rooms: 0, participants: 0, transports: 0, producers: 0, consumers: 0 },
  eventLoopLagMs: 0,
  redisRttMs: null,
};

/**
 * The alarm loop. Four times a second, per session this node serves, it probes the links
 * (cheap: transport byte counters and ICE states), merges what every node heard (heartbeats,
 * media, client reports), computes the board (a pure function, with each site's hysteresis),
 * pushes it to operators, and writes alarm changes and the automatic policy's media modes to
 * the session log. The costly figures (loss, jitter, RTT, bitrate: every producer's and
 * one consumer's stats per participant) are read once a second by a loop of their own, so a large or loaded room
 * slows the numbers, never the alarm.
 */
export class HealthMonitor {
  private tickTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private sampling = false;
  private lastServer: ServerHealth | null = null;
  private readonly last = new Map<SessionId, HealthUpdate>();
  /** Per session, each site's shown status and its hysteresis timers. */
  private readonly tracks = new Map<SessionId, Map<string, SiteTrack>>();
  private readonly pushedAt = new Map<SessionId, number>();
  private readonly lastSummary = new Map<SessionId, string>();
  /** Sessions whose alarm write is still in the log's queue: the next one waits for it. */
  private readonly writing = new Set<SessionId>();
  private readonly publishing = new Set<SessionId>();
  /** Per session, the other nodes that held a participant lately, and when. */
  private readonly nodesSeen = new Map<SessionId, Map<string, number>>();
  /** Per session and site: since when an auto-lowered site has been ok again. */
  private readonly okSince = new Map<string, number>();

  constructor(
    private readonly logs: SessionLogs,
    private readonly rooms: RoomRegistry,
    private readonly signals: SignalBook,
    private readonly server: ServerSampler,
    private readonly samples: HealthSampleStore,
    private readonly owner: OwnerGate,
    private readonly nodeId: string,
    private readonly broadcast: Broadcaster,
    private readonly log: Logger,
    private readonly thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    // Each tick is scheduled when the previous one ends: a slow tick is not stacked on itself.
    const loop = () => {
      const started = performance.now();
      this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'health tick failed'))
        .finally(() => {
          if (!this.stopped) {
            this.tickTimer = setTimeout(loop, Math.max(0, HEALTH_TICK_MS - (performance.now() - started)));
            this.tickTimer.unref();
          }
        });
    };
    this.tickTimer = setTimeout(loop, HEALTH_TICK_MS);
    this.tickTimer.unref();
    this.statsTimer = setInterval(() => void this.sampleFigures(), HEALTH_STATS_MS);
    this.statsTimer.unref();
    void this.sampleFigures();
  }

  /** The board as it is now, with the alarm history (for an operator who just joined). */
  async snapshot(sid: SessionId): Promise<HealthUpdate> {
    const log = await this.logs.get(sid);
    const board = this.last.get(sid) ?? (await this.compute(sid, this.now())).update;
    return { ...board, history: log.state.alarmLog };
  }

  private sessionIds(): SessionId[] {
    return [...new Set([...this.signals.ids(), ...this.owner.owned()])];
  }

  /**
   * Publishes what this node measured of the session, and computes the board from every
   * node's latest samples (each participant is measured by the node it is connected through).
   */
  private async compute(sid: SessionId, now: number): Promise<Board> {
    const mine = this.signals.of(sid);
    const media = await probeLinks(await this.rooms.peek(sid), mine, now);
    const sample = toNodeSample(mine, media, now);
    const state = (await this.logs.get(sid)).state;
    const others = this.otherNodes(sid, state, now);
    this.publish(sid, sample);
    const theirs = others.length === 0 ? [] : await this.samples.read(sid, others);
    const merged = mergeSamples([sample, ...theirs], now);
    return computeBoard({
      state,
      ...merged,
      server: this.lastServer ?? NO_SERVER_FIGURES,
      thresholds: this.thresholds,
      now,
      tracks: this.tracks.get(sid),
    });
  }

  /**
   * The other nodes whose samples count: those holding a participant now, and those that did
   * a moment ago. A participant whose socket dropped leaves the presence at once, but its
   * media may still flow through its node, and its last signs of life are there.
   */
  private otherNodes(sid: SessionId, state: SessionState, now: number): string[] {
    let seen = this.nodesSeen.get(sid);
    if (seen === undefined) {
      seen = new Map();
      this.nodesSeen.set(sid, seen);
    }
    for (const node of Object.values(state.presence)) {
      seen.set(node, now);
    }
    for (const [node, at] of seen) {
      if (node === this.nodeId || now - at > SAMPLE_TTL_MS) {
        seen.delete(node);
      }
    }
    return [...seen.keys()];
  }

  /**
   * For the other nodes of the session. Not waited for: a slow Redis must not hold this node's
   * board back; a sample still on its way is not followed by another.
   */
  private publish(sid: SessionId, sample: NodeHealthSample): void {
    if (this.publishing.has(sid)) {
      return;
    }
    this.publishing.add(sid);
    this.samples
      .publish(sid, this.nodeId, sample, SAMPLE_TTL_MS)
      .catch((err: unknown) => this.log.warn({ err, sessionId: sid }, 'could not publish the health sample'))
      .finally(() => this.publishing.delete(sid));
  }

  /**
   * Every node computes the boards of the sessions it serves, all sessions at once; the node
   * that runs a session pushes its board to the operators, wherever they are connected, and
   * writes its alarm changes and automatic media modes (under its fence).
   */
  async tick(): Promise<void> {
    // After a stall of the event loop the timers run before the I/O that waited meanwhile: let
    // the packets that came during the stall (heartbeats) be read first, or the stall would
    // pass for the sites' silence.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(
      this.sessionIds().map((sid) =>
        this.tickSession(sid).catch((err: unknown) =>
          this.log.error({ err, sessionId: sid }, 'health tick failed for a session'),
        ),
      ),
    );
  }

  private async tickSession(sid: SessionId): Promise<void> {
    const log = await this.logs.find(sid).catch(() => null);
    if (log === null || log.state.session.status === 'closed') {
      this.forget(sid);
      return;
    }
    const now = this.now();
    const { update, tracks } = await this.compute(sid, now);
    this.last.set(sid, update);
    this.tracks.set(sid, tracks);
    const fence = this.owner.fence(sid);
    if (fence === null) {
      return;
    }
    // The board goes first: an alarm's entry waits its turn in the session's log, the tile does not.
    const summary = update.sites.map((x) => ({ siteId: x.siteId, status: x.status, reasons: x.reasons }));
    const key = JSON.stringify(summary);
    const changed = key !== this.lastSummary.get(sid);
    if (changed || now - (this.pushedAt.get(sid) ?? 0) >= HEALTH_PUSH_MS) {
      this.pushedAt.set(sid, now);
      this.broadcast.send({ to: 'operators', sessionId: sid }, 'health:update', update);
    }
    if (changed) {
      this.lastSummary.set(sid, key);
      this.broadcast.send({ to: 'session', sessionId: sid }, 'health:summary', { sites: summary });
    }
    if (this.writing.has(sid)) {
      return; // the next tick decides again, from the state that write leaves
    }
    this.writing.add(sid);
    this.write(log, update, fence)
      .catch((err: unknown) => this.log.warn({ err, sessionId: sid }, 'could not write the alarms'))
      .finally(() => this.writing.delete(sid));
  }

  /** The alarm changes the shown statuses call for, and the automatic policy's moves. */
  private async write(log: SessionLog, update: HealthUpdate, fence: number): Promise<void> {
    const sid = log.state.session.id;
    const statuses = update.sites.map((x) => ({ ...x, siteName: x.name }));
    const changed = await log.change(
      system('health'),
      (state) => {
        const { raised, cleared } = updateAlarms(Object.values(state.alarms), statuses, update.at, newAlarmId);
        const changes: LogChange[] = [
          ...cleared.map((alarm): LogChange => ({ type: 'alarm.cleared', payload: { alarm } })),
          ...raised.map((alarm): LogChange => ({ type: 'alarm.raised', payload: { alarm } })),
        ];
        return { changes, result: [...cleared, ...raised] };
      },
      { fence },
    );
    for (const alarm of changed) {
      this.log[alarm.clearedAt === null ? 'warn' : 'info'](
        { sessionId: sid, siteId: alarm.siteId, level: alarm.level, reasons: alarm.reasons },
        alarm.clearedAt === null ? 'site alarm raised' : 'site alarm cleared',
      );
    }
    if (log.state.autoPolicy) {
      await this.autoPolicy(sid, log.state, update, fence);
    }
  }

  /** The costly figures of every session this node serves, and the server's; never two rounds at once. */
  private async sampleFigures(): Promise<void> {
    if (this.sampling || this.stopped) {
      return;
    }
    this.sampling = true;
    try {
      const sids = this.sessionIds();
      this.lastServer = await this.server.sample(sids.length);
      for (const sid of sids) {
        await sampleRoom(await this.rooms.peek(sid), this.signals.of(sid));
      }
    } catch (err) {
      this.log.warn({ err }, 'health figures round failed');
    } finally {
      this.sampling = false;
    }
  }

  private forget(sid: SessionId): void {
    this.signals.forget(sid);
    this.last.delete(sid);
    this.tracks.delete(sid);
    this.pushedAt.delete(sid);
    this.lastSummary.delete(sid);
    this.nodesSeen.delete(sid);
  }

  /** Degraded sites go to the lowest layer; after a while at ok they come back. */
  private async autoPolicy(sid: SessionId, state: SessionState, update: HealthUpdate, fence: number): Promise<void> {
    const moves: { siteId: SiteId; mode: MediaMode }[] = [];
    for (const site of update.sites) {
      const siteId = site.siteId;
      const current = state.mediaModes[siteId];
      const key = `${sid}/${siteId}`;
      if (site.status === 'degraded' && (current === undefined || current.mode === 'full')) {
        moves.push({ siteId, mode: 'low' });
      } else if (site.status === 'ok' && current?.by === 'auto' && current.mode !== 'full') {
        const since = this.okSince.get(key) ?? update.at;
        this.okSince.set(key, since);
        if (update.at - since >= AUTO_RECOVER_MS) {
          this.okSince.delete(key);
          moves.push({ siteId, mode: 'full' });
        }
      } else {
        this.okSince.delete(key);
      }
    }
    if (moves.length > 0) {
      const log = await this.logs.get(sid);
      await log.change(
        system('health'),
        () => ({
          changes: moves.map(({ siteId, mode }): LogChange => ({
            type: 'media.mode',
            payload: { siteId, mode, by: 'auto' },
          })),
          result: null,
        }),
        { fence },
      );
    }
  }

  /** Everything the metrics endpoint reports, from the last tick. */
  metricsView(): { server: ServerHealth | null; sessions: { sessionId: SessionId; update: HealthUpdate | null }[] } {
    return {
      server: this.lastServer,
      sessions: [...this.last.keys()].map((sessionId) => ({ sessionId, update: this.last.get(sessionId) ?? null })),
    };
  }

  close(): void {
    this.stopped = true;
    if (this.tickTimer) {
      clearTimeout(this.tickTimer);
      this.tickTimer = null;
    }
    if (this.statsTimer) {
      clearInterval(this.statsTimer);
      this.statsTimer = null;
    }
    this.server.close();
  }
}

const newAlarmId = (): string => `alm_${randomBytes(6).toString('base64url')}`;
