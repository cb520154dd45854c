import { useTranslation } from 'react-i18next';
import type { AgendaItem } from '@concord/shared';
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

/** The whole agenda as every participant sees it. */
/** Title, status, presenting site, allotment and outcome of one item (read-only view and chair editor alike). */
export function AgendaItemSummary({ item, site }: { item: AgendaItem; site: string | null | undefined }) {
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
    </>
  );
}

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
                <AgendaItemSummary item={item} site={site} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
