import {
  OPEN_ISSUE_STATUSES,
  type Issue,
  type IssueEvent,
  type IssueSettings,
  type IssueSummary,
  type IssueTimes,
  type Urgency,
} from './issues.js';

// Pure rules of the issue queue, shared by the server (which enforces and stores) and the
// client (which orders and shows timers): one implementation of each.

const describe = (e: IssueEvent): string | null => {
  switch (e.type) {
    case 'decided':
      return e.decision;
    case 'closed':
      return e.note;
    case 'referred':
      return `${e.body}${e.note ? `: ${e.note}` : ''}`;
    case 'rejected':
      return e.reason;
    case 'assigned':
      return e.assignee?.displayName ?? null;
    case 'linked':
      return e.agendaItemId;
    case 'pinned':
      return e.pinned ? 'pinned' : 'unpinned';
    case 'supported':
      return e.siteId;
    case 'escalated':
      return e.target;
    case 'raised':
    case 'acknowledged':
    case 'review_started':
      return null;
  }
};

/**
 * Applies one event to an issue. The queue is a fold of its event stream with this
 * function, so replaying the stream rebuilds exactly the stored queue.
 */
export function applyIssueEvent(issue: Issue | null, e: IssueEvent): Issue {
  const entry = { at: e.at, type: e.type, by: 'by' in e ? e.by.displayName : null, note: describe(e) };
  if (e.type === 'raised') {
    return {
      id: e.issueId,
      title: e.title,
      details: e.details,
      category: e.category,
      urgency: e.urgency,
      status: 'raised',
      siteId: e.siteId,
      raisedBy: e.by,
      supporters: [],
      assignee: null,
      agendaItemId: null,
      pinned: false,
      raisedAt: e.at,
      acknowledgedAt: null,
      decidedAt: null,
      endedAt: null,
      resolution: null,
      escalated: { acknowledge: false, decide: false },
      carriedFrom: e.carriedFrom,
      timeline: [entry],
      version: 1,
    };
  }
  if (issue === null) {
    throw new Error(`event ${e.type} for an issue that was never raised`);
  }
  const next: Issue = { ...issue, timeline: [...issue.timeline, entry], version: issue.version + 1 };
  switch (e.type) {
    case 'supported':
      return { ...next, supporters: [...issue.supporters, e.siteId] };
    case 'acknowledged':
      return { ...next, status: 'acknowledged', acknowledgedAt: e.at };
    case 'review_started':
      return { ...next, status: 'in_review' };
    case 'decided':
      return {
        ...next,
        status: 'decided',
        decidedAt: e.at,
        resolution: { kind: 'decided', text: e.decision, body: null },
      };
    case 'closed':
      return { ...next, status: 'closed', endedAt: e.at };
    case 'referred':
      return {
        ...next,
        status: 'referred',
        endedAt: e.at,
        resolution: { kind: 'referred', text: e.note, body: e.body },
      };
    case 'rejected':
      return {
        ...next,
        status: 'rejected',
        endedAt: e.at,
        resolution: { kind: 'rejected', text: e.reason, body: null },
      };
    case 'pinned':
      return { ...next, pinned: e.pinned };
    case 'assigned':
      return { ...next, assignee: e.assignee };
    case 'linked':
      return { ...next, agendaItemId: e.agendaItemId };
    case 'escalated':
      return { ...next, escalated: { ...issue.escalated, [e.target]: true } };
  }
}

/** Rebuilds issues from their events, in stream order. */
export function replayIssues(events: readonly IssueEvent[]): Map<string, Issue> {
  const issues = new Map<string, Issue>();
  for (const e of events) {
    issues.set(e.issueId, applyIssueEvent(issues.get(e.issueId) ?? null, e));
  }
  return issues;
}

