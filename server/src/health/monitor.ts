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
} from '@concord/shared';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/rooms.js';
import { system } from '../services/caller.js';
import type { Broadcaster, OwnerGate } from '../services/ports.js';
import type { HealthSampleStore } from '../store/healthSamples.js';
import type { SessionLogs } from '../services/sessionLog.js';
import { computeBoard } from './board.js';
import { mergeSamples, sampleRoom, toNodeSample, type ServerSampler, type SignalBook } from './samplers.js';

/** How often the board is recomputed and pushed to operators. */
export const HEALTH_TICK_MS = 500;
/** A node's published samples outlive a few ticks, no more: a node that stopped is not counted. */
const SAMPLE_TTL_MS = HEALTH_TICK_MS * 4;
/** A degraded site that the automatic policy moved down goes back up after this long at ok. */
const AUTO_RECOVER_MS = 10_000;

/**
 * The alarm loop: twice a second, per session this node serves, it samples the media and
 * the clients' signals, computes the board (a pure function), writes alarm changes and the
 * automatic policy's media modes to the session log, and pushes the board to operators.
 */
export class HealthMonitor {
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private lastServer: ServerHealth | null = null;
  private readonly last = new Map<SessionId, HealthUpdate>();
  private readonly lastSummary = new Map<SessionId, string>();
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

  /** The board as it is now, with the alarm history (for an operator who just joined). */
  async snapshot(sid: SessionId): Promise<HealthUpdate> {
    const log = await this.logs.get(sid);
    const board =
      this.last.get(sid) ?? (await this.compute(log.state, this.lastServer ?? (await this.server.sample(0))));
    return { ...board, history: log.state.alarmLog };
  }

  /**
   * Publishes what this node measured of the session, and computes the board from every
   * node's latest samples (each participant is measured by the node it is connected through).
   */
  private async compute(state: SessionState, server: ServerHealth): Promise<HealthUpdate> {
    const sid = state.session.id;
    const now = this.now();
    const mine = this.signals.of(sid);
    const media = await sampleRoom(await this.rooms.peek(sid), mine, now);
    await this.samples.publish(sid, this.nodeId, toNodeSample(mine, media, now), SAMPLE_TTL_MS);
    const nodes = new Set([this.nodeId, ...Object.values(state.presence)]);
    const merged = mergeSamples(await this.samples.read(sid, [...nodes]));
    return computeBoard({ state, ...merged, server, thresholds: this.thresholds, now });
  }

  /**
   * Every node computes the boards of the sessions it serves; the node that runs a session
   * writes its alarm changes and automatic media modes (under its fence) and pushes the board
   * to the operators, wherever they are connected.
   */
  async tick(): Promise<void> {
    const sids = [...new Set([...this.signals.ids(), ...this.owner.owned()])];
    const server = await this.server.sample(sids.length);
    this.lastServer = server;
    for (const sid of sids) {
      const log = await this.logs.find(sid).catch(() => null);
      if (log === null || log.state.session.status === 'closed') {
        this.signals.forget(sid);
        this.last.delete(sid);
        continue;
      }
      const update = await this.compute(log.state, server);
      this.last.set(sid, update);
      const fence = this.owner.fence(sid);
      if (fence === null) {
        continue;
      }
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
      update.alarms = Object.values(log.state.alarms);
      this.broadcast.send({ to: 'operators', sessionId: sid }, 'health:update', update);
      const summary = update.sites.map((x) => ({ siteId: x.siteId, status: x.status, reasons: x.reasons }));
      const key = JSON.stringify(summary);
      if (key !== this.lastSummary.get(sid)) {
        this.lastSummary.set(sid, key);
        this.broadcast.send({ to: 'session', sessionId: sid }, 'health:summary', { sites: summary });
      }
      if (log.state.autoPolicy) {
        await this.autoPolicy(sid, log.state, update, fence);
      }
    }
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
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.server.close();
  }
}

const newAlarmId = (): string => `alm_${randomBytes(6).toString('base64url')}`;
