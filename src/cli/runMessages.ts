/**
 * The CLI's messages about run options, leases and the job queue, in Spanish (default) and English
 * (JUNTOS_LANG=en). Values are run ids, codes, shares and process names: never personal data.
 */
export type Lang = 'es' | 'en';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1).replace(/\.0$/, '')} %`);

export const runMessages = {
  es: {
    badRate: (flag: string, value: string) => `${flag} debe ser una proporción entre 0 y 1 (p. ej. 0.5) o un porcentaje (50%); se recibió "${value}".`,
    failedBefore: (ids: number[], codes: string[], id: number) =>
      `El mismo archivo falló antes como corrida ${ids.join(', ')} (${codes.join(', ')}); esta es una corrida nueva: ${id}.`,
    limits: (err: number | null, gone: number | null) => `  límites     ${pct(err)} de filas rechazadas, ${pct(gone)} de registros desaparecidos`,
    retried: (id: number, source: string, err: number | null, gone: number | null) =>
      `Corrida ${id} reintentada con fuente ${source}, límites ${pct(err)} de filas rechazadas y ${pct(gone)} de registros desaparecidos.`,
  },
  en: {
    badRate: (flag: string, value: string) => `${flag} must be a share between 0 and 1 (e.g. 0.5) or a percentage (50%); got "${value}".`,
    failedBefore: (ids: number[], codes: string[], id: number) =>
      `The same file failed before as run ${ids.join(', ')} (${codes.join(', ')}); this is a new run: ${id}.`,
    limits: (err: number | null, gone: number | null) => `  limits      ${pct(err)} of rows rejected, ${pct(gone)} of records disappearing`,
    retried: (id: number, source: string, err: number | null, gone: number | null) =>
      `Run ${id} retried with source ${source}, limits ${pct(err)} of rows rejected and ${pct(gone)} of records disappearing.`,
  },
} satisfies Record<Lang, Record<string, (...args: never[]) => string>>;

export const messagesFor = (lang: Lang) => runMessages[lang];

/** `0.5`, `.5` or `50%` → 0.5; anything else (or outside 0–1) → null. */
export function parseShare(value: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  if (!m) return null;
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  return v >= 0 && v <= 1 ? v : null;
}
