import { describe, expect, it } from 'vitest';
import { IssueIdSchema, type Issue } from '@concord/shared';
import { issueFixture } from '@concord/shared/testing';
import { NO_ALERTS, isHighlighted, nextCriticalAlerts, openedCritical } from './criticalAlerts';

function issue(id: string, overrides: Partial<Issue> = {}): Issue {
  return issueFixture({
    id: IssueIdSchema.parse(id),
    title: 'Shelling reported near the crossing',
    category: 'other',
    raisedAt: 1_000,
    ...overrides,
  });
}

describe('new critical issues for those who answer them', () => {
  it('a critical issue that arrives rings once; routine and urgent ones do not', () => {
    const start = nextCriticalAlerts(NO_ALERTS, [], true).state;
    const a = issue('iss_a');
    const once = nextCriticalAlerts(
      start,
      [a, issue('iss_b', { urgency: 'routine' }), issue('iss_c', { urgency: 'urgent' })],
      false,
    );
    expect(once.arrived).toEqual(['iss_a']);
    // The same issue again (any later change of the queue) does not ring again.
    expect(nextCriticalAlerts(once.state, [{ ...a, version: 2 }], false).arrived).toEqual([]);
  });

  it('issues found when the screen opens are highlighted but do not ring', () => {
    const first = nextCriticalAlerts(NO_ALERTS, [issue('iss_a')], true);
    expect(first.arrived).toEqual([]);
    expect(isHighlighted(first.state, issue('iss_a'))).toBe(true);
  });

  it('stays highlighted until opened here or acknowledged', () => {
    const a = issue('iss_a');
    const { state } = nextCriticalAlerts(NO_ALERTS, [a], false);
    expect(isHighlighted(state, a)).toBe(true);
    expect(isHighlighted(openedCritical(state, 'iss_a'), a)).toBe(false);
    expect(isHighlighted(state, { ...a, status: 'acknowledged' })).toBe(false);
    expect(isHighlighted(state, issue('iss_r', { urgency: 'routine' }))).toBe(false);
  });

  it('an acknowledged critical issue seen for the first time does not ring', () => {
    expect(nextCriticalAlerts(NO_ALERTS, [issue('iss_a', { status: 'acknowledged' })], false).arrived).toEqual([]);
  });
});
