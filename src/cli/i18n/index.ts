import { en } from './en';
import { es } from './es';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const catalogues = { es, en } as const;
let current: Language = 'es';

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/** The CLI speaks Spanish unless `--lang en` or JUNTOS_LANG=en says otherwise (set once, before a command runs). */
export function setLanguage(lang: Language) {
  current = lang;
}
export const language = () => current;

type Leaves<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`> }[keyof T & string];
export type MessageKey = Leaves<typeof es>;

/** A message of the current language with its `{placeholders}` filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  let node: unknown = catalogues[current];
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  return String(node).replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Numbers as people read them in the current language (1.234.567 in Spanish, 1,234,567 in English). */
export const num = (v: number) => v.toLocaleString(current === 'es' ? 'es-CO' : 'en-US');
