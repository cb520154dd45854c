import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ISSUE_SETTINGS,
  ErrorCode,
  ISSUE_STATUSES,
  IssueIdSchema,
  ParticipantIdSchema,
  SiteIdSchema,
  applyIssueEvent,
  dueTimes,
  issueTimes,
  nextEscalationAt,
  orderIssues,
  overdue,
  replayIssues,
  summarizeIssues,
  type Actor,
  type Issue,
  type IssueEvent,
  type IssueStatus,
  type Urgency,
} from '@concord/shared';
import { applyCommand, eventsFor, type IssueCommand } from './issues.js';

const T0 = 1_800_000_000_000;
const member: Actor = {
  participantId: ParticipantIdSchema.parse('p_homs'),
  displayName: 'Omar',
  role: 'member',
  siteId: SiteIdSchema.parse('homs'),
};
const commander: Actor = {
  participantId: ParticipantIdSchema.parse('p_cmd'),
  displayName: 'Commander',
  role: 'commander',
  siteId: null,
};

let n = 0;
function raised(urgency: Urgency = 'critical', at = T0, site = 'homs'): Issue {
  return applyIssueEvent(null, {
    type: 'raised',
    issueId: IssueIdSchema.parse(`iss_${++n}`),
    at,
    by: member,
    title: `Issue ${n}`,
    details: '',
    category: 'detainees',
    urgency,
    siteId: SiteIdSchema.parse(site),
    carriedFrom: null,
  });
}
const step = (i: Issue, cmd: IssueCommand, at = T0 + 1000) => applyCommand(i, cmd, commander, at).issue;

/** An issue brought to `status` through the allowed path. */
function inStatus(status: IssueStatus): Issue {
  const i = raised();
  switch (status) {
    case 'raised':
      return i;
    case 'acknowledged':
      return step(i, { kind: 'acknowledge' });
    case 'in_review':
      return step(inStatus('acknowledged'), { kind: 'review' });
    case 'decided':
      return step(inStatus('in_review'), { kind: 'decide', decision: 'Release list verified' });
    case 'closed':
      return step(inStatus('decided'), { kind: 'close', note: null });
    case 'referred':
      return step(i, { kind: 'refer', body: 'Joint technical committee', note: 'needs records' });
    case 'rejected':
      return step(i, { kind: 'reject', reason: 'duplicate' });
  }
}

const COMMANDS: Record<string, IssueCommand> = {
  acknowledge: { kind: 'acknowledge' },
  review: { kind: 'review' },
  decide: { kind: 'decide', decision: 'x' },
  close: { kind: 'close', note: null },
  refer: { kind: 'refer', body: 'Body', note: '' },
  reject: { kind: 'reject', reason: 'r' },
};
/** The lifecycle: which steps each status allows. */
const ALLOWED: Record<IssueStatus, string[]> = {
  raised: ['acknowledge', 'refer', 'reject'],
  acknowledged: ['review', 'decide', 'refer', 'reject'],
  in_review: ['decide', 'refer', 'reject'],
  decided: ['close'],
  closed: [],
  referred: [],
  rejected: [],
};

describe('issue lifecycle', () => {
  for (const status of ISSUE_STATUSES) {
    for (const [name, cmd] of Object.entries(COMMANDS)) {
      const allowed = ALLOWED[status].includes(name);
      it(`${name} is ${allowed ? 'allowed' : 'refused with INVALID_TRANSITION'} when the issue is ${status}`, () => {
        const issue = inStatus(status);
        if (allowed) {
          expect(() => eventsFor(issue, cmd, commander, T0)).not.toThrow();
        } else {
          expect(() => eventsFor(issue, cmd, commander, T0)).toThrow(
            expect.objectContaining({ code: ErrorCode.INVALID_TRANSITION }),
          );
        }
      });
    }
  }

  it('deciding an acknowledged issue records the review on the way (two clicks for a commander)', () => {
    const { issue, events } = applyCommand(
      inStatus('acknowledged'),
      { kind: 'decide', decision: 'Corridor reopened' },
      commander,
      T0 + 5000,
    );
    expect(events.map((e) => e.type)).toEqual(['review_started', 'decided']);
    expect(issue).toMatchObject({
      status: 'decided',
      decidedAt: T0 + 5000,
      resolution: { kind: 'decided', text: 'Corridor reopened' },
    });
  });

  it('every step records who and when in the timeline', () => {
    const i = inStatus('closed');
    expect(i.timeline.map((e) => [e.type, e.by])).toEqual([
      ['raised', 'Omar'],
      ['acknowledged', 'Commander'],
      ['review_started', 'Commander'],
      ['decided', 'Commander'],
      ['closed', 'Commander'],
    ]);
  });

  it("a site supports another site's issue once, never its own", () => {
    const i = raised();
    const daraa = SiteIdSchema.parse('daraa');
    const once = applyCommand(i, { kind: 'support', siteId: daraa }, member, T0).issue;
    expect(once.supporters).toEqual(['daraa']);
    expect(() => eventsFor(once, { kind: 'support', siteId: daraa }, member, T0)).toThrow(/already supports/);
    expect(() => eventsFor(i, { kind: 'support', siteId: SiteIdSchema.parse('homs') }, member, T0)).toThrow(
      /own issue/,
    );
    expect(() => eventsFor(inStatus('closed'), { kind: 'support', siteId: daraa }, member, T0)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TRANSITION }),
    );
  });

  it('replaying the events rebuilds the same issue', () => {
    let issue = raised();
    const events: IssueEvent[] = [];
    const first = issue.timeline[0]!;
    events.push({
      type: 'raised',
      issueId: issue.id,
      at: first.at,
      by: member,
      title: issue.title,
      details: '',
      category: 'detainees',
      urgency: 'critical',
      siteId: issue.siteId,
      carriedFrom: null,
    });
    for (const cmd of [
      { kind: 'support', siteId: SiteIdSchema.parse('daraa') },
      { kind: 'acknowledge' },
      { kind: 'pin', pinned: true },
      { kind: 'decide', decision: 'ok' },
    ] as IssueCommand[]) {
      const r = applyCommand(issue, cmd, commander, T0 + events.length);
      issue = r.issue;
      events.push(...r.events);
    }
    expect(replayIssues(events).get(issue.id)).toEqual(issue);
  });
});

