import { useTranslation } from 'react-i18next';
import type { Issue } from '@concord/shared';
import { mayDo, type ProceedingsView } from '../../state/proceedings';
import { IssueActions } from './IssueActions';
import { IssueCard } from './IssueCard';
import { IssueTriage } from './IssueTriage';

interface IssueQueueProps {
  view: ProceedingsView;
  /** In display order, already filtered. */
  issues: readonly Issue[];
  /** The queue has issues, but the filters hide them all. */
  filtered: boolean;
  dense?: boolean;
}

/** The issue queue: one card per issue, with the controls this participant's role has. */
export function IssueQueue({ view, issues, filtered, dense = false }: IssueQueueProps) {
  const { t } = useTranslation();
  return (
    <>
      {issues.length === 0 && (
        <p className="panel-empty" data-testid="issue-queue-empty">
          {filtered ? t('issues.noMatch') : t('issues.empty')}
        </p>
      )}
      <ol
        className={dense ? 'issue-queue issue-queue--dense' : 'issue-queue'}
        data-testid="issue-queue"
        data-count={issues.length}
      >
        {issues.map((issue) => (
          <IssueCard
            key={issue.id}
            view={view}
            issue={issue}
            dense={dense}
            actions={
              <>
                <IssueActions view={view} issue={issue} />
                {mayDo(view, 'issue.triage') && <IssueTriage view={view} issue={issue} />}
              </>
            }
          />
        ))}
      </ol>
    </>
  );
}
