import { useEffect, useState } from 'react';
import type { Issue, IssueSettings } from '@concord/shared';
import { isOverdue, nextCrossingAt } from '../../state/issues';
import { serverNow } from '../../state/proceedings';

/** A crossing is looked at this long after it is due, so the server clock estimate is past it. */
const CROSSING_SLACK_MS = 50;
/** setTimeout's ceiling (about 24 days); a later crossing re-arms the timer when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Whether an issue is overdue now. Re-renders the caller once, when the next target passes,
 * rather than on every clock tick: a long queue of cards stays still between crossings.
 */
export function useOverdue(issue: Issue, settings: IssueSettings, clockOffsetMs: number): boolean {
  const [wakeUps, setWakeUps] = useState(0);
  const now = serverNow(clockOffsetMs);
  const crossingAt = nextCrossingAt(issue, settings, now);
  useEffect(() => {
    if (crossingAt === null) {
      return;
    }
    const delay = Math.max(0, crossingAt - serverNow(clockOffsetMs)) + CROSSING_SLACK_MS;
    const timer = setTimeout(() => setWakeUps((n) => n + 1), Math.min(delay, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [crossingAt, clockOffsetMs, wakeUps]);
  return isOverdue(issue, settings, now);
}
