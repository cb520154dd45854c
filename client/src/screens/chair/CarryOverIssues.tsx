import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CarryOverItem } from '@concord/shared';
import { UrgencyBadge } from '../../components/issues/IssueBadges';
import { useAction } from '../../state/controllerContext';
import { siteName, type ProceedingsView } from '../../state/proceedings';

/** Unresolved issues of the committee's earlier sessions, which the chair brings into this one. */
export function CarryOverIssues({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [items, setItems] = useState<CarryOverItem[] | null>(null);
  const [imported, setImported] = useState<number | null>(null);

  const load = useCallback(async () => {
    const outcome = await act('issues:carryOver', {});
    if (outcome.ok) {
      setItems(outcome.data.items);
    }
  }, [act]);

  useEffect(() => {
    void load();
  }, [load]);

  const importAll = async () => {
    const outcome = await act('issues:importCarryOver', {});
    if (outcome.ok) {
      setImported(outcome.data.imported);
      await load();
    }
  };

  return (
    <section className="panel-section" data-testid="carry-over" aria-labelledby="chair-carry-over-heading">
      <h2 id="chair-carry-over-heading" className="panel-section__title">
        {t('chair.carryOverTitle')}
      </h2>
      {items === null ? (
        <p className="panel-empty">{t('panel.loading')}</p>
      ) : items.length === 0 ? (
        <p className="panel-empty" data-testid="carry-over-empty">
          {t('chair.carryOverNone')}
        </p>
      ) : (
        <ul className="people" data-testid="carry-over-list">
          {items.map(({ issue, fromSessionId, fromSessionTitle }) => (
            <li
              key={`${fromSessionId}:${issue.id}`}
              className="people__row"
              data-testid="carry-over-item"
              data-issue-id={issue.id}
              data-from-session-id={fromSessionId}
            >
              <UrgencyBadge urgency={issue.urgency} />
              <span className="people__name">
                {issue.title}
                <span className="muted">
                  {' · '}
                  {siteName(view.session, issue.siteId) ?? issue.siteId}
                  {' · '}
                  {t('chair.carriedFrom', { title: fromSessionTitle })}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {imported !== null && (
        <p className="muted" data-testid="carry-over-imported" data-count={imported} role="status">
          {t('chair.carryOverImported', { count: imported })}
        </p>
      )}
      <div className="row-actions">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="import-carry-over"
          disabled={pending}
          onClick={() => void importAll()}
        >
          {t('chair.importCarryOver')}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="refresh-carry-over"
          disabled={pending}
          onClick={() => void load()}
        >
          {t('chair.refresh')}
        </button>
      </div>
    </section>
  );
}
