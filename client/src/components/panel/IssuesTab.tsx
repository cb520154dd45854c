import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mayRaise, NO_FILTER, visibleIssues, type IssueFilter } from '../../state/issues';
import { mayDo, type ProceedingsView } from '../../state/proceedings';
import { CriticalSoundSwitch } from '../issues/CriticalAlerts';
import { IssueFilters } from '../issues/IssueFilters';
import { IssueQueue } from '../issues/IssueQueue';
import { IssueSummaryStrip } from '../issues/IssueSummaryStrip';
import { RaiseIssueForm } from '../issues/RaiseIssueForm';
import { Switch } from '../Switch';

/**
 * The Issues tab of the side panel: the live queue for everyone, the raise form and the
 * "my site" filter for members, triage controls for the chair. A commander works the
 * queue on the main screen instead, so it is not drawn twice.
 */
export function IssuesTab({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<IssueFilter>(NO_FILTER);
  const { self } = view;
  const ownSite = self.siteId;

  if (self.role === 'commander') {
    return (
      <section className="panel-section" data-testid="issues-tab" aria-labelledby="issues-heading">
        <h2 id="issues-heading" className="panel-section__title">
          {t('issues.title')}
        </h2>
        <p className="panel-empty" data-testid="issues-on-main-view">
          {t('issues.onMainView')}
        </p>
      </section>
    );
  }

  return (
    <section className="panel-section" data-testid="issues-tab" aria-labelledby="issues-heading">
      <h2 id="issues-heading" className="panel-section__title">
        {t('issues.title')}
      </h2>
      {mayRaise({ role: self.role, siteId: self.siteId, isChair: view.isChair }) && (
        <RaiseIssueForm settings={view.issueSettings} />
      )}
      {mayDo(view, 'issue.triage') && (
        <IssueSummaryStrip issues={view.issues} settings={view.issueSettings} clockOffsetMs={view.clockOffsetMs} />
      )}
      {view.isChair && <CriticalSoundSwitch />}
      {ownSite !== null && (
        // "My site's issues" is the site filter set to one's own site: the two never disagree.
        <Switch
          testId="filter-my-site"
          checked={filter.siteId === ownSite}
          onChange={(checked) => setFilter({ ...filter, siteId: checked ? ownSite : 'all' })}
          label={t('issues.filters.mySite')}
        />
      )}
      <IssueFilters session={view.session} filter={filter} onChange={setFilter} />
      <IssueQueue view={view} issues={visibleIssues(view.issues, filter)} filtered={view.issues.size > 0} />
    </section>
  );
}
