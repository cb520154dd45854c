import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ar } from './ar';
import { en } from './en';
import { ru } from './ru';
import { log } from '../logger';

export const LANGUAGES = ['en', 'ar', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as a language menu should. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  ar: 'العربية',
  ru: 'Русский',
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set<Language>(['ar']);
const LANGUAGE_STORAGE_KEY = 'concord.language';

export const isLanguage = (value: string): value is Language => LANGUAGES.some((l) => l === value);

function initialLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    if (stored && isLanguage(stored)) {
      return stored;
    }
  } catch {
    // No storage: fall through to the browser's languages.
  }
  for (const tag of navigator.languages) {
    const primary = tag.split('-')[0] ?? '';
    if (isLanguage(primary)) {
      return primary;
    }
  }
  return 'en';
}

function applyToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

export function initI18n(): void {
  const language = initialLanguage();
  applyToDocument(language);
  i18next.on('languageChanged', (lng) => {
    if (!isLanguage(lng)) {
      return;
    }
    applyToDocument(lng);
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
    } catch {
      // Not remembered across visits; the choice still holds for this page.
    }
  });
  i18next
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en }, ar: { translation: ar }, ru: { translation: ru } },
      lng: language,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      // React escapes text itself.
      interpolation: { escapeValue: false },
      // Resources are bundled: ready before the first render.
      initAsync: false,
    })
    .catch((err: unknown) => log.error('i18n failed to start', err));
}
