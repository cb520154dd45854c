import { useTranslation } from 'react-i18next';
import { URGENCIES, type Session } from '@concord/shared';
import { STATUS_FILTERS, isStatusFilter, type IssueFilter } from '../../state/issues';

interface IssueFiltersProps {
  session: Session;
  filter: IssueFilter;
  onChange: (filter: IssueFilter) => void;
}

/** Status, urgency and site filters over the queue. */
export function IssueFilters({ session, filter, onChange }: IssueFiltersProps) {
  const { t } = useTranslation();
  return (
    <div className="issue-filters" data-testid="issue-filters">
      <label className="field">
        <span className="field__label">{t('issues.filters.status')}</span>
        <select
          data-testid="filter-status"
          value={filter.status}
          onChange={(e) => {
            if (isStatusFilter(e.target.value)) {
              onChange({ ...filter, status: e.target.value });
            }
          }}
        >
          {STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {status === 'all' || status === 'open' ? t(`issues.filters.${status}`) : t(`issues.status.${status}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">{t('issues.filters.urgency')}</span>
        <select
          data-testid="filter-urgency"
          value={filter.urgency}
          onChange={(e) => onChange({ ...filter, urgency: URGENCIES.find((u) => u === e.target.value) ?? 'all' })}
        >
          <option value="all">{t('issues.filters.all')}</option>
          {URGENCIES.map((urgency) => (
            <option key={urgency} value={urgency}>
              {t(`issues.urgency.${urgency}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">{t('issues.filters.site')}</span>
        <select
          data-testid="filter-site"
          value={filter.siteId}
          onChange={(e) =>
            onChange({ ...filter, siteId: session.sites.find((s) => s.id === e.target.value)?.id ?? 'all' })
          }
        >
          <option value="all">{t('issues.filters.allSites')}</option>
          {session.sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
