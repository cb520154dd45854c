import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TEXT_LIMITS, type Issue } from '@concord/shared';
import { assertUnreachable } from '../../assert';
import { useAction } from '../../state/controllerContext';
import { allowedSteps, supportState, type IssueStep } from '../../state/issues';
import { mayDo, type ProceedingsView } from '../../state/proceedings';
import type { ActOutcome } from '../../state/context';

/** The protocol's limits on the texts of the steps. */
const DECISION_MAX = TEXT_LIMITS.details;
const REFERRAL_BODY_MAX = TEXT_LIMITS.title;
const NOTE_MAX = TEXT_LIMITS.note;

/** The issue card's controls for this participant: support, commander steps, closing. */
export function IssueActions({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  const decides = mayDo(view, 'issue.decide');
  return (
    <>
      <SupportButton view={view} issue={issue} />
      {decides && <CommanderSteps issue={issue} />}
      {/* The chair may close a decided issue too; a commander has Close among its steps. */}
      {!decides && mayDo(view, 'issue.close') && issue.status === 'decided' && (
        <CommanderSteps issue={issue} only="close" />
      )}
    </>
  );
}

/** A member supports another site's open issue: one support per site. */
function SupportButton({ view, issue }: { view: ProceedingsView; issue: Issue }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const state = supportState(issue, { role: view.self.role, siteId: view.self.siteId, isChair: view.isChair });
  if (state === 'none' || state === 'own') {
    return null;
  }
  const supported = state === 'supported';
  return (
    <button
      type="button"
      className={supported ? 'button button--small' : 'button button--small button--primary'}
      data-testid="support-issue"
      data-issue-id={issue.id}
      data-supported={supported ? 'true' : 'false'}
      aria-pressed={supported}
      disabled={pending || supported}
      onClick={() => void act('issue:support', { issueId: issue.id })}
    >
      {supported ? t('issues.actions.supported') : t('issues.actions.support')}
    </button>
  );
}

/** Steps that need words (a decision, a referral, a reason, a closing note) open a box first. */
type Composing = 'decide' | 'refer' | 'reject' | 'close';

const STEP_TEST_IDS: Record<IssueStep, string> = {
  acknowledge: 'acknowledge-issue',
  review: 'review-issue',
  decide: 'decide-issue',
  refer: 'refer-issue',
  reject: 'reject-issue',
  close: 'close-issue',
};

/** A commander's steps for one issue, as far as its status allows them. */
function CommanderSteps({ issue, only }: { issue: Issue; only?: IssueStep }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [composing, setComposing] = useState<Composing | null>(null);
  const steps = allowedSteps(issue.status).filter((s) => only === undefined || s === only);
  // Someone else may have moved the issue on meanwhile: a box for a step no longer possible goes.
  const open = composing !== null && steps.includes(composing) ? composing : null;
  const issueId = issue.id;
  const closeOn = (outcome: ActOutcome<unknown>) => {
    if (outcome.ok) {
      setComposing(null);
    }
  };

  if (open) {
    return (
      <StepBox
        step={open}
        issueId={issueId}
        busy={pending}
        onCancel={() => setComposing(null)}
        onSubmit={(texts) => {
          switch (open) {
            case 'decide':
              void act('issue:decide', { issueId, decision: texts.main }).then(closeOn);
              break;
            case 'refer':
              void act('issue:refer', { issueId, body: texts.main, note: texts.note }).then(closeOn);
              break;
            case 'reject':
              void act('issue:reject', { issueId, reason: texts.main }).then(closeOn);
              break;
            case 'close':
              void act('issue:close', { issueId, note: texts.note === '' ? null : texts.note }).then(closeOn);
              break;
            default:
              assertUnreachable(open);
          }
        }}
      />
    );
  }

  return (
    <>
      {steps.map((step) => {
        const primary = step === 'acknowledge' || step === 'decide';
        const danger = step === 'reject';
        return (
          <button
            key={step}
            type="button"
            className={['button button--small', primary ? 'button--primary' : '', danger ? 'button--danger-quiet' : '']
              .filter(Boolean)
              .join(' ')}
            data-testid={STEP_TEST_IDS[step]}
            data-issue-id={issueId}
            disabled={pending}
            onClick={() => {
              if (step === 'acknowledge') {
                void act('issue:acknowledge', { issueId });
              } else if (step === 'review') {
                void act('issue:review', { issueId });
              } else {
                setComposing(step);
              }
            }}
          >
            {t(`issues.actions.${step}`)}
          </button>
        );
      })}
    </>
  );
}

interface StepTexts {
  /** The decision, the body referred to, the reason; empty for a close. */
  main: string;
  /** The referral's or the closing note; empty when not asked for. */
  note: string;
}

interface StepBoxProps {
  step: Composing;
  issueId: string;
  busy: boolean;
  onSubmit: (texts: StepTexts) => void;
  onCancel: () => void;
}

/** The words a step needs, then its confirm button. */
function StepBox({ step, issueId, busy, onSubmit, onCancel }: StepBoxProps) {
  const { t } = useTranslation();
  const [main, setMain] = useState('');
  const [note, setNote] = useState('');
  const mainRequired = step !== 'close';
  const valid = !mainRequired || main.trim().length > 0;
  return (
    <form
      className="step-box"
      data-testid={`${step}-form`}
      data-issue-id={issueId}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy) {
          onSubmit({ main: main.trim(), note: note.trim() });
        }
      }}
    >
      {step === 'decide' && (
        <label className="field">
          <span className="field__label">{t('issues.actions.decisionLabel')}</span>
          <textarea
            data-testid="decision-text"
            value={main}
            maxLength={DECISION_MAX}
            rows={3}
            required
            autoFocus
            onChange={(e) => setMain(e.target.value)}
          />
        </label>
      )}
      {step === 'reject' && (
        <label className="field">
          <span className="field__label">{t('issues.actions.reasonLabel')}</span>
          <textarea
            data-testid="reject-reason"
            value={main}
            maxLength={NOTE_MAX}
            rows={2}
            required
            autoFocus
            onChange={(e) => setMain(e.target.value)}
          />
        </label>
      )}
      {step === 'refer' && (
        <label className="field">
          <span className="field__label">{t('issues.actions.referBodyLabel')}</span>
          <input
            type="text"
            data-testid="refer-body"
            value={main}
            maxLength={REFERRAL_BODY_MAX}
            required
            autoFocus
            onChange={(e) => setMain(e.target.value)}
          />
        </label>
      )}
      {(step === 'refer' || step === 'close') && (
        <label className="field">
          <span className="field__label">{t('issues.actions.noteLabel')}</span>
          <textarea
            data-testid={`${step}-note`}
            value={note}
            maxLength={NOTE_MAX}
            rows={2}
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
      )}
      <div className="row-actions">
        <button
          type="submit"
          className={step === 'reject' ? 'button button--small button--danger' : 'button button--small button--primary'}
          data-testid={`${step}-confirm`}
          data-issue-id={issueId}
          disabled={!valid || busy}
        >
          {t(`issues.actions.confirm.${step}`)}
        </button>
        <button type="button" className="button button--small" data-testid="step-cancel" onClick={onCancel}>
          {t('chair.cancel')}
        </button>
      </div>
    </form>
  );
}
