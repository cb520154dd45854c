import type { Issue } from '@concord/shared';

// A new critical issue must not go unnoticed by the people who answer it (commanders and the
// chair): it rings once when it arrives and stays highlighted until someone on this screen
// opens it, or it is acknowledged. Pure: the screen keeps the state and plays the sound.

export interface CriticalAlerts {
  /** Every issue id seen so far: an issue rings only the first time it is seen. */
  seen: ReadonlySet<string>;
  /** Opened on this screen. */
  opened: ReadonlySet<string>;
}

export const NO_ALERTS: CriticalAlerts = { seen: new Set(), opened: new Set() };

/** Critical and still waiting for its acknowledgement. */
const waiting = (issue: Issue) => issue.urgency === 'critical' && issue.status === 'raised';

/**
 * The state after the issues changed, and which critical issues just arrived (ring for them).
 * `first`: the issues the screen found when it opened are highlighted but do not ring.
 */
export function nextCriticalAlerts(
  state: CriticalAlerts,
  issues: Iterable<Issue>,
  first: boolean,
): { state: CriticalAlerts; arrived: string[] } {
  const arrived: string[] = [];
  let seen: Set<string> | null = null;
  for (const issue of issues) {
    if (state.seen.has(issue.id)) {
      continue;
    }
    seen ??= new Set(state.seen);
    seen.add(issue.id);
    if (!first && waiting(issue)) {
      arrived.push(issue.id);
    }
  }
  return { state: seen === null ? state : { ...state, seen }, arrived };
}

/** The issue was opened here: no longer highlighted. */
export function openedCritical(state: CriticalAlerts, issueId: string): CriticalAlerts {
  return state.opened.has(issueId) ? state : { ...state, opened: new Set(state.opened).add(issueId) };
}

/** Highlighted: critical, waiting for acknowledgement, not opened here. */
export function isHighlighted(state: CriticalAlerts, issue: Issue): boolean {
  return waiting(issue) && !state.opened.has(issue.id);
}
