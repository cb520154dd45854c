import { useTranslation } from 'react-i18next';
import type { IssueStatus, Urgency } from '@concord/shared';
import { isDefaultCategory } from '../../state/issues';

export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--urgency-${urgency}`} data-testid="issue-card-urgency" data-urgency={urgency}>
      {t(`issues.urgency.${urgency}`)}
    </span>
  );
}

export function IssueStatusBadge({ status }: { status: IssueStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--issue-${status}`} data-testid="issue-card-status" data-status={status}>
      {t(`issues.status.${status}`)}
    </span>
  );
}

/** A category's name: translated for the default ones, the id itself for a session's own. */
export function useCategoryLabel(): (category: string) => string {
  const { t } = useTranslation();
  return (category) => (isDefaultCategory(category) ? t(`issues.categories.${category}`) : category);
}
