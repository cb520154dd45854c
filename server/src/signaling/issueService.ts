import { randomBytes } from 'node:crypto';
import {
  IssueIdSchema,
  SessionIdSchema,
  applyIssueEvent,
  isOpenIssue,
  nextEscalationAt,
  overdue,
  type Actor,
  type Issue,
  type IssueEvent,
  type IssueSettings,
  type Session,
  type SessionId,
  type SiteId,
  type Urgency,
} from '@concord/shared';
import { holdsChair } from '../domain/chair.js';
import { applyCommand, type IssueCommand } from '../domain/issues.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { IssueStore } from '../store/issueStore.js';
import type { ProceedingsService } from './proceedingsService.js';
import { sessionRoom, type ConcordServer } from './types.js';

/** setTimeout's ceiling; a later escalation is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sites of one committee, in a stable order: sessions of the same sites share carry-over. */
export const committeeOf = (session: Session): string =>
  session.sites
    .map((s) => s.id)
    .sort()
    .join('+');

export interface RaiseInput {
  idempotencyKey: string;
  title: string;
  details: string;
  category: string;
  urgency: Urgency;
}

/**
 * Issue changes and their consequences: atomic writes with an event per step, a live
 * broadcast of the changed issue, and escalation when a time target passes.
 */
export class IssueService {
  private readonly timers = new Map<SessionId, NodeJS.Timeout>();

  constructor(
    private readonly io: ConcordServer,
    private readonly store: IssueStore,
    private readonly proceedings: ProceedingsService,
    private readonly log: Logger,
  ) {}

  list(sid: SessionId): Promise<Issue[]> {
    return this.store.list(sid);
  }

  settings(sid: SessionId) {
    return this.store.settings(sid);
  }

  async setSettings(sid: SessionId, settings: IssueSettings): Promise<void> {
    await this.store.setSettings(sid, settings);
    this.io.to(sessionRoom(sid)).emit('issue:settings', { settings });
    await this.schedule(sid);
  }

  async raise(sid: SessionId, by: Actor, siteId: SiteId, input: RaiseInput, carriedFrom: Issue['carriedFrom'] = null) {
    const settings = await this.store.settings(sid);
    if (!settings.categories.includes(input.category)) {
      throw new ValidationError(`category: must be one of ${settings.categories.join(', ')}`);
    }
    const event: IssueEvent = {
      type: 'raised',
      issueId: IssueIdSchema.parse(`iss_${randomBytes(8).toString('base64url')}`),
      at: Date.now(),
      by,
      title: input.title,
      details: input.details,
      category: input.category,
      urgency: input.urgency,
      siteId,
      carriedFrom,
    };
    const issue = applyIssueEvent(null, event);
    const result = await this.store.raise(sid, `${by.participantId}:${input.idempotencyKey}`, issue, event);
    if (result.created) {
      this.publish(sid, issue, result.seq);
      this.log.info({ sessionId: sid, issueId: issue.id, urgency: issue.urgency, siteId }, 'issue raised');
    }
    return result;
  }

  async command(sid: SessionId, issueId: string, cmd: IssueCommand, by: Actor): Promise<Issue> {
    const { issue, seq } = await this.store.apply(sid, issueId, (current) =>
      applyCommand(current, cmd, by, Date.now()),
    );
    this.publish(sid, issue, seq);
    return issue;
  }

  private publish(sid: SessionId, issue: Issue, seq: number): void {
    this.io.to(sessionRoom(sid)).emit('issue:updated', { issue, seq, serverNow: Date.now() });
    this.schedule(sid).catch((err: unknown) =>
      this.log.error({ err, sessionId: sid }, 'could not arm issue escalation'),
    );
  }

  /** Arms the session's timer for the next time target an open issue will miss. */
  async schedule(sid: SessionId): Promise<void> {
    const [issues, settings] = await Promise.all([this.store.list(sid), this.store.settings(sid)]);
    const at = nextEscalationAt(issues, settings);
    const old = this.timers.get(sid);
    if (old) {
      clearTimeout(old);
      this.timers.delete(sid);
    }
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
    this.timers.set(sid, timer);
  }

  /** Records every newly missed target and alerts commanders, the chair and operators. */
  private async escalateDue(sid: SessionId): Promise<void> {
    const [issues, settings] = await Promise.all([this.store.list(sid), this.store.settings(sid)]);
    const now = Date.now();
    for (const candidate of issues) {
      const late = overdue(candidate, settings, now);
      for (const target of ['acknowledge', 'decide'] as const) {
        if (!late[target] || candidate.escalated[target]) {
          continue;
        }
        const { issue, seq } = await this.store.apply(sid, candidate.id, (current) => {
          const event: IssueEvent = { type: 'escalated', issueId: current.id, at: now, target };
          return current.escalated[target]
            ? { issue: current, events: [] }
            : { issue: applyIssueEvent(current, event), events: [event] };
        });
        this.log.warn({ sessionId: sid, issueId: issue.id, target, urgency: issue.urgency }, 'issue overdue');
        this.io.to(sessionRoom(sid)).emit('issue:updated', { issue, seq, serverNow: Date.now() });
        await this.alert(sid, { issueId: issue.id, target, title: issue.title, urgency: issue.urgency });
      }
    }
    await this.schedule(sid);
  }

  private async alert(
    sid: SessionId,
    e: { issueId: string; target: 'acknowledge' | 'decide'; title: string; urgency: Urgency },
  ) {
    const p = await this.proceedings.get(sid);
    for (const s of await this.io.in(sessionRoom(sid)).fetchSockets()) {
      const { role, sub } = s.data.claims;
      if (role === 'commander' || role === 'operator' || holdsChair(p, sub, role)) {
        s.emit('issue:overdue', e);
      }
    }
  }

  /** When a session closes, its unresolved issues become the committee's open action items. */
  async carryOver(session: Session): Promise<number> {
    const open = (await this.store.list(session.id)).filter(isOpenIssue);
    await this.store.carryOver(committeeOf(session), session.id, session.title, open);
    const timer = this.timers.get(session.id);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(session.id);
    }
    return open.length;
  }

  async pendingCarryOver(session: Session) {
    return (await this.store.listCarryOver(committeeOf(session))).filter((i) => i.fromSessionId !== session.id);
  }

  /** Imports the committee's carried-over issues into this session's queue. */
  async importCarryOver(session: Session, by: Actor): Promise<number> {
    let imported = 0;
    for (const item of await this.pendingCarryOver(session)) {
      if (!(await this.store.takeCarryOver(committeeOf(session), item.field))) {
        continue; // imported meanwhile by someone else
      }
      const i = item.issue;
      await this.raise(
        session.id,
        { ...i.raisedBy },
        i.siteId,
        {
          idempotencyKey: `carry_${i.id}`.slice(0, 64),
          title: i.title,
          details: i.details,
          category: i.category,
          urgency: i.urgency,
        },
        { sessionId: SessionIdSchema.parse(item.fromSessionId), issueId: i.id },
      );
      imported++;
    }
    this.log.info({ sessionId: session.id, imported, by: by.participantId }, 'carried-over issues imported');
    return imported;
  }

  async recover(sessionIds: SessionId[]): Promise<void> {
    for (const sid of sessionIds) {
      await this.schedule(sid);
    }
  }

  close(): void {
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
  }
}