describe('queue order', () => {
  it("urgency first, then supporting sites, then age; the chair's pin beats all; settled issues go last", () => {
    const routineOld = raised('routine', T0);
    const urgent = raised('urgent', T0 + 10);
    const criticalNew = raised('critical', T0 + 20);
    const criticalSupported = step(raised('critical', T0 + 30), {
      kind: 'support',
      siteId: SiteIdSchema.parse('daraa'),
    });
    const criticalOld = raised('critical', T0 + 5);
    const pinnedRoutine = step(raised('routine', T0 + 40), { kind: 'pin', pinned: true });
    const decided = inStatus('decided');
    const order = orderIssues([
      routineOld,
      urgent,
      criticalNew,
      decided,
      criticalSupported,
      criticalOld,
      pinnedRoutine,
    ]).map((i) => i.id);
    expect(order).toEqual([
      pinnedRoutine.id,
      criticalSupported.id,
      criticalOld.id,
      criticalNew.id,
      urgent.id,
      routineOld.id,
      decided.id,
    ]);
  });
});

describe('time targets and escalation', () => {
  const s = DEFAULT_ISSUE_SETTINGS;
  it('defaults: critical 2 min / 30 min, urgent 10 min / 2 h, routine 1 h / end of session', () => {
    expect(dueTimes(raised('critical'), s)).toEqual({ acknowledgeBy: T0 + 120_000, decideBy: T0 + 1_800_000 });
    expect(dueTimes(raised('urgent'), s)).toEqual({ acknowledgeBy: T0 + 600_000, decideBy: T0 + 7_200_000 });
    expect(dueTimes(raised('routine'), s)).toEqual({ acknowledgeBy: T0 + 3_600_000, decideBy: null });
  });
  it('a critical issue not acknowledged within 2 minutes is overdue; acknowledging stops that clock', () => {
    const i = raised('critical');
    expect(overdue(i, s, T0 + 119_999)).toEqual({ acknowledge: false, decide: false });
    expect(overdue(i, s, T0 + 120_000)).toEqual({ acknowledge: true, decide: false });
    expect(overdue(step(i, { kind: 'acknowledge' }), s, T0 + 130_000).acknowledge).toBe(false);
    expect(overdue(step(i, { kind: 'acknowledge' }), s, T0 + 1_800_000).decide).toBe(true);
    expect(overdue(inStatus('decided'), s, T0 + 10 * 3_600_000)).toEqual({ acknowledge: false, decide: false });
  });
  it('the next escalation is the earliest missed target not yet escalated', () => {
    const i = raised('critical');
    expect(nextEscalationAt([i, raised('urgent')], s)).toBe(T0 + 120_000);
    const escalated = applyIssueEvent(i, { type: 'escalated', issueId: i.id, at: T0 + 120_000, target: 'acknowledge' });
    expect(nextEscalationAt([escalated], s)).toBe(T0 + 1_800_000);
    expect(nextEscalationAt([inStatus('closed')], s)).toBeNull();
  });
  it('time to acknowledge and to decision are measured per issue and summarised', () => {
    const a = step(
      step(raised('critical', T0), { kind: 'acknowledge' }, T0 + 30_000),
      { kind: 'decide', decision: 'ok' },
      T0 + 90_000,
    );
    const b = step(raised('urgent', T0), { kind: 'acknowledge' }, T0 + 50_000);
    expect(issueTimes(a)).toEqual({ timeToAcknowledgeMs: 30_000, timeToDecisionMs: 90_000 });
    expect(issueTimes(b)).toEqual({ timeToAcknowledgeMs: 50_000, timeToDecisionMs: null });
    const summary = summarizeIssues([a, b, raised('critical', T0)], s, T0 + 200_000);
    expect(summary).toMatchObject({
      total: 3,
      open: 2,
      overdue: 1,
      acknowledge: { count: 2, medianMs: 40_000, maxMs: 50_000 },
      decision: { count: 1, medianMs: 90_000 },
    });
  });
});
