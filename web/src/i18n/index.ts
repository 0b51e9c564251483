import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { initialLanguage, rememberLanguage, type Lang } from '../light/strings';
import { en } from './en';
import { ru } from './ru';

export type { Lang };

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

/** Switches the interface language and remembers it in this browser. */
export function setLanguage(lang: Lang) {
  rememberLanguage(lang);
  document.documentElement.lang = lang;
  if (i18n.language !== lang) void i18n.changeLanguage(lang);
}

export const currentLanguage = (): Lang => (i18n.language === 'ru' ? 'ru' : 'en');

export default i18n;
