import { cutOffAt, type Proceedings, type SessionId } from '@concord/shared';

/** setTimeout cannot wait longer than this; a later cut-off is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One timer per session, armed for the moment the current speaker must be cut off.
 * The timer only says "check now": the decision is made by the domain on the stored
 * state, so a timer armed from stale state can do no harm.
 */
export class FloorClock {
  private readonly timers = new Map<SessionId, NodeJS.Timeout>();

  constructor(
    private readonly onDue: (sessionId: SessionId) => void,
    private readonly now: () => number = Date.now,
  ) {}

  schedule(sessionId: SessionId, p: Proceedings): void {
    this.cancel(sessionId);
    const at = cutOffAt(p);
    if (at === null) {
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(sessionId);
        this.onDue(sessionId);
      },
      Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS),
    );
    this.timers.set(sessionId, timer);
  }

  cancel(sessionId: SessionId): void {
    const t = this.timers.get(sessionId);
    if (t) {
      clearTimeout(t);
      this.timers.delete(sessionId);
    }
  }

  close(): void {
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
  }
}