/** The commander's steps (and a site's support), by the statuses that allow them. */
export const ISSUE_STEPS = ['acknowledge', 'review', 'decide', 'close', 'refer', 'reject', 'support'] as const;
export type IssueStep = (typeof ISSUE_STEPS)[number];
const ALLOWED_STEPS: Record<Issue['status'], readonly IssueStep[]> = {
  raised: ['acknowledge', 'refer', 'reject', 'support'],
  // Decide is allowed from acknowledged: the review step is recorded on the way (two clicks).
  acknowledged: ['review', 'decide', 'refer', 'reject', 'support'],
  in_review: ['decide', 'refer', 'reject', 'support'],
  decided: ['close'],
  closed: [],
  referred: [],
  rejected: [],
};
export const mayTakeStep = (status: Issue['status'], step: IssueStep): boolean => ALLOWED_STEPS[status].includes(step);

export const isOpenIssue = (i: Pick<Issue, 'status'>): boolean => OPEN_ISSUE_STATUSES.includes(i.status);

const URGENCY_RANK: Record<Urgency, number> = { critical: 0, urgent: 1, routine: 2 };

/**
 * Queue order: pinned first; open issues before settled ones; then urgency, then the
 * number of sites supporting it, then age (oldest first).
 */
export function compareIssues(a: Issue, b: Issue): number {
  return (
    Number(b.pinned) - Number(a.pinned) ||
    Number(isOpenIssue(b)) - Number(isOpenIssue(a)) ||
    URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
    b.supporters.length - a.supporters.length ||
    a.raisedAt - b.raisedAt ||
    a.id.localeCompare(b.id)
  );
}

export const orderIssues = (issues: Iterable<Issue>): Issue[] => [...issues].sort(compareIssues);

/** When the issue must be acknowledged and decided by (null: by the end of the session). */
export function dueTimes(i: Issue, settings: IssueSettings): { acknowledgeBy: number; decideBy: number | null } {
  const t = settings.targets[i.urgency];
  return {
    acknowledgeBy: i.raisedAt + t.acknowledgeSec * 1000,
    decideBy: t.decideSec === null ? null : i.raisedAt + t.decideSec * 1000,
  };
}

/** Which targets the issue has missed at `now`. */
export function overdue(i: Issue, settings: IssueSettings, now: number): { acknowledge: boolean; decide: boolean } {
  const due = dueTimes(i, settings);
  return {
    acknowledge: i.status === 'raised' && now >= due.acknowledgeBy,
    decide: isOpenIssue(i) && due.decideBy !== null && now >= due.decideBy,
  };
}

/** The next moment an open issue crosses a target it has not yet been escalated for. */
export function nextEscalationAt(issues: Iterable<Issue>, settings: IssueSettings): number | null {
  let next: number | null = null;
  for (const i of issues) {
    const due = dueTimes(i, settings);
    const candidates = [
      i.status === 'raised' && !i.escalated.acknowledge ? due.acknowledgeBy : null,
      isOpenIssue(i) && !i.escalated.decide ? due.decideBy : null,
    ];
    for (const c of candidates) {
      if (c !== null && (next === null || c < next)) {
        next = c;
      }
    }
  }
  return next;
}

export function issueTimes(i: Issue): IssueTimes {
  const decidedOrEnded = i.decidedAt ?? (i.status === 'referred' || i.status === 'rejected' ? i.endedAt : null);
  return {
    timeToAcknowledgeMs: i.acknowledgedAt === null ? null : i.acknowledgedAt - i.raisedAt,
    timeToDecisionMs: decidedOrEnded === null ? null : decidedOrEnded - i.raisedAt,
  };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) {
    return null;
  }
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export function summarizeIssues(issues: readonly Issue[], settings: IssueSettings, now: number): IssueSummary {
  const times = issues.map(issueTimes);
  const ack = times.flatMap((t) => (t.timeToAcknowledgeMs === null ? [] : [t.timeToAcknowledgeMs]));
  const dec = times.flatMap((t) => (t.timeToDecisionMs === null ? [] : [t.timeToDecisionMs]));
  return {
    total: issues.length,
    open: issues.filter(isOpenIssue).length,
    overdue: issues.filter((i) => {
      const o = overdue(i, settings, now);
      return o.acknowledge || o.decide;
    }).length,
    acknowledge: { count: ack.length, medianMs: median(ack), maxMs: ack.length ? Math.max(...ack) : null },
    decision: { count: dec.length, medianMs: median(dec), maxMs: dec.length ? Math.max(...dec) : null },
  };
}
