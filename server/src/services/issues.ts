import { randomBytes } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  IssueIdSchema,
  SessionIdSchema,
  applyIssueEvent,
  isOpenIssue,
  nextEscalationAt,
  overdue,
  type Action,
  type Actor,
  type Issue,
  type IssueEvent,
  type IssueSettings,
  type LogEntry,
  type RequestData,
  type Session,
  type SessionId,
  type SessionState,
} from '@concord/shared';
import { eventsFor, type IssueCommand } from '../domain/issues.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CarryOverStore } from '../store/carryOverStore.js';
import { ADMIN, actorOf, authorize, system, type Caller } from './caller.js';
import type { OwnerGate } from './ports.js';
import type { Change, SessionLogs } from './sessionLog.js';

/** setTimeout's ceiling; a later escalation is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sites of one committee, in a stable order: sessions of the same sites share carry-over. */
export const committeeOf = (session: Session): string =>
  session.sites
    .map((s) => s.id)
    .sort()
    .join('+');

type RaiseInput = RequestData<'issue:raise'>;

/**
 * The issue queue: raises (idempotent by key), the commanders' steps and the chair's triage
 * become entries of the session log; escalation follows the time targets; a closed session's
 * open issues carry over to the committee's next one.
 */
export class IssueService {
  private readonly timers = new Map<SessionId, NodeJS.Timeout>();

  constructor(
    private readonly logs: SessionLogs,
    private readonly carry: CarryOverStore,
    /** Escalation runs on the node that runs the session's clocks. */
    private readonly owner: OwnerGate,
    private readonly log: Logger,
  ) {}

  private async run<T>(c: Caller, action: Action, decide: (s: SessionState, now: number) => Change<T>) {
    const log = await this.logs.get(c.sessionId);
    return log.change(actorOf(log.state, c), (state, now) => {
      authorize(state, c, action);
      return decide(state, now);
    });
  }

  /** The issue log's actor for a joined caller. */
  private static by(state: SessionState, c: Caller): Actor {
    if (c.participantId === null) {
      throw new DomainError(ErrorCode.NOT_JOINED, 'join the session first');
    }
    const displayName = state.participants[c.participantId]?.displayName ?? c.name;
    return { participantId: c.participantId, displayName, role: c.role, siteId: c.siteId };
  }

  /** A member raises an issue in its site's name; a retry with the same key answers with the same issue. */
  raise(c: Caller, input: RaiseInput): Promise<{ issueId: string; created: boolean }> {
    return this.run(c, 'issue.raise', (state, now) => {
      const by = IssueService.by(state, c);
      if (c.siteId === null) {
        throw new ForbiddenError("only members at a site may raise issues in the site's name");
      }
      return raiseChange(state, now, by, c.siteId, `${by.participantId}:${input.idempotencyKey}`, input, null);
    });
  }

  /** A step on one issue: a commander's, a site's support, or the chair's triage. */
  step(c: Caller, issueId: string, action: Action, command: (s: SessionState, by: Actor) => IssueCommand) {
    return this.run(c, action, (state, now) => {
      const issue = state.issues[issueId];
      if (issue === undefined) {
        throw new NotFoundError('issue');
      }
      const by = IssueService.by(state, c);
      const events = eventsFor(issue, command(state, by), by, now);
      return { changes: [{ type: 'issue.changed', payload: { issueId: issue.id, events } }], result: null };
    });
  }

  support(c: Caller, { issueId }: RequestData<'issue:support'>) {
    return this.step(c, issueId, 'issue.raise', () => {
      if (c.siteId === null) {
        throw new ForbiddenError("only members at a site may support issues in the site's name");
      }
      return { kind: 'support', siteId: c.siteId };
    });
  }

  assign(c: Caller, { issueId, participantId }: RequestData<'issue:assign'>) {
    return this.step(c, issueId, 'issue.triage', (state) => {
      if (participantId === null) {
        return { kind: 'assign', assignee: null };
      }
      const target = state.participants[participantId];
      if (target?.role !== 'commander') {
        throw new ValidationError('participantId: issues are assigned to a commander of this session');
      }
      return { kind: 'assign', assignee: { participantId, displayName: target.displayName } };
    });
  }

  link(c: Caller, { issueId, agendaItemId }: RequestData<'issue:link'>) {
    return this.step(c, issueId, 'issue.triage', (state) => {
      if (agendaItemId !== null && !state.proceedings.agenda.some((i) => i.id === agendaItemId)) {
        throw new NotFoundError('agenda item');
      }
      return { kind: 'link', agendaItemId };
    });
  }

  /** The admin changes the session's categories or time targets. */
  async setSettings(sid: SessionId, settings: IssueSettings): Promise<void> {
    const log = await this.logs.get(sid);
    await log.change(ADMIN, () => ({ changes: [{ type: 'issue.settings', payload: { settings } }], result: null }));
  }

  // ---- escalation ----

