import { useTranslation } from 'react-i18next';
import type { Issue, IssueId } from '@concord/shared';
import { alertStillDue } from '../../state/issues';
import type { OverdueAlert } from '../../state/viewState';
import { AlertIcon, CloseIcon } from '../Icons';

/** Alerts listed in full; more are counted. */
const MAX_LISTED_ALERTS = 3;

interface OverdueAlertBannerProps {
  alerts: readonly OverdueAlert[];
  issues: ReadonlyMap<IssueId, Issue>;
  onDismiss: (id: number) => void;
}

/**
 * Issues that missed a time target (an `escalated` step in the session log; shown to commanders, the
 * chair and operators).
 * An alert stays until dismissed or until the step it asks for is taken.
 */
export function OverdueAlertBanner({ alerts, issues, onDismiss }: OverdueAlertBannerProps) {
  const { t } = useTranslation();
  const due = alerts.filter((a) =>
    alertStillDue(
      [...issues.values()].find((i) => i.id === a.issueId),
      a.target,
    ),
  );
  if (due.length === 0) {
    return null;
  }
  const newest = due.slice(-MAX_LISTED_ALERTS).reverse();
  const more = due.length - newest.length;
  return (
    <div className="overdue-alert" data-testid="overdue-alert" data-count={due.length} role="alert">
      <AlertIcon />
      <ul className="overdue-alert__list">
        {newest.map((a) => (
          <li
            key={a.id}
            className="overdue-alert__entry"
            data-testid="overdue-alert-entry"
            data-issue-id={a.issueId}
            data-target={a.target}
            data-urgency={a.urgency}
          >
            <strong>{t(`issues.alert.${a.target}`)}</strong>
            <span className="overdue-alert__title">
              {t(`issues.urgency.${a.urgency}`)} · {a.title}
            </span>
            <button
              type="button"
              className="icon-button"
              data-testid="overdue-alert-dismiss"
              aria-label={t('notice.dismiss')}
              onClick={() => onDismiss(a.id)}
            >
              <CloseIcon />
            </button>
          </li>
        ))}
      </ul>
      {more > 0 && <span className="overdue-alert__more">{t('issues.alert.more', { count: more })}</span>}
    </div>
  );
}
