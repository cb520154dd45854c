import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CriticalSoundSwitch } from '../../components/issues/CriticalAlerts';
import { IssueFilters } from '../../components/issues/IssueFilters';
import { IssueQueue } from '../../components/issues/IssueQueue';
import { IssueSummaryStrip } from '../../components/issues/IssueSummaryStrip';
import { NO_FILTER, visibleIssues, type IssueFilter } from '../../state/issues';
import type { ProceedingsView } from '../../state/proceedings';

/**
 * A commander's main view: the whole queue, one dense row per issue, with the numbers that
 * say how fast matters are answered. Overdue issues are red and lead their urgency group
 * (the shared queue order puts the oldest first, and the oldest are the ones that are late).
 */
export function CommanderBoard({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<IssueFilter>(NO_FILTER);
  const issues = visibleIssues(view.issues, filter);
  return (
    <section className="board" data-testid="commander-board" aria-labelledby="board-heading">
      <div className="board__header">
        <h2 id="board-heading" className="board__title">
          {t('issues.boardTitle')}
        </h2>
        <IssueSummaryStrip issues={view.issues} settings={view.issueSettings} clockOffsetMs={view.clockOffsetMs} />
        <CriticalSoundSwitch />
      </div>
      <IssueFilters session={view.session} filter={filter} onChange={setFilter} />
      <div className="board__queue">
        <IssueQueue view={view} issues={issues} filtered={view.issues.size > 0} dense />
      </div>
    </section>
  );
}
