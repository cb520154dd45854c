import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SESSION_STATUSES, isOpenIssue } from '@concord/shared';
import { useAction } from '../../state/controllerContext';
import { nextSessionStatuses } from '../../state/issues';
import type { ProceedingsView } from '../../state/proceedings';

/**
 * Moves the session through its lifecycle. Closing cannot be undone and carries the
 * unresolved issues over to the committee's next session, so it asks first.
 */
export function SessionStatusField({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [confirmingClose, setConfirmingClose] = useState(false);
  const status = view.session.status;
  const next = nextSessionStatuses(status);
  const unresolved = [...view.issues.values()].filter(isOpenIssue).length;
  return (
    <>
      <label className="field">
        <span className="field__label">{t('chair.status')}</span>
        <select
          data-testid="session-status"
          data-status={status}
          value={status}
          disabled={pending || next.length === 0}
          onChange={(e) => {
            const to = next.find((s) => s === e.target.value);
            if (to === 'closed') {
              setConfirmingClose(true);
            } else if (to) {
              setConfirmingClose(false);
              void act('session:setStatus', { status: to });
            }
          }}
        >
          {SESSION_STATUSES.map((s) => (
            <option key={s} value={s} disabled={s !== status && !next.includes(s)}>
              {t(`sessionStatus.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {confirmingClose && next.includes('closed') && (
        <div className="confirm" role="alertdialog" aria-labelledby="close-session-question">
          <p id="close-session-question">{t('chair.confirmClose', { count: unresolved })}</p>
          <div className="row-actions">
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="session-close-confirm"
              disabled={pending}
              onClick={() => void act('session:setStatus', { status: 'closed' }).then(() => setConfirmingClose(false))}
            >
              {t('chair.closeSession')}
            </button>
            <button type="button" className="button button--small" onClick={() => setConfirmingClose(false)}>
              {t('chair.cancel')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
