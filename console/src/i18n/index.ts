import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { es } from './es';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'juntos-hub.lang';

/** The language preference is not personal data: it may outlive the session (localStorage). */
function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  return saved === 'en' ? 'en' : 'es';
}

export function setLanguage(lang: Language) {
  localStorage.setItem(KEY, lang);
  void i18next.changeLanguage(lang);
}

i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18next.use(initReactI18next).init({
  resources: { es: { translation: es }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: false,
  // Every string exists in both languages (en.ts is typed against es.ts; a unit test checks too).
  returnNull: false,
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18next.language;

export default i18next;
