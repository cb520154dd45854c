import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorCode, TEXT_LIMITS, URGENCIES, type IssueSettings } from '@concord/shared';
import { useController } from '../../state/controllerContext';
import { ClientErrorCode, type AppErrorCode } from '../../state/errors';
import { newIdempotencyKey, type IssueDraft } from '../../state/issues';
import { useCategoryLabel } from './IssueBadges';

/** The protocol's limits on an issue's texts. */
const TITLE_MAX = TEXT_LIMITS.title;
const DETAILS_MAX = TEXT_LIMITS.details;

/** Failures after which the server may or may not have the issue: the key is kept for the next send. */
const UNCONFIRMED_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ClientErrorCode.REQUEST_TIMEOUT,
  ClientErrorCode.DISCONNECTED,
  ClientErrorCode.NETWORK_ERROR,
  ErrorCode.NOT_JOINED,
]);

type Result = 'created' | 'existing' | 'unconfirmed';

const emptyDraft = (settings: IssueSettings): IssueDraft => ({
  title: '',
  details: '',
  category: settings.categories[0] ?? '',
  urgency: 'routine',
  idempotencyKey: null,
});

/**
 * A member raises an issue in the site's name. The idempotency key is made at the first
 * send of a submission and reused by every retry until the server has answered, so a raise
 * whose answer was lost on a weak link is never made twice.
 */
export function RaiseIssueForm({ settings }: { settings: IssueSettings }) {
  const { t } = useTranslation();
  const controller = useController();
  const categoryLabel = useCategoryLabel();
  const [draft, setDraftState] = useState<IssueDraft>(() => controller.issueDraft ?? emptyDraft(settings));
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  // The session's categories may change; a draft's category that is gone falls back to the first.
  const category = settings.categories.includes(draft.category) ? draft.category : (settings.categories[0] ?? '');
  const valid = draft.title.trim().length > 0 && category !== '';

  const setDraft = (next: IssueDraft) => {
    controller.issueDraft = next;
    setDraftState(next);
  };
  const edit = (change: Partial<IssueDraft>) => {
    setDraft({ ...draft, ...change });
    setResult((r) => (r === 'unconfirmed' ? r : null));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || sending) {
      return;
    }
    const idempotencyKey = draft.idempotencyKey ?? newIdempotencyKey();
    const sent: IssueDraft = { ...draft, category, idempotencyKey };
    setDraft(sent);
    setSending(true);
    setResult(null);
    const outcome = await controller.raiseIssue({
      idempotencyKey,
      title: sent.title.trim(),
      details: sent.details,
      category,
      urgency: sent.urgency,
    });
    setSending(false);
    // The member may have typed on while it was sent: what they typed then is kept.
    const latest = controller.issueDraft ?? sent;
    const untouched = latest.title === sent.title && latest.details === sent.details;
    if (outcome.ok) {
      // Category and urgency stay: a site often raises several matters of one kind.
      setDraft(
        untouched ? { ...emptyDraft(settings), category, urgency: sent.urgency } : { ...latest, idempotencyKey: null },
      );
      setResult(outcome.data.created ? 'created' : 'existing');
    } else if (UNCONFIRMED_CODES.has(outcome.code)) {
      setResult('unconfirmed');
    } else {
      // Refused: nothing was made, so the next send is a new submission with a new key.
      setDraft({ ...latest, idempotencyKey: null });
    }
  };

  return (
    <form
      className="raise-form"
      data-testid="raise-issue-form"
      aria-labelledby="raise-issue-heading"
      onSubmit={(e) => void submit(e)}
    >
      <h3 id="raise-issue-heading" className="panel-subtitle">
        {t('issues.raise.title')}
      </h3>
      <label className="field">
        <span className="field__label">{t('issues.raise.titleLabel')}</span>
        <input
          type="text"
          data-testid="issue-title"
          value={draft.title}
          maxLength={TITLE_MAX}
          required
          onChange={(e) => edit({ title: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field__label">{t('issues.raise.detailsLabel')}</span>
        <textarea
          data-testid="issue-details"
          value={draft.details}
          maxLength={DETAILS_MAX}
          rows={2}
          onChange={(e) => edit({ details: e.target.value })}
        />
      </label>
      <div className="raise-form__row">
        <label className="field">
          <span className="field__label">{t('issues.raise.categoryLabel')}</span>
          <select data-testid="issue-category" value={category} onChange={(e) => edit({ category: e.target.value })}>
            {settings.categories.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('issues.raise.urgencyLabel')}</span>
          <select
            data-testid="issue-urgency"
            value={draft.urgency}
            onChange={(e) => edit({ urgency: URGENCIES.find((u) => u === e.target.value) ?? draft.urgency })}
          >
            {URGENCIES.map((u) => (
              <option key={u} value={u}>
                {t(`issues.urgency.${u}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="raise-form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="raise-issue-submit"
          disabled={!valid || sending}
          aria-busy={sending}
        >
          {sending
            ? t('issues.raise.sending')
            : result === 'unconfirmed'
              ? t('issues.raise.sendAgain')
              : t('issues.raise.submit')}
        </button>
        {result && (
          <p
            className={result === 'unconfirmed' ? 'raise-form__result raise-form__result--warn' : 'raise-form__result'}
            data-testid="raise-issue-result"
            data-result={result}
            role="status"
          >
            {t(`issues.raise.result.${result}`)}
          </p>
        )}
      </div>
    </form>
  );
}
