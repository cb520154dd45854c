import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from './LanguageSwitcher';

/** The bar above the screens before a session: the name, the tagline, the language. */
export function AppTopbar() {
  const { t } = useTranslation();
  return (
    <header className="topbar">
      <div className="topbar__title">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <div className="topbar__meta">
        <LanguageSwitcher />
      </div>
    </header>
  );
}
