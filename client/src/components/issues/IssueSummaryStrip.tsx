import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { summarizeIssues, type Issue, type IssueId, type IssueSettings } from '@concord/shared';
import { formatClock } from '../../state/proceedings';
import { useServerNow } from '../../state/useServerNow';

interface IssueSummaryStripProps {
  issues: ReadonlyMap<IssueId, Issue>;
  settings: IssueSettings;
  clockOffsetMs: number;
}

/** The queue at a glance: how many wait, how many are late, and how fast commanders answer. */
export function IssueSummaryStrip({ issues, settings, clockOffsetMs }: IssueSummaryStripProps) {
  const { t } = useTranslation();
  const list = useMemo(() => [...issues.values()], [issues]);
  const now = useServerNow(clockOffsetMs);
  const summary = summarizeIssues(list, settings, now);
  const median = (ms: number | null) => (ms === null ? '—' : formatClock(ms));
  return (
    <dl className="issue-summary" data-testid="issue-summary">
      <div className="issue-summary__item" data-testid="summary-open" data-value={summary.open}>
        <dt>{t('issues.summary.open')}</dt>
        <dd>{summary.open}</dd>
      </div>
      <div
        className={summary.overdue > 0 ? 'issue-summary__item issue-summary__item--alert' : 'issue-summary__item'}
        data-testid="summary-overdue"
        data-value={summary.overdue}
      >
        <dt>{t('issues.summary.overdue')}</dt>
        <dd>{summary.overdue}</dd>
      </div>
      <div
        className="issue-summary__item"
        data-testid="summary-acknowledge"
        data-value={summary.acknowledge.medianMs ?? ''}
        data-count={summary.acknowledge.count}
      >
        <dt>{t('issues.summary.medianAcknowledge')}</dt>
        <dd dir="ltr">{median(summary.acknowledge.medianMs)}</dd>
      </div>
      <div
        className="issue-summary__item"
        data-testid="summary-decide"
        data-value={summary.decision.medianMs ?? ''}
        data-count={summary.decision.count}
      >
        <dt>{t('issues.summary.medianDecide')}</dt>
        <dd dir="ltr">{median(summary.decision.medianMs)}</dd>
      </div>
    </dl>
  );
}
