import type { LogEntry } from '@concord/shared';
import type { AppErrorCode } from './errors';
import type { Send } from './send';
import type { Store } from './store';
import type { ViewState } from './viewState';

/** What every part of a participation shares: the view, the sender, and whether it still runs. */
export interface SyncContext {
  readonly store: Store<ViewState>;
  readonly send: Send;
  /** Left, kicked, failed or disposed: nothing reconnects, restarts or is shown any more. */
  readonly ended: () => boolean;
  /** Whether a request sent now reaches a joined session (not a socket that still has to rejoin). */
  readonly isServed: () => boolean;
  /** Shows a passing error as a notice. */
  readonly notice: (err: unknown) => void;
  /** A fresh id for a notice, toast or alert, so that the same one twice is shown afresh. */
  readonly nextId: () => number;
}

/**
 * One change of the session's record, as the area syncs see it: the view before and after.
 * `entry` is the log entry that made it; null when a snapshot replaced the record whole (a
 * join, a rejoin, or a client too far behind), and only the difference is known.
 */
export interface RecordChange {
  before: ViewState;
  after: ViewState;
  entry: LogEntry | null;
}

/** An area of the session that follows the record (participants, floor, issues, health, media). */
export interface RecordFollower {
  recordChanged(change: RecordChange): void;
}

/** How a request sent with `act` ended (many replies are `null`, so null cannot mean failure). */
export type ActOutcome<T> = { ok: true; data: T } | { ok: false; code: AppErrorCode };
