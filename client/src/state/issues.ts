import {
  DEFAULT_ISSUE_CATEGORIES,
  ISSUE_STATUSES,
  ISSUE_STEPS,
  dueTimes,
  may,
  mayTakeStep,
  isOpenIssue,
  orderIssues,
  overdue,
  type AgendaItemId,
  type Issue,
  type IssueId,
  type IssueSettings,
  type IssueStatus,
  type IssueStep as SharedIssueStep,
  type Participant,
  type ParticipantId,
  type Role,
  type SiteId,
  type Urgency,
} from '@concord/shared';

// Readings of the issue queue for the UI. Order, due times and overdue come from
// shared/src/issueRules.ts (the rules the server escalates by), so every city and the
// server agree on what is late; times are server timestamps against the server clock.

export type DefaultCategory = (typeof DEFAULT_ISSUE_CATEGORIES)[number];

/** The categories the UI has a translation for; a session may define others (shown as they are). */
export const isDefaultCategory = (id: string): id is DefaultCategory => DEFAULT_ISSUE_CATEGORIES.some((c) => c === id);

/** Bytes of randomness in an idempotency key: 128 bits, 32 hex digits (the protocol allows 8 to 64). */
const IDEMPOTENCY_KEY_BYTES = 16;

/**
 * A fresh key for one raise. `getRandomValues` rather than `randomUUID`: the latter exists
 * only in secure contexts, and a chair's laptop may reach a LAN server over plain http.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(IDEMPOTENCY_KEY_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a member has typed into the raise form, and the key of its submission once sent. */
export interface IssueDraft {
  title: string;
  details: string;
  category: string;
  urgency: Urgency;
  /** Set at the first send and reused by every retry until the server has answered. */
  idempotencyKey: string | null;
}

export type IssueTarget = 'acknowledge' | 'decide';

export interface TargetClock {
  target: IssueTarget;
  /** Null: no time target (a routine decision is due by the end of the session). */
  remainingMs: number | null;
  overdue: boolean;
}

/** The target an open issue works towards now, and how long is left; null once it is settled. */
export function nextTarget(issue: Issue, settings: IssueSettings, now: number): TargetClock | null {
  if (!isOpenIssue(issue)) {
    return null;
  }
  const due = dueTimes(issue, settings);
  const late = overdue(issue, settings, now);
  if (issue.status === 'raised') {
    return { target: 'acknowledge', remainingMs: due.acknowledgeBy - now, overdue: late.acknowledge };
  }
  return { target: 'decide', remainingMs: due.decideBy === null ? null : due.decideBy - now, overdue: late.decide };
}

/** Whether the issue has missed any of its targets at `now`. */
export function isOverdue(issue: Issue, settings: IssueSettings, now: number): boolean {
  const late = overdue(issue, settings, now);
  return late.acknowledge || late.decide;
}

/** The next moment after `now` at which the issue crosses a target (turns overdue), or null. */
export function nextCrossingAt(issue: Issue, settings: IssueSettings, now: number): number | null {
  if (!isOpenIssue(issue)) {
    return null;
  }
  const due = dueTimes(issue, settings);
  const ahead = [issue.status === 'raised' ? due.acknowledgeBy : null, due.decideBy].filter(
    (at): at is number => at !== null && at > now,
  );
  return ahead.length === 0 ? null : Math.min(...ahead);
}

/** Whether an overdue alert still applies: the step it asked for has not been taken since. */
export function alertStillDue(issue: Issue | undefined, target: IssueTarget): boolean {
  if (!issue) {
    return true;
  }
  return target === 'acknowledge' ? issue.status === 'raised' : isOpenIssue(issue);
}

export const STATUS_FILTERS = ['all', 'open', ...ISSUE_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const isStatusFilter = (value: string): value is StatusFilter => STATUS_FILTERS.some((s) => s === value);

export interface IssueFilter {
  status: StatusFilter;
  urgency: Urgency | 'all';
  siteId: SiteId | 'all';
}

export const NO_FILTER: IssueFilter = { status: 'all', urgency: 'all', siteId: 'all' };

export function matchesFilter(issue: Issue, filter: IssueFilter): boolean {
  const status =
    filter.status === 'all' || (filter.status === 'open' ? isOpenIssue(issue) : issue.status === filter.status);
  return (
    status &&
    (filter.urgency === 'all' || issue.urgency === filter.urgency) &&
    (filter.siteId === 'all' || issue.siteId === filter.siteId)
  );
}

/** The queue in display order, filtered. */
export function visibleIssues(issues: ReadonlyMap<IssueId, Issue>, filter: IssueFilter): Issue[] {
  return orderIssues(issues.values()).filter((i) => matchesFilter(i, filter));
}

/** Issues linked to one agenda item, in queue order. */
export function linkedIssues(issues: ReadonlyMap<IssueId, Issue>, itemId: AgendaItemId): Issue[] {
  return orderIssues([...issues.values()].filter((i) => i.agendaItemId === itemId));
}

/** The participants an issue can be assigned to. */
export function commanders(participants: ReadonlyMap<ParticipantId, Participant>): Participant[] {
  return [...participants.values()].filter((p) => p.role === 'commander');
}

/** What a participant may do about another site's issue with the Support button. */
export type SupportState = 'none' | 'own' | 'supported' | 'can';

/** Who asks, for the issue rules: the shared permission table needs the role and the chair. */
export interface IssueAsker {
  role: Role;
  siteId: SiteId | null;
  isChair: boolean;
}

export function supportState(issue: Issue, who: IssueAsker): SupportState {
  if (!mayRaise(who) || who.siteId === null) {
    return 'none';
  }
  if (issue.siteId === who.siteId) {
    return 'own';
  }
  if (issue.supporters.includes(who.siteId)) {
    return 'supported';
  }
  return isOpenIssue(issue) ? 'can' : 'none';
}

/** Whether this participant may raise (and support) issues: `issue.raise`, speaking for a site. */
export const mayRaise = (who: IssueAsker): boolean =>
  may({ role: who.role, isChair: who.isChair }, 'issue.raise') && who.siteId !== null;

/** A commander's (or the chair's) step on an issue; supporting is a member's, shown apart. */
export type IssueStep = Exclude<SharedIssueStep, 'support'>;

/** The steps each status allows: the same table the server enforces (shared/src/issueRules.ts). */
export const allowedSteps = (status: IssueStatus): readonly IssueStep[] =>
  ISSUE_STEPS.filter((step): step is IssueStep => step !== 'support' && mayTakeStep(status, step));

/** Where the chair may move the session next (shared/src/rules.ts). */
export { nextSessionStatuses } from '@concord/shared';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/** A duration in the largest fitting unit, for "raised 12 min ago". */
export type Age =
  { unit: 's'; count: number } | { unit: 'min'; count: number } | { unit: 'h'; hours: number; minutes: number };

export function ageOf(ms: number): Age {
  const clamped = Math.max(0, ms);
  if (clamped < MINUTE_MS) {
    return { unit: 's', count: Math.floor(clamped / SECOND_MS) };
  }
  if (clamped < HOUR_MS) {
    return { unit: 'min', count: Math.floor(clamped / MINUTE_MS) };
  }
  return { unit: 'h', hours: Math.floor(clamped / HOUR_MS), minutes: Math.floor((clamped % HOUR_MS) / MINUTE_MS) };
}
