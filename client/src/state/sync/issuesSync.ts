import {
  ErrorCode,
  may,
  type Issue,
  type IssueId,
  type LogEntry,
  type RequestPayload,
  type RequestReply,
  type Role,
} from '@concord/shared';
import { log } from '../../logger';
import type { ActOutcome, RecordChange, RecordFollower, SyncContext } from '../context';
import { AppError, ClientErrorCode, toAppError, type AppErrorCode } from '../errors';
import type { IssueDraft } from '../issues';
import type { OverdueAlert } from '../viewState';

/** Sends of one raise (all with the same idempotency key) before the failure is shown. */
const RAISE_MAX_ATTEMPTS = 4;
/** Pause before sending a raise again on a link that is up but slow, so retries do not pile onto it. */
const RAISE_RETRY_DELAY_MS = 2_000;
/** How long a raise that met a dropped link waits for the session to be joined again. */
const RAISE_REJOIN_WAIT_MS = 20_000;
/**
 * Failures after which a raise is sent again with its key: the server either never saw it,
 * or answers the retry with the issue it already made, so a retry never makes a second one.
 */
const RAISE_RETRY_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ClientErrorCode.REQUEST_TIMEOUT,
  ClientErrorCode.DISCONNECTED,
  ClientErrorCode.NETWORK_ERROR,
  ErrorCode.NOT_JOINED,
]);
/** Overdue alerts kept for the banner; older ones are dropped (the queue still shows them red). */
const MAX_OVERDUE_ALERTS = 20;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a participant is shown overdue alerts (the desks that answer for late issues). */
export const receivesOverdueAlerts = (who: { role: Role; isChair: boolean }): boolean => may(who, 'issue.alerts');

/** The targets an entry says issues missed (its `escalated` events), with the issue as it is after. */
export function escalationsIn(entry: LogEntry, issues: ReadonlyMap<IssueId, Issue>): Omit<OverdueAlert, 'id'>[] {
  if (entry.type !== 'issue.changed') {
    return [];
  }
  return entry.payload.events.flatMap((e) => {
    const issue = e.type === 'escalated' ? issues.get(e.issueId) : undefined;
    return e.type === 'escalated' && issue !== undefined
      ? [{ issueId: issue.id, target: e.target, title: issue.title, urgency: issue.urgency }]
      : [];
  });
}

/** The issue queue on this client: raising with retries, and the alerts for missed targets. */
export class IssuesSync implements RecordFollower {
  /**
   * The raise form's unsent text and idempotency key. Kept here, not in the form, so that
   * switching panel tabs neither loses what a member typed nor forgets the key of a raise
   * whose answer was lost (reusing it is what keeps a retry from making a second issue).
   */
  draft: IssueDraft | null = null;

  constructor(
    private readonly ctx: SyncContext,
    private readonly whenJoined: (timeoutMs: number) => Promise<void>,
  ) {}

  recordChanged({ after, entry }: RecordChange): void {
    const self = after.self;
    if (entry === null || self === null || !receivesOverdueAlerts({ role: self.role, isChair: after.isChair })) {
      return;
    }
    const missed = escalationsIn(entry, after.issues);
    if (missed.length === 0) {
      return;
    }
    const alerts = missed.map((m): OverdueAlert => ({ id: this.ctx.nextId(), ...m }));
    this.ctx.store.update((s) => ({ ...s, overdueAlerts: [...s.overdueAlerts, ...alerts].slice(-MAX_OVERDUE_ALERTS) }));
  }

  dismissOverdue(id: number): void {
    this.ctx.store.update((s) => ({ ...s, overdueAlerts: s.overdueAlerts.filter((a) => a.id !== id) }));
  }

  /**
   * Raises an issue in our site's name. A send that times out or meets a dropped link is
   * repeated (after the rejoin) with the same idempotency key, which the server answers with
   * the issue it already made: however often it is sent, one issue comes of it. Never rejects.
   */
  async raise(payload: RequestPayload<'issue:raise'>): Promise<ActOutcome<RequestReply<'issue:raise'>>> {
    let failure: AppError = new AppError(ClientErrorCode.DISCONNECTED, 'the session has ended');
    for (let attempt = 1; attempt <= RAISE_MAX_ATTEMPTS && !this.ctx.ended(); attempt += 1) {
      if (!this.ctx.isServed()) {
        await this.whenJoined(RAISE_REJOIN_WAIT_MS);
      }
      try {
        return { ok: true, data: await this.ctx.send('issue:raise', payload) };
      } catch (err) {
        failure = toAppError(err);
        log.warn(`issue:raise attempt ${attempt} failed: ${failure.code} ${failure.message}`);
        if (!RAISE_RETRY_CODES.has(failure.code)) {
          break;
        }
        if (attempt < RAISE_MAX_ATTEMPTS && this.ctx.isServed()) {
          await delay(RAISE_RETRY_DELAY_MS);
        }
      }
    }
    this.ctx.notice(failure);
    return { ok: false, code: failure.code };
  }
}
