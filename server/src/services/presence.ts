import {
  ParticipantIdSchema,
  type LogEntry,
  type ParticipantId,
  type SessionId,
  type SessionState,
} from '@concord/shared';
import type { Logger } from '../logger.js';
import type { NodeRegistry } from '../store/nodes.js';
import type { OwnershipListener } from './ownership.js';
import type { MediaPort, OwnerGate } from './ports.js';
import type { SessionLogs } from './sessionLog.js';
import type { SessionService } from './sessions.js';

/** How often this node says it is alive, and how long that stays true without a renewal. */
export const NODE_BEAT_MS = 1_000;
export const NODE_TTL_MS = 3_000;
/** How often participants held by nodes that are no longer alive are looked for. */
const SWEEP_MS = 1_000;

/**
 * Presence over time, run by the node that runs each session (its owner): a dropped place
 * ends when the reconnect grace runs out, and a place held by a node that died is treated
 * like a dropped connection. Participants held by another live node are never touched.
 * Every node says it is alive.
 */
export class PresenceClock implements OwnershipListener {
  private readonly timers = new Map<ParticipantId, { sid: SessionId; timer: NodeJS.Timeout }>();
  private beatTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logs: SessionLogs,
    private readonly sessions: SessionService,
    private readonly media: MediaPort,
    private readonly nodes: NodeRegistry,
    private readonly owner: OwnerGate,
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

  /** This node took the session over: places already reconnecting get the grace from now. */
  gained(state: SessionState): void {
    for (const p of Object.values(state.participants)) {
      if (p.connection === 'reconnecting') {
        this.startGrace(state.session.id, p.id);
      }
    }
  }

  lost(sid: SessionId): void {
    for (const [pid, t] of this.timers) {
      if (t.sid === sid) {
        this.cancel(pid);
      }
    }
  }

  private startGrace(sid: SessionId, pid: ParticipantId): void {
    this.cancel(pid);
    if (this.owner.fence(sid) === null) {
      return; // the node that runs the session keeps the time
    }
    const timer = setTimeout(() => {
      this.timers.delete(pid);
      const fence = this.owner.fence(sid);
      if (fence !== null) {
        this.sessions
          .timedOut(sid, pid, fence)
          .catch((err: unknown) => this.log.error({ err, participantId: pid }, 'ending a place failed'));
      }
    }, this.graceMs);
    timer.unref();
    this.timers.set(pid, { sid, timer });
  }

  private cancel(pid: ParticipantId): void {
    const t = this.timers.get(pid);
    if (t) {
      clearTimeout(t.timer);
      this.timers.delete(pid);
    }
  }

  /** Starts saying this node is alive, and sweeping the sessions it runs. */
  async start(): Promise<void> {
    await this.beat();
    this.beatTimer = setInterval(() => void this.beat(), NODE_BEAT_MS);
    this.beatTimer.unref();
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn({ err }, 'presence sweep failed'));
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  private async beat(): Promise<void> {
    await this.nodes
      .beat(this.nodeId, NODE_TTL_MS, this.nodeInfo)
      .catch((err: unknown) => this.log.warn({ err }, 'could not renew this node in Redis'));
  }

  /** Drops the places, in sessions this node runs, held by nodes that are not alive; how many. */
  async sweep(): Promise<number> {
    let dropped = 0;
    for (const log of await this.logs.loaded()) {
      const fence = this.owner.fence(log.id);
      if (fence === null) {
        continue;
      }
      const held = Object.entries(log.state.presence).filter(([, node]) => node !== this.nodeId);
      const alive = await this.nodes.alive([...new Set(held.map(([, node]) => node))]);
      for (const [pid, node] of held) {
        if (!alive.has(node)) {
          const participantId = ParticipantIdSchema.parse(pid);
          await this.sessions.dropped(log.id, participantId, node, fence);
          await this.media.forgetTracks(log.id, participantId, node);
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
      clearTimeout(t.timer);
    }
    this.timers.clear();
    void this.nodes.leave(this.nodeId).catch(() => undefined);
  }
}
