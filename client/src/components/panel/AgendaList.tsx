import { useTranslation } from 'react-i18next';
import type { AgendaItem, Issue } from '@concord/shared';
import { linkedIssues } from '../../state/issues';
import { formatClock, siteName, type ProceedingsView } from '../../state/proceedings';

export function StatusBadge({ item }: { item: AgendaItem }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--${item.status}`} data-testid="agenda-status" data-status={item.status}>
      {t(`agenda.status.${item.status}`)}
    </span>
  );
}

/** An item's allotment: whole minutes in words, anything else as m:ss. */
export function Allotment({ seconds }: { seconds: number }) {
  const { t } = useTranslation();
  if (seconds % 60 === 0) {
    return <span data-testid="agenda-allotment-text">{t('agenda.minutes', { count: seconds / 60 })}</span>;
  }
  return (
    <span data-testid="agenda-allotment-text" dir="ltr">
      {formatClock(seconds * 1000)}
    </span>
  );
}

/** The issues the chair linked to an item: how many, and which. */
function LinkedIssues({ issues }: { issues: readonly Issue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) {
    return null;
  }
  return (
    <div className="agenda__issues" data-testid="agenda-linked-issues" data-count={issues.length}>
      <span className="agenda__issues-count">{t('agenda.linkedIssues', { count: issues.length })}</span>
      <ul className="agenda__issues-list">
        {issues.map((issue) => (
          <li
            key={issue.id}
            className={`agenda__issue agenda__issue--${issue.urgency}`}
            data-testid="agenda-linked-issue"
            data-issue-id={issue.id}
            data-status={issue.status}
          >
            {issue.title}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface AgendaItemSummaryProps {
  item: AgendaItem;
  site: string | null | undefined;
  /** The issues linked to this item, in queue order. */
  issues: readonly Issue[];
}

/** Title, status, presenting site, allotment, outcome and linked issues of one item (read-only view and chair editor alike). */
export function AgendaItemSummary({ item, site, issues }: AgendaItemSummaryProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="agenda__head">
        <span className="agenda__title">{item.title}</span>
        <StatusBadge item={item} />
      </div>
      <div className="agenda__meta muted">
        {site && <span>{site}</span>}
        <Allotment seconds={item.allotmentSec} />
      </div>
      {item.outcome && <p className="agenda__outcome">{t('agenda.outcome', { outcome: item.outcome })}</p>}
      <LinkedIssues issues={issues} />
    </>
  );
}

/** The whole agenda as every participant sees it. */
export function AgendaList({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { agenda } = view.proceedings;
  return (
    <section className="panel-section" aria-labelledby="agenda-heading">
      <h2 id="agenda-heading" className="panel-section__title">
        {t('agenda.title')}
      </h2>
      {agenda.length === 0 ? (
        <p className="panel-empty">{t('agenda.empty')}</p>
      ) : (
        <ol className="agenda" data-testid="agenda-list">
          {agenda.map((item) => {
            const site = siteName(view.session, item.presentingSiteId);
            return (
              <li
                key={item.id}
                className={item.status === 'active' ? 'agenda__item agenda__item--active' : 'agenda__item'}
                data-testid="agenda-item"
                data-item-id={item.id}
                data-status={item.status}
              >
                <AgendaItemSummary item={item} site={site} issues={linkedIssues(view.issues, item.id)} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
