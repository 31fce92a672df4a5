/**
 * Birth date, sex and municipality in the forms the comparisons need.
 */

export type Sex = 'M' | 'F' | 'I';

/** Quality of a birth date as evidence. */
export type BirthDateQuality =
  /** Missing, unparseable, impossible, before 1900 or the health systems' null date 1900-01-01. */
  | 'unknown'
  /** 1 January of some year: often typed when only the year was known; weak evidence. */
  | 'default'
  | 'ok';

export interface BirthDate {
  quality: BirthDateQuality;
  /** Days since 1970-01-01 (UTC), or NaN when unknown. */
  days: number;
  year: number;
  month: number;
  day: number;
}

const UNKNOWN_DATE: BirthDate = Object.freeze({ quality: 'unknown', days: Number.NaN, year: 0, month: 0, day: 0 });

/**
 * Parses an ISO `YYYY-MM-DD` birth date (the connectors' normalized form; `DD/MM/YYYY` is accepted
 * too). `today` (ISO) rejects future dates when given.
 */
export function parseBirthDate(value: string | null | undefined, today?: string): BirthDate {
  if (value == null) return UNKNOWN_DATE;
  const v = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(v);
  let year: number;
  let month: number;
  let day: number;
  if (m) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    if (!m) return UNKNOWN_DATE;
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return UNKNOWN_DATE;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return UNKNOWN_DATE;
  }
  if (year < 1900 || (year === 1900 && month === 1 && day === 1)) return UNKNOWN_DATE;
  if (today !== undefined) {
    const t = parseBirthDate(today);
    if (t.quality !== 'unknown' && ms / 86_400_000 > t.days) return UNKNOWN_DATE;
  }
  const quality: BirthDateQuality = month === 1 && day === 1 ? 'default' : 'ok';
  return { quality, days: Math.round(ms / 86_400_000), year, month, day };
}

/** Agreement of two birth dates, strongest first. */
export const BIRTH_DATE_AGREEMENTS = [
  'unknown',
  'exact',
  'exactDefault',
  'dayMonthSwap',
  'oneDay',
  'yearOff',
  'sameYearMonth',
  'defaultSameYear',
  'sameYear',
  'different',
] as const;
export type BirthDateAgreement = (typeof BIRTH_DATE_AGREEMENTS)[number];

/**
 * Agreement level of two birth dates:
 * - `unknown`: either unknown;
 * - `exact`: same date (not 1 January); `exactDefault`: both the same 1 January;
 * - `dayMonthSwap`: same year, day and month exchanged (DD/MM vs MM/DD);
 * - `oneDay`: one day apart (also across months and years);
 * - `yearOff`: same day and month, years one apart;
 * - `sameYearMonth`: same year and month, days more than one apart;
 * - `defaultSameYear`: one side is 1 January and the years agree (only the year was known);
 * - `sameYear`; `different`.
 */
export function birthDateAgreement(a: BirthDate, b: BirthDate): BirthDateAgreement {
  if (a.quality === 'unknown' || b.quality === 'unknown') return 'unknown';
  if (a.days === b.days) return a.quality === 'default' ? 'exactDefault' : 'exact';
  if (a.year === b.year && a.month === b.day && a.day === b.month) return 'dayMonthSwap';
  const diff = a.days - b.days;
  if (diff === 1 || diff === -1) return 'oneDay';
  if (a.month === b.month && a.day === b.day && (a.year - b.year === 1 || b.year - a.year === 1)) return 'yearOff';
  if (a.year === b.year) {
    if (a.month === b.month) return 'sameYearMonth';
    if (a.quality === 'default' || b.quality === 'default') return 'defaultSameYear';
    return 'sameYear';
  }
  return 'different';
}

/** Agreements accepted by the deterministic tiers as "the same birth date, allowing one typo". */
export const BIRTH_DATE_TOLERATED: ReadonlySet<BirthDateAgreement> = new Set(['exact', 'exactDefault', 'dayMonthSwap', 'oneDay', 'yearOff']);

const SEX_CODES: Readonly<Record<string, Sex>> = {
  M: 'M',
  H: 'M',
  '1': 'M',
  HOMBRE: 'M',
  MASCULINO: 'M',
  F: 'F',
  '2': 'F',
  MUJER: 'F',
  FEMENINO: 'F',
  I: 'I',
  '3': 'I',
  INTERSEXUAL: 'I',
};

/**
 * Sex from any registry coding: M/F/I, Sisbén/UNIDOS 1/2/3, HOMBRE/MUJER, MASCULINO/FEMENINO.
 * Anything else (LGBTI, NO DEFINIDO, blank) → null: unknown, never evidence.
 */
export function normalizeSex(value: string | null | undefined): Sex | null {
  if (value == null) return null;
  return SEX_CODES[value.trim().toUpperCase()] ?? null;
}

export type SexAgreement = 'unknown' | 'equal' | 'different';

/** Intersex against M or F is not a contradiction (registries code it inconsistently): unknown. */
export function sexAgreement(a: Sex | null, b: Sex | null): SexAgreement {
  if (a === null || b === null) return 'unknown';
  if (a === b) return 'equal';
  if (a === 'I' || b === 'I') return 'unknown';
  return 'different';
}

/**
 * DIVIPOLA municipality code (5 digits). A 4-digit code lost its leading zero (`5001` → `05001`,
 * Medellín); anything else is not a municipality code → null. With `valid` (the DIVIPOLA list), a
 * code outside it (e.g. a Registraduría code typed into a DANE field) is unknown too, so that it
 * never counts as evidence of a different municipality.
 */
export function normalizeMunicipality(value: string | null | undefined, valid?: ReadonlySet<string>): string | null {
  if (value == null) return null;
  const v = value.trim();
  let code: string | null = null;
  if (/^\d{5}$/.test(v)) code = v === '00000' ? null : v;
  else if (/^\d{4}$/.test(v)) code = '0' + v;
  if (code !== null && valid !== undefined && !valid.has(code)) return null;
  return code;
}
