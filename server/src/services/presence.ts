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

/** How often participants held by nodes that are no longer alive are looked for. */
const SWEEP_MS = 1_000;

/**
 * Presence over time, run by the node that runs each session (its owner): a dropped place
 * ends when the reconnect grace runs out, and a place held by a node that died is treated
 * like a dropped connection, and the tracks it published are forgotten. Participants held by
 * another live node are never touched.
 */
export class PresenceClock implements OwnershipListener {
  private readonly timers = new Map<ParticipantId, { sid: SessionId; timer: NodeJS.Timeout }>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logs: SessionLogs,
    private readonly sessions: SessionService,
    private readonly media: MediaPort,
    private readonly nodes: NodeRegistry,
    private readonly owner: OwnerGate,
    private readonly nodeId: string,
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

  /**
   * At start, before any connection: places and tracks recorded under this node's name are
   * from an earlier run with the same `NODE_ID` (their connections died with it). The places
   * drop, keeping the reconnect grace; the tracks are forgotten. A node with a new name has none.
   */
  async recover(): Promise<void> {
    for (const log of await this.logs.loaded()) {
      const mine = Object.entries(log.state.presence).filter(([, node]) => node === this.nodeId);
      for (const [pid] of mine) {
        await this.sessions.dropped(log.id, ParticipantIdSchema.parse(pid), this.nodeId);
      }
      await this.media.forgetNode(log.id, this.nodeId);
    }
  }

  /** Starts sweeping the sessions this node runs. */
  start(): void {
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn({ err }, 'presence sweep failed'));
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  /**
   * In the sessions this node runs: drops the places held by nodes that are not alive, and
   * forgets the tracks published through them (also those of a participant who is already
   * back through another node). How many places were dropped.
   */
  async sweep(): Promise<number> {
    let dropped = 0;
    for (const log of await this.logs.loaded()) {
      const fence = this.owner.fence(log.id);
      if (fence === null) {
        continue;
      }
      const held = Object.entries(log.state.presence).filter(([, node]) => node !== this.nodeId);
      const trackNodes = await this.media.trackNodes(log.id);
      const others = new Set([...held.map(([, node]) => node), ...trackNodes].filter((n) => n !== this.nodeId));
      const alive = await this.nodes.alive([...others]);
      for (const [pid, node] of held) {
        if (!alive.has(node)) {
          await this.sessions.dropped(log.id, ParticipantIdSchema.parse(pid), node, fence);
          dropped++;
        }
      }
      for (const node of others) {
        if (!alive.has(node)) {
          await this.media.forgetNode(log.id, node);
        }
      }
    }
    return dropped;
  }

  close(): void {
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
    }
    for (const t of this.timers.values()) {
      clearTimeout(t.timer);
    }
    this.timers.clear();
  }
}
