import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage } from '../i18n';
import { log } from '../logger';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? 'en';
  return (
    <label className="language-switcher">
      <span className="visually-hidden">{t('language.label')}</span>
      <select
        data-testid="language-select"
        value={current}
        onChange={(e) => {
          const next = e.target.value;
          if (isLanguage(next)) {
            i18n.changeLanguage(next).catch((err: unknown) => log.warn('could not change the language', err));
          }
        }}
      >
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {LANGUAGE_NAMES[lng]}
          </option>
        ))}
      </select>
    </label>
  );
}
