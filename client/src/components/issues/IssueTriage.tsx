import { useTranslation } from 'react-i18next';
import type { Issue } from '@concord/shared';
import { useAction } from '../../state/controllerContext';
import { commanders } from '../../state/issues';
import type { ProceedingsView } from '../../state/proceedings';
import { PinIcon } from '../Icons';

/** The chair's triage of one issue: pin it to the top, link it to an agenda item, assign a commander. */
export function IssueTriage({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  return (
    <div className="issue-triage" data-testid="issue-triage" data-issue-id={issue.id}>
      <PinToggle issue={issue} />
      <LinkSelect view={view} issue={issue} />
      <AssignSelect view={view} issue={issue} />
    </div>
  );
}

function PinToggle({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  return (
    <button
      type="button"
      className={issue.pinned ? 'button button--small button--toggled' : 'button button--small'}
      data-testid="pin-issue"
      data-issue-id={issue.id}
      aria-pressed={issue.pinned}
      disabled={pending}
      onClick={() => void act('issue:pin', { issueId: issue.id, pinned: !issue.pinned })}
    >
      <PinIcon />
      {issue.pinned ? t('issues.triage.unpin') : t('issues.triage.pin')}
    </button>
  );
}

function LinkSelect({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { agenda } = view.proceedings;
  const linkedGone = issue.agendaItemId !== null && !agenda.some((i) => i.id === issue.agendaItemId);
  return (
    <label className="field field--inline">
      <span className="visually-hidden">{t('issues.triage.link')}</span>
      <select
        data-testid="link-issue"
        data-issue-id={issue.id}
        value={issue.agendaItemId ?? ''}
        disabled={pending}
        title={t('issues.triage.link')}
        onChange={(e) => {
          const agendaItemId = agenda.find((i) => i.id === e.target.value)?.id ?? null;
          void act('issue:link', { issueId: issue.id, agendaItemId });
        }}
      >
        <option value="">{t('issues.triage.notLinked')}</option>
        {linkedGone && issue.agendaItemId && <option value={issue.agendaItemId}>{t('issues.removedItem')}</option>}
        {agenda.map((item) => (
          <option key={item.id} value={item.id}>
            {item.title}
          </option>
        ))}
      </select>
    </label>
  );
}

function AssignSelect({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const candidates = commanders(view.participants);
  const assignee = issue.assignee;
  // An assignee who has left is still shown as the one assigned.
  const assigneeGone = assignee !== null && !candidates.some((p) => p.id === assignee.participantId);
  return (
    <label className="field field--inline">
      <span className="visually-hidden">{t('issues.triage.assign')}</span>
      <select
        data-testid="assign-issue"
        data-issue-id={issue.id}
        value={assignee?.participantId ?? ''}
        disabled={pending}
        title={t('issues.triage.assign')}
        onChange={(e) => {
          const participantId = candidates.find((p) => p.id === e.target.value)?.id ?? null;
          void act('issue:assign', { issueId: issue.id, participantId });
        }}
      >
        <option value="">{t('issues.triage.unassigned')}</option>
        {assigneeGone && <option value={assignee.participantId}>{assignee.displayName}</option>}
        {candidates.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName}
          </option>
        ))}
      </select>
    </label>
  );
}
