import { useTranslation } from 'react-i18next';
import { isOpenIssue, issueTimes, type Issue, type IssueSettings } from '@concord/shared';
import { assertUnreachable } from '../../assert';
import { ageOf, nextTarget, type Age } from '../../state/issues';
import { formatClock } from '../../state/proceedings';
import { useServerNow } from '../../state/useServerNow';
import { Countdown } from '../Countdown';

/** "12 min" in the reader's language. */
export function useAgeText(): (age: Age) => string {
  const { t } = useTranslation();
  return (age) => {
    switch (age.unit) {
      case 's':
        return t('issues.age.seconds', { count: age.count });
      case 'min':
        return t('issues.age.minutes', { count: age.count });
      case 'h':
        return t('issues.age.hours', { hours: age.hours, minutes: age.minutes });
      default:
        return assertUnreachable(age);
    }
  };
}

interface IssueClockProps {
  issue: Issue;
  settings: IssueSettings;
  clockOffsetMs: number;
}

/**
 * The time side of an issue. Open: how long it has waited and the time left to the next
 * target (red, with "overdue", once missed). Settled: how long acknowledging and deciding took.
 */
export function IssueClock({ issue, settings, clockOffsetMs }: IssueClockProps) {
  const open = isOpenIssue(issue);
  return open ? (
    <OpenClock issue={issue} settings={settings} clockOffsetMs={clockOffsetMs} />
  ) : (
    <MeasuredTimes issue={issue} />
  );
}

function OpenClock({ issue, settings, clockOffsetMs }: IssueClockProps) {
  const { t } = useTranslation();
  const ageText = useAgeText();
  const now = useServerNow(clockOffsetMs);
  const clock = nextTarget(issue, settings, now);
  const age = ageText(ageOf(now - issue.raisedAt));
  if (!clock) {
    return null;
  }
  const label = clock.overdue
    ? t(clock.target === 'acknowledge' ? 'issues.clock.acknowledgeOverdue' : 'issues.clock.decideOverdue')
    : t(clock.target === 'acknowledge' ? 'issues.clock.toAcknowledge' : 'issues.clock.toDecide');
  return (
    <div
      className={clock.overdue ? 'issue-clock issue-clock--overdue' : 'issue-clock'}
      data-testid="issue-clock"
      data-target={clock.target}
      data-overdue={clock.overdue ? 'true' : 'false'}
    >
      <span className="issue-clock__age" data-testid="issue-age">
        {t('issues.age.waiting', { age })}
      </span>
      {clock.remainingMs === null ? (
        <span className="issue-clock__target muted" data-testid="issue-no-deadline">
          {t('issues.clock.noDeadline')}
        </span>
      ) : (
        <span className="issue-clock__target">
          <span className="issue-clock__label">{label}</span>
          <Countdown remainingMs={clock.remainingMs} testId="issue-timer" />
        </span>
      )}
    </div>
  );
}

function MeasuredTimes({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  const times = issueTimes(issue);
  if (times.timeToAcknowledgeMs === null && times.timeToDecisionMs === null) {
    return null;
  }
  return (
    <div className="issue-clock issue-clock--settled muted" data-testid="issue-measured">
      {times.timeToAcknowledgeMs !== null && (
        <span data-testid="issue-time-to-acknowledge" data-ms={times.timeToAcknowledgeMs}>
          {t('issues.clock.acknowledgedIn')} <bdi dir="ltr">{formatClock(times.timeToAcknowledgeMs)}</bdi>
        </span>
      )}
      {times.timeToDecisionMs !== null && (
        <span data-testid="issue-time-to-decision" data-ms={times.timeToDecisionMs}>
          {t('issues.clock.decidedIn')} <bdi dir="ltr">{formatClock(times.timeToDecisionMs)}</bdi>
        </span>
      )}
    </div>
  );
}
