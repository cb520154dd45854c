import { describe, expect, it } from 'vitest';
import {
  IssueIdSchema,
  ParticipantIdSchema,
  SiteIdSchema,
  type Issue,
  type IssueId,
  type LogEntry,
} from '@concord/shared';
import { escalationsIn, receivesOverdueAlerts } from './issuesSync';

const T0 = 1_900_000_000_000;
const homs = SiteIdSchema.parse('homs');
const issueId = IssueIdSchema.parse('iss_1');
const amal = {
  participantId: ParticipantIdSchema.parse('amal'),
  displayName: 'Amal',
  role: 'member' as const,
  siteId: homs,
};

const issue: Issue = {
  id: issueId,
  title: 'Water pumping station out of fuel',
  details: '',
  category: 'services',
  urgency: 'critical',
  status: 'raised',
  siteId: homs,
  raisedBy: amal,
  supporters: [],
  assignee: null,
  agendaItemId: null,
  pinned: false,
  raisedAt: T0,
  acknowledgedAt: null,
  decidedAt: null,
  endedAt: null,
  resolution: null,
  escalated: { acknowledge: true, decide: false },
  carriedFrom: null,
  timeline: [],
  version: 2,
};
const issues: ReadonlyMap<IssueId, Issue> = new Map([[issueId, issue]]);

const changed = (events: Extract<LogEntry, { type: 'issue.changed' }>['payload']['events']): LogEntry => ({
  type: 'issue.changed',
  payload: { issueId, events },
  seq: 9,
  at: T0 + 120_000,
  actor: { kind: 'system', component: 'escalation' },
  hash: 'hash-9',
});

describe('overdue alerts', () => {
  it('come from the escalated events of an issue change, with the issue as it is now', () => {
    const entry = changed([{ type: 'escalated', issueId, at: T0 + 120_000, target: 'acknowledge' }]);
    expect(escalationsIn(entry, issues)).toEqual([
      { issueId, target: 'acknowledge', title: issue.title, urgency: 'critical' },
    ]);
  });

  it('do not come from other steps of an issue', () => {
    const entry = changed([{ type: 'acknowledged', issueId, at: T0 + 60_000, by: amal }]);
    expect(escalationsIn(entry, issues)).toEqual([]);
  });

  it('are for commanders, operators and whoever holds the chair', () => {
    expect(receivesOverdueAlerts({ role: 'commander', isChair: false })).toBe(true);
    expect(receivesOverdueAlerts({ role: 'operator', isChair: false })).toBe(true);
    expect(receivesOverdueAlerts({ role: 'member', isChair: true })).toBe(true);
    expect(receivesOverdueAlerts({ role: 'member', isChair: false })).toBe(false);
    expect(receivesOverdueAlerts({ role: 'observer', isChair: false })).toBe(false);
  });
});