  /**
   * Entry listener: re-arms the session's escalation timer when its issues or targets change;
   * when the session closes, carries its open issues over (every node may do it: it is idempotent).
   */
  readonly onEntry = (entry: LogEntry, before: SessionState | null, after: SessionState): void => {
    if (entry.type === 'session.status' && entry.payload.status === 'closed') {
      this.carryOver(after).then(
        (carried) =>
          this.log.info({ sessionId: after.session.id, carried }, 'session closed; open issues carried over'),
        (err: unknown) => this.log.error({ err, sessionId: after.session.id }, 'carry-over failed'),
      );
      return;
    }
    if (before !== null && before.issues === after.issues && before.issueSettings === after.issueSettings) {
      return;
    }
    this.schedule(after);
  };

  /** Arms the session's timer for the next time target an open issue will miss. */
  schedule(state: SessionState): void {
    const sid = state.session.id;
    this.cancel(sid);
    const at =
      state.session.status === 'closed' || this.owner.fence(sid) === null
        ? null
        : nextEscalationAt(Object.values(state.issues), state.issueSettings);
    if (at === null) {
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(sid);
        this.escalateDue(sid).catch((err: unknown) =>
          this.log.error({ err, sessionId: sid }, 'issue escalation failed'),
        );
      },
      Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(sid, timer);
  }

  /** Stops the session's escalation timer (another node runs it now, or it closed). */
  cancel(sid: SessionId): void {
    const old = this.timers.get(sid);
    if (old) {
      clearTimeout(old);
      this.timers.delete(sid);
    }
  }

  /** Records every newly missed target: commanders, the chair and operators see the entry. */
  private async escalateDue(sid: SessionId): Promise<void> {
    const fence = this.owner.fence(sid);
    if (fence === null) {
      return;
    }
    const log = await this.logs.get(sid);
    const escalated = await log.change(
      system('escalation'),
      (state, now) => {
        const changes = Object.values(state.issues).flatMap((issue) => {
          const late = overdue(issue, state.issueSettings, now);
          const events = (['acknowledge', 'decide'] as const)
            .filter((target) => late[target] && !issue.escalated[target])
            .map((target): IssueEvent => ({ type: 'escalated', issueId: issue.id, at: now, target }));
          return events.length === 0
            ? []
            : [{ type: 'issue.changed' as const, payload: { issueId: issue.id, events } }];
        });
        return { changes, result: changes.length };
      },
      { fence },
    );
    if (escalated > 0) {
      this.log.warn({ sessionId: sid, issues: escalated }, 'issues overdue');
    }
    this.schedule(log.state);
  }

  // ---- carry-over ----

  /** When a session closes, its unresolved issues become the committee's open action items. */
  async carryOver(state: SessionState): Promise<number> {
    const open = Object.values(state.issues).filter(isOpenIssue);
    await this.carry.put(committeeOf(state.session), state.session.id, state.session.title, open);
    this.cancel(state.session.id);
    return open.length;
  }

  async pendingCarryOver(c: Caller) {
    const log = await this.logs.get(c.sessionId);
    authorize(log.state, c, 'issue.triage');
    const items = await this.carry.list(committeeOf(log.state.session));
    return items.filter((i) => i.fromSessionId !== c.sessionId);
  }

  /** Imports the committee's carried-over issues into this session's queue. */
  async importCarryOver(c: Caller): Promise<number> {
    const log = await this.logs.get(c.sessionId);
    let imported = 0;
    for (const item of await this.pendingCarryOver(c)) {
      if (!(await this.carry.take(committeeOf(log.state.session), item.field))) {
        continue; // imported meanwhile by someone else
      }
      const i = item.issue;
      const carriedFrom = { sessionId: SessionIdSchema.parse(item.fromSessionId), issueId: i.id };
      await log.change(actorOf(log.state, c), (state, now) =>
        raiseChange(state, now, { ...i.raisedBy }, i.siteId, `carry:${item.field}`, i, carriedFrom),
      );
      imported++;
    }
    this.log.info({ sessionId: c.sessionId, imported, by: c.participantId }, 'carried-over issues imported');
    return imported;
  }

  close(): void {
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
  }
}

/** The entry of a new issue, unless the idempotency key already made one. */
function raiseChange(
  state: SessionState,
  now: number,
  by: Actor,
  siteId: Issue['siteId'],
  key: string,
  input: Pick<Issue, 'title' | 'details' | 'category' | 'urgency'>,
  carriedFrom: Issue['carriedFrom'],
): Change<{ issueId: string; created: boolean }> {
  const existing = state.issueKeys[key];
  if (existing !== undefined) {
    return { changes: [], result: { issueId: existing, created: false } };
  }
  if (!state.issueSettings.categories.includes(input.category)) {
    throw new ValidationError(`category: must be one of ${state.issueSettings.categories.join(', ')}`);
  }
  const event: IssueEvent = {
    type: 'raised',
    issueId: IssueIdSchema.parse(`iss_${randomBytes(8).toString('base64url')}`),
    at: now,
    by,
    title: input.title,
    details: input.details,
    category: input.category,
    urgency: input.urgency,
    siteId,
    carriedFrom,
  };
  // Checked here so that a malformed raise is refused, not written.
  applyIssueEvent(null, event);
  return {
    changes: [{ type: 'issue.raised', payload: { event, idempotencyKey: key } }],
    result: { issueId: event.issueId, created: true },
  };
}
