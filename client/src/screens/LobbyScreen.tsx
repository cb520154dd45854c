import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../components/LanguageSwitcher';

/** The session has a waiting room: the socket stays open until the chair admits or refuses us. */
export function LobbyScreen({ onLeave }: { onLeave: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="center-screen" data-testid="lobby-waiting">
      <div className="card card--narrow" role="status" aria-live="polite">
        <span className="spinner spinner--large" aria-hidden="true" />
        <h1>{t('lobby.title')}</h1>
        <p className="muted">{t('lobby.body')}</p>
        <button type="button" className="button" data-testid="lobby-leave" onClick={onLeave}>
          {t('lobby.leave')}
        </button>
        <LanguageSwitcher />
      </div>
    </div>
  );
}
