import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isOpenIssue, type Issue } from '@concord/shared';
import { siteName, type ProceedingsView } from '../../state/proceedings';
import { PinIcon } from '../Icons';
import { IssueStatusBadge, UrgencyBadge, useCategoryLabel } from './IssueBadges';
import { useCriticalAlerts } from './CriticalAlerts';
import { IssueClock } from './IssueClock';
import { IssueTimeline } from './IssueTimeline';
import { useOverdue } from './useOverdue';

interface IssueCardProps {
  view: ProceedingsView;
  issue: Issue;
  /** The controls this participant has for the issue (support, commander steps, triage). */
  actions?: ReactNode;
  /** The commander's board: one wide row per issue. */
  dense?: boolean;
}

/** One issue of the queue, as every participant sees it; the details open on demand. */
export function IssueCard({ view, issue, actions, dense = false }: IssueCardProps) {
  const { t } = useTranslation();
  const categoryLabel = useCategoryLabel();
  const detailsId = useId();
  const [expanded, setExpanded] = useState(false);
  const late = useOverdue(issue, view.issueSettings, view.clockOffsetMs);
  const alerts = useCriticalAlerts();
  const fresh = alerts?.highlighted(issue) ?? false;
  const open = isOpenIssue(issue);
  const site = siteName(view.session, issue.siteId) ?? issue.siteId;
  const item = issue.agendaItemId ? view.proceedings.agenda.find((i) => i.id === issue.agendaItemId) : undefined;
  const classes = [
    'issue-card',
    `issue-card--${issue.urgency}`,
    dense ? 'issue-card--dense' : '',
    late ? 'issue-card--overdue' : '',
    open ? '' : 'issue-card--settled',
    issue.pinned ? 'issue-card--pinned' : '',
    fresh ? 'issue-card--new-critical' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li
      className={classes}
      data-testid="issue-card"
      data-issue-id={issue.id}
      data-status={issue.status}
      data-urgency={issue.urgency}
      data-overdue={late ? 'true' : 'false'}
      data-pinned={issue.pinned ? 'true' : 'false'}
      data-new-critical={fresh ? 'true' : 'false'}
      data-site-id={issue.siteId}
      data-version={issue.version}
    >
      <div className="issue-card__main">
        <div className="issue-card__head">
          <UrgencyBadge urgency={issue.urgency} />
          {issue.pinned && (
            <span className="issue-card__pin" data-testid="issue-pinned" title={t('issues.pinned')}>
              <PinIcon title={t('issues.pinned')} />
            </span>
          )}
          <span className="issue-card__title" data-testid="issue-card-title">
            {issue.title}
          </span>
          <IssueStatusBadge status={issue.status} />
          {late && (
            <span className="badge badge--overdue" data-testid="issue-overdue">
              {t('issues.overdue')}
            </span>
          )}
        </div>
        <div className="issue-card__meta">
          <span className="issue-card__site" data-testid="issue-site">
            {site}
          </span>
          <span data-testid="issue-card-category" data-category={issue.category}>
            {categoryLabel(issue.category)}
          </span>
          <span data-testid="issue-supporters" data-count={issue.supporters.length}>
            {t('issues.supporters', { count: issue.supporters.length })}
          </span>
          {issue.carriedFrom && (
            <span className="badge" data-testid="issue-carried">
              {t('issues.carried')}
            </span>
          )}
        </div>
        {(issue.assignee || issue.agendaItemId) && (
          <div className="issue-card__meta">
            {issue.assignee && (
              <span data-testid="issue-assignee">{t('issues.assignedTo', { name: issue.assignee.displayName })}</span>
            )}
            {issue.agendaItemId && (
              <span data-testid="issue-agenda-item" data-item-id={issue.agendaItemId}>
                {t('issues.agendaItem', { title: item?.title ?? t('issues.removedItem') })}
              </span>
            )}
          </div>
        )}
        {issue.resolution && <IssueResolution issue={issue} />}
      </div>
      <div className="issue-card__side">
        <IssueClock issue={issue} settings={view.issueSettings} clockOffsetMs={view.clockOffsetMs} />
      </div>
      <div className="issue-card__actions">
        {actions}
        <button
          type="button"
          className="button button--small button--quiet"
          data-testid="issue-expand"
          data-issue-id={issue.id}
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={() => {
            setExpanded((x) => !x);
            alerts?.opened(issue.id);
          }}
        >
          {expanded ? t('issues.hideDetails') : t('issues.showDetails')}
        </button>
      </div>
      <div className="issue-card__details" id={detailsId} data-testid="issue-card-details" hidden={!expanded}>
        {expanded && (
          <>
            <p className="issue-card__raised-by muted">
              {t('issues.raisedBy', { name: issue.raisedBy.displayName, site })}
            </p>
            {issue.details ? (
              <p className="issue-card__text" data-testid="issue-details-text">
                {issue.details}
              </p>
            ) : (
              <p className="muted">{t('issues.noDetails')}</p>
            )}
            <IssueTimeline view={view} issue={issue} />
          </>
        )}
      </div>
    </li>
  );
}

/** The decision, the referral or the rejection: shown on the card, it is what the sites wait for. */
function IssueResolution({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  const resolution = issue.resolution;
  if (!resolution) {
    return null;
  }
  return (
    <div
      className={`issue-resolution issue-resolution--${resolution.kind}`}
      data-testid="issue-resolution"
      data-kind={resolution.kind}
    >
      <span className="issue-resolution__label">
        {resolution.kind === 'referred' && resolution.body !== null
          ? t('issues.resolution.referredTo', { body: resolution.body })
          : t(`issues.resolution.${resolution.kind}`)}
      </span>
      {resolution.text && <p className="issue-resolution__text">{resolution.text}</p>}
    </div>
  );
}
