import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../components/ErrorMessage';
import { LanguageSwitcher } from '../components/LanguageSwitcher';
import type { Failure } from '../state/viewState';

export function LeftScreen({ leaving, onRejoin }: { leaving: boolean; onRejoin: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="center-screen" data-testid="left-screen" data-state={leaving ? 'leaving' : 'left'}>
      <div className="card card--narrow">
        <h1>{leaving ? t('left.leaving') : t('left.title')}</h1>
        {!leaving && <p className="muted">{t('left.body')}</p>}
        <button
          type="button"
          className="button button--primary button--large"
          data-testid="rejoin-button"
          disabled={leaving}
          onClick={onRejoin}
        >
          {t('left.rejoin')}
        </button>
        <LanguageSwitcher />
      </div>
    </div>
  );
}

export function KickedScreen({ failure }: { failure: Failure | null }) {
  const { t } = useTranslation();
  return (
    <div className="center-screen" data-testid="kicked-screen">
      <div className="card card--narrow">
        <h1>{failure?.kick ? t(`kicked.titles.${failure.kick}`) : t('kicked.title')}</h1>
        {failure?.kick ? (
          <p className="error-message" role="alert" data-testid="kicked-reason" data-reason={failure.kick}>
            {t(`kicked.reasons.${failure.kick}`)}
          </p>
        ) : (
          failure && <ErrorMessage code={failure.code} testId="kicked-code" />
        )}
        {failure?.message && (
          <p className="muted" data-testid="kicked-message">
            {t('kicked.detail', { message: failure.message })}
          </p>
        )}
        <LanguageSwitcher />
      </div>
    </div>
  );
}

export function FailedScreen({ failure, onBack }: { failure: Failure | null; onBack: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="center-screen" data-testid="session-error">
      <div className="card card--narrow">
        <h1>{t('failed.title')}</h1>
        {failure && <ErrorMessage code={failure.code} testId="session-error-code" />}
        <button type="button" className="button" data-testid="back-to-join" onClick={onBack}>
          {t('failed.back')}
        </button>
        <LanguageSwitcher />
      </div>
    </div>
  );
}
