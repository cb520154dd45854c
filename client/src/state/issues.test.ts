import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ISSUE_SETTINGS,
  IssueIdSchema,
  RaiseIssueSchema,
  SiteIdSchema,
  type Issue,
  type IssueStatus,
} from '@concord/shared';
import {
  ageOf,
  alertStillDue,
  allowedSteps,
  isOverdue,
  matchesFilter,
  newIdempotencyKey,
  nextCrossingAt,
  nextTarget,
  NO_FILTER,
  supportState,
  visibleIssues,
} from './issues';
import { issueFixture } from '@concord/shared/testing';

const homs = SiteIdSchema.parse('homs');
const daraa = SiteIdSchema.parse('daraa');
const RAISED_AT = 1_000_000;
const SECOND = 1000;

const issue = (overrides: Partial<Issue> = {}): Issue => issueFixture(overrides, RAISED_AT);

const settings = DEFAULT_ISSUE_SETTINGS;
const ackSec = settings.targets.critical.acknowledgeSec;
const decideSec = settings.targets.critical.decideSec ?? 0;

describe('the time targets a card shows', () => {
  it('a raised critical issue counts down to its acknowledgement target, then shows it overdue', () => {
    const before = nextTarget(issue(), settings, RAISED_AT + 30 * SECOND);
    expect(before).toEqual({ target: 'acknowledge', remainingMs: (ackSec - 30) * SECOND, overdue: false });
    const after = nextTarget(issue(), settings, RAISED_AT + (ackSec + 5) * SECOND);
    expect(after).toEqual({ target: 'acknowledge', remainingMs: -5 * SECOND, overdue: true });
    expect(isOverdue(issue(), settings, RAISED_AT + (ackSec + 5) * SECOND)).toBe(true);
  });

  it('an acknowledged issue counts down to its decision target', () => {
    const acknowledged = issue({ status: 'acknowledged', acknowledgedAt: RAISED_AT + SECOND });
    const clock = nextTarget(acknowledged, settings, RAISED_AT + (ackSec + 5) * SECOND);
    expect(clock).toEqual({ target: 'decide', remainingMs: (decideSec - ackSec - 5) * SECOND, overdue: false });
    expect(isOverdue(acknowledged, settings, RAISED_AT + (ackSec + 5) * SECOND)).toBe(false);
  });

  it('a routine issue has no decision deadline once acknowledged', () => {
    const routine = issue({ urgency: 'routine', status: 'in_review' });
    expect(nextTarget(routine, settings, RAISED_AT)).toEqual({ target: 'decide', remainingMs: null, overdue: false });
  });

  it('a settled issue has no clock and is never overdue', () => {
    const decided = issue({ status: 'decided', decidedAt: RAISED_AT + SECOND });
    expect(nextTarget(decided, settings, RAISED_AT + 10 * decideSec * SECOND)).toBeNull();
    expect(isOverdue(decided, settings, RAISED_AT + 10 * decideSec * SECOND)).toBe(false);
    expect(nextCrossingAt(decided, settings, RAISED_AT)).toBeNull();
  });

  it('the next crossing is the nearest target still ahead', () => {
    expect(nextCrossingAt(issue(), settings, RAISED_AT)).toBe(RAISED_AT + ackSec * SECOND);
    expect(nextCrossingAt(issue(), settings, RAISED_AT + (ackSec + 1) * SECOND)).toBe(RAISED_AT + decideSec * SECOND);
  });

  it('an overdue alert goes once the step it asks for is taken', () => {
    expect(alertStillDue(issue(), 'acknowledge')).toBe(true);
    expect(alertStillDue(issue({ status: 'acknowledged' }), 'acknowledge')).toBe(false);
    expect(alertStillDue(issue({ status: 'in_review' }), 'decide')).toBe(true);
    expect(alertStillDue(issue({ status: 'decided' }), 'decide')).toBe(false);
  });
});

describe('filters and support', () => {
  it('filters by open status, urgency and site', () => {
    const a = issue();
    const b = issue({ id: IssueIdSchema.parse('iss_2'), status: 'decided', urgency: 'routine', siteId: daraa });
    const map = new Map([
      [a.id, a],
      [b.id, b],
    ]);
    expect(visibleIssues(map, NO_FILTER).map((i) => i.id)).toEqual([a.id, b.id]);
    expect(visibleIssues(map, { ...NO_FILTER, status: 'open' }).map((i) => i.id)).toEqual([a.id]);
    expect(matchesFilter(b, { ...NO_FILTER, urgency: 'routine', siteId: daraa })).toBe(true);
    expect(matchesFilter(b, { ...NO_FILTER, siteId: homs })).toBe(false);
  });

  it('a member supports only other sites’ open issues, once', () => {
    const member = { role: 'member' as const, siteId: daraa, isChair: false };
    expect(supportState(issue(), member)).toBe('can');
    expect(supportState(issue({ supporters: [daraa] }), member)).toBe('supported');
    expect(supportState(issue({ siteId: daraa }), member)).toBe('own');
    expect(supportState(issue({ status: 'rejected' }), member)).toBe('none');
    expect(supportState(issue(), { role: 'commander', siteId: null, isChair: false })).toBe('none');
    expect(supportState(issue(), { role: 'chair', siteId: daraa, isChair: true })).toBe('none');
  });
});

describe('commander steps', () => {
  it('acknowledge then decide: deciding is offered only once the issue is acknowledged', () => {
    const steps = (s: IssueStatus) => allowedSteps(s);
    expect(steps('raised')).toContain('acknowledge');
    expect(steps('raised')).not.toContain('decide');
    expect(steps('acknowledged')).toContain('decide');
    expect(steps('in_review')).toContain('decide');
    expect(steps('decided')).toEqual(['close']);
    expect(steps('rejected')).toEqual([]);
  });
});

describe('raising', () => {
  it('makes a fresh idempotency key the protocol accepts for every submission', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).not.toBe(b);
    const parsed = RaiseIssueSchema.safeParse({ idempotencyKey: a, title: 't', category: 'other', urgency: 'routine' });
    expect(parsed.success).toBe(true);
  });

  it('says how long an issue has waited in the largest unit', () => {
    expect(ageOf(42 * SECOND)).toEqual({ unit: 's', count: 42 });
    expect(ageOf(12 * 60 * SECOND + 5)).toEqual({ unit: 'min', count: 12 });
    expect(ageOf(2 * 3600 * SECOND + 5 * 60 * SECOND)).toEqual({ unit: 'h', hours: 2, minutes: 5 });
  });
});
