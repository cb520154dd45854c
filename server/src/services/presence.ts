import type { LogEntry, ParticipantId, SessionId, SessionState } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { NodeRegistry } from '../store/nodes.js';
import type { SessionLogs } from './sessionLog.js';
import type { SessionService } from './sessions.js';

/** How often this node says it is alive, and how long that stays true without a renewal. */
export const NODE_BEAT_MS = 1_000;
export const NODE_TTL_MS = 3_000;
/** How often participants held by nodes that are no longer alive are looked for. */
const SWEEP_MS = 2_000;

/**
 * Presence over time: a dropped place ends when the reconnect grace runs out, and a place
 * held by a node that died is treated like a dropped connection. Participants held by
 * another live node are never touched. (Decisions are checked on the log's state, so two
 * nodes doing this at once write each change once.)
 */
export class PresenceClock {
  private readonly timers = new Map<ParticipantId, NodeJS.Timeout>();
  private beatTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logs: SessionLogs,
    private readonly sessions: SessionService,
    private readonly nodes: NodeRegistry,
    private readonly nodeId: string,
    private readonly nodeInfo: Record<string, string>,
    private readonly graceMs: number,
    private readonly log: Logger,
  ) {}

  /** Entry listener: starts the grace when a place drops, stops it when the place is taken back or ends. */
  readonly onEntry = (entry: LogEntry, _before: SessionState | null, after: SessionState): void => {
    switch (entry.type) {
      case 'participant.dropped':
        this.startGrace(after.session.id, entry.payload.participantId);
        return;
      case 'participant.returned':
      case 'participant.left':
      case 'participant.removed':
        this.cancel(entry.payload.participantId);
        return;
      case 'participant.joined':
        this.cancel(entry.payload.participant.id);
        return;
      default:
        return;
    }
  };

  private startGrace(sid: SessionId, pid: ParticipantId): void {
    this.cancel(pid);
    const timer = setTimeout(() => {
      this.timers.delete(pid);
      this.sessions
        .timedOut(sid, pid)
        .catch((err: unknown) => this.log.error({ err, participantId: pid }, 'ending a place failed'));
    }, this.graceMs);
    timer.unref();
    this.timers.set(pid, timer);
  }

  private cancel(pid: ParticipantId): void {
    const t = this.timers.get(pid);
    if (t) {
      clearTimeout(t);
      this.timers.delete(pid);
    }
  }

  /**
   * Starts beating, then recovers: every stored session is loaded; places already
   * reconnecting get the grace from now; places held by dead nodes are dropped.
   */
  async start(sessionIds: readonly SessionId[]): Promise<number> {
    await this.beat();
    this.beatTimer = setInterval(() => void this.beat(), NODE_BEAT_MS);
    this.beatTimer.unref();
    let waiting = 0;
    for (const sid of sessionIds) {
      const log = await this.logs.find(sid).catch(() => null);
      if (log === null || log.state.session.status === 'closed') {
        continue;
      }
      for (const p of Object.values(log.state.participants)) {
        if (p.connection === 'reconnecting') {
          this.startGrace(sid, p.id);
          waiting++;
        }
      }
    }
    waiting += await this.sweep();
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn({ err }, 'presence sweep failed'));
    }, SWEEP_MS);
    this.sweepTimer.unref();
    return waiting;
  }

  private async beat(): Promise<void> {
    await this.nodes
      .beat(this.nodeId, NODE_TTL_MS, this.nodeInfo)
      .catch((err: unknown) => this.log.warn({ err }, 'could not renew this node in Redis'));
  }

  /** Drops the places held by nodes that are not alive; how many. */
  async sweep(): Promise<number> {
    let dropped = 0;
    for (const log of await this.logs.loaded()) {
      const held = Object.entries(log.state.presence).filter(([, node]) => node !== this.nodeId);
      const alive = await this.nodes.alive([...new Set(held.map(([, node]) => node))]);
      for (const [pid, node] of held) {
        if (!alive.has(node)) {
          await this.sessions.dropped(log.id, pid as ParticipantId, node);
          dropped++;
        }
      }
    }
    return dropped;
  }

  close(): void {
    for (const t of [this.beatTimer, this.sweepTimer]) {
      if (t) {
        clearInterval(t);
      }
    }
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
    void this.nodes.leave(this.nodeId).catch(() => undefined);
  }
}
