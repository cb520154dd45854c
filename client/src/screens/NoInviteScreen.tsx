import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../components/LanguageSwitcher';

export function NoInviteScreen() {
  const { t } = useTranslation();
  return (
    <div className="center-screen" data-testid="no-invite">
      <div className="card card--narrow">
        <span className="brand-mark brand-mark--large" aria-hidden="true" />
        <h1>{t('noInvite.title')}</h1>
        <p className="muted">{t('noInvite.body')}</p>
        <LanguageSwitcher />
      </div>
    </div>
  );
}
