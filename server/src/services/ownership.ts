import { nextEscalationAt, type SessionId, type SessionState } from '@concord/shared';
import type { Logger } from '../logger.js';
import type { LeaseStore } from '../store/leases.js';
import type { OwnerGate } from './ports.js';
import type { SessionLogs } from './sessionLog.js';

/**
 * How long a lease lasts without renewal, and how often its owner renews it (and others look
 * for lapsed ones). A dead owner's sessions are taken over within TTL + one look: under 1.1 s.
 */
export const LEASE_TTL_MS = 800;
export const LEASE_RENEW_MS = 250;
/** How often a node tries for a lease whose owner let something due pass. */
const CONTEND_MS = 100;

export interface OwnershipListener {
  /** This node now runs the session's clocks (it took the lease; `fence` guards its writes). */
  gained(state: SessionState, fence: number): void;
  /** This node no longer does (the lease went to another node, or the session needs no owner). */
  lost(sessionId: SessionId): void;
}

/** Whether anything of the session runs on a clock: people with places, a speaker, an issue target. */
export function needsOwner(state: SessionState): boolean {
  if (state.session.status === 'closed') {
    return false;
  }
  return (
    Object.keys(state.participants).length > 0 ||
    state.proceedings.speaker !== null ||
    nextEscalationAt(Object.values(state.issues), state.issueSettings) !== null
  );
}

/**
 * Exactly one node at a time runs each session's clocks (floor cut-off, issue escalation,
 * the reconnect grace, health alarms): the one holding the session's lease in Redis. The
 * owner renews it; when it stops (its node died), another node that serves or knows the
 * session takes it over, with a new fence. A node claims a session when it loads it or a
 * participant joins through it, and gives it up when nothing of it runs on a clock.
 */
export class Ownership implements OwnerGate {
  private readonly held = new Map<SessionId, number>();
  private readonly listeners: OwnershipListener[] = [];
  private readonly contending = new Set<SessionId>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(
    private readonly leases: LeaseStore,
    private readonly logs: SessionLogs,
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  listen(listener: OwnershipListener): void {
    this.listeners.push(listener);
  }

  owns(sid: SessionId): boolean {
    return this.held.has(sid);
  }

  /** The fence of a session this node owns (its clocks' writes carry it), or null. */
  fence(sid: SessionId): number | null {
    return this.held.get(sid) ?? null;
  }

  owned(): SessionId[] {
    return [...this.held.keys()];
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.ticking) {
        return;
      }
      this.ticking = true;
      this.tick()
        .catch((err: unknown) => this.log.warn({ err }, 'lease round failed'))
        .finally(() => (this.ticking = false));
    }, LEASE_RENEW_MS);
    this.timer.unref();
  }

  /** Takes the session's lease if it needs an owner and nobody holds it (or we do). */
  async claim(sid: SessionId): Promise<boolean> {
    const log = await this.logs.find(sid);
    if (log === null || !needsOwner(log.state)) {
      return false;
    }
    const lease = await this.leases.acquire(sid, this.nodeId, LEASE_TTL_MS);
    if (!lease.held) {
      this.drop(sid);
      return false;
    }
    const had = this.held.get(sid);
    this.held.set(sid, lease.fence);
    if (had !== lease.fence) {
      this.log.info({ sessionId: sid, fence: lease.fence }, 'this node now runs the session');
      for (const l of this.listeners) {
        l.gained(log.state, lease.fence);
      }
    }
    return true;
  }

  /**
   * Something of the session is due and its owner has not done it: if the owner went
   * silent, take the lease over as soon as it lapses (tries every CONTEND_MS while `due`).
   */
  contend(sid: SessionId, due: () => boolean): void {
    if (this.contending.has(sid) || this.held.has(sid)) {
      return;
    }
    this.contending.add(sid);
    const until = Date.now() + 2 * LEASE_TTL_MS + LEASE_RENEW_MS;
    const attempt = (): void => {
      if (!due() || this.held.has(sid) || Date.now() > until) {
        this.contending.delete(sid);
        return;
      }
      this.claim(sid)
        .catch((err: unknown) => this.log.debug({ err, sessionId: sid }, 'contending for a session failed'))
        .finally(() => {
          const t = setTimeout(attempt, CONTEND_MS);
          t.unref();
        });
    };
    attempt();
  }

  private drop(sid: SessionId): void {
    if (this.held.delete(sid)) {
      this.log.info({ sessionId: sid }, 'this node no longer runs the session');
      for (const l of this.listeners) {
        l.lost(sid);
      }
    }
  }

  /** Renews what this node owns, gives up what needs no owner, takes over lapsed leases. */
  async tick(): Promise<void> {
    for (const sid of [...this.held.keys()]) {
      const log = await this.logs.find(sid);
      if (log === null || !needsOwner(log.state)) {
        this.drop(sid);
        await this.leases.release(sid, this.nodeId, false);
        continue;
      }
      await this.claim(sid);
    }
    for (const sid of await this.leases.lapsed()) {
      if (!this.held.has(sid)) {
        await this.claim(sid);
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    // A clean stop hands the sessions over at once instead of after the lease runs out.
    for (const sid of [...this.held.keys()]) {
      this.drop(sid);
      await this.leases.release(sid, this.nodeId, true).catch(() => undefined);
    }
  }
}
