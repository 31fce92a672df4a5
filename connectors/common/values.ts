/**
 * Field-level cleaning and small value parsers shared by the connectors. Everything here is pure and
 * allocation-light: it runs millions of times per import.
 */
import { repairMojibake, collapseSpaces } from '../../src/domain/text';

/** C0/C1 control characters (tab and line breaks excepted) and U+FFFD: bytes that did not decode to text. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what these look for
const UNDECODABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const NEEDS_NFC = /[\u0300-\uffff]/;

/** True when the value holds characters that are not text (binary garbage, undefined cp1252 bytes). */
export function hasUndecodable(s: string): boolean {
  return UNDECODABLE.test(s);
}

/**
 * A field as the connectors see it: trimmed, double-encoded UTF-8 repaired (`Ã‘` → `Ñ`), Unicode NFC
 * (so `Ñ` typed as N + combining tilde equals the precomposed `Ñ`). `special` says whether the record
 * has non-ASCII text at all (the fast path skips repair and normalization).
 */
export function cleanField(raw: string | undefined, special: boolean): string {
  if (raw === undefined) return '';
  const n = raw.length;
  // Most fields have no surrounding spaces: skip trim() (a builtin call per field) for them.
  const a = n ? raw.charCodeAt(0) : 0;
  const z = n ? raw.charCodeAt(n - 1) : 0;
  const t = n === 0 || (a > 32 && a < 127 && z > 32 && z < 127) ? raw : raw.trim();
  if (!special || !NON_ASCII.test(t)) return t;
  const r = repairMojibake(t);
  // Every character below U+0300 is already NFC; only combining marks and beyond need the (costly) pass.
  return NEEDS_NFC.test(r) ? r.normalize('NFC').trim() : r;
}

/** Placeholders that mean "no value" in registry extracts (domain.md §5.2). */
const NULL_LIKE = new Set(['NULL', 'NA', 'N/A', 'N.A.', 'SIN DATO', 'SIN DATOS', 'NO APLICA', 'XX', '.', '-', '--', 'NINGUNO', 'ND', 'N.D.', '(NULL)']);

export function isNullLike(s: string): boolean {
  if (s === '') return true;
  if (s.length > 10) return false;
  const c = s.charCodeAt(0) | 0x20; // every placeholder starts with n, s, x, '.', '-' or '('
  if (c !== 0x6e && c !== 0x73 && c !== 0x78 && c !== 0x2e && c !== 0x2d && c !== 0x28) return false;
  return NULL_LIKE.has(s.toUpperCase());
}

const NAME_OK = /^[A-Z\u00c0-\u00d6\u00d8-\u00de .'-]*$/;

/**
 * Display form of a person-name field: upper-case, single spaces, accents and Ñ kept; null when
 * empty or a placeholder. One pass over the characters decides whether upper-casing or space
 * collapsing is needed at all (registry names usually arrive upper-case and clean).
 */
export function nameValue(s: string): string | null {
  if (isNullLike(s)) return null;
  let upper = false;
  let collapse = false;
  let prevSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) collapse = true;
      prevSpace = true;
      continue;
    }
    prevSpace = false;
    if ((c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff)) upper = true;
    else if (c === 9 || c === 10 || c === 13 || c === 0xa0) collapse = true;
  }
  let v = upper ? s.toUpperCase() : s;
  if (collapse) v = collapseSpaces(v.replace(/\u00a0/g, ' '));
  return v === '' ? null : v;
}

/** Digits or symbols in a name (e.g. `NU?EZ`, `G0MEZ`): possibly a lost accent or Ñ. */
export function isSuspiciousName(v: string): boolean {
  return !NAME_OK.test(v);
}

/** Integer in [min, max] written with digits only (`01` allowed); null otherwise. */
export function smallInt(s: string, min: number, max: number): number | null {
  if (s.length === 0 || s.length > 6) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) {
      // Excel and some exports write integers as `3.0`
      if (s.charCodeAt(i) === 46 && /^\.0+$/.test(s.slice(i)) && i > 0) break;
      return null;
    }
    v = v * 10 + c;
  }
  return v >= min && v <= max ? v : null;
}

/** Removes an Excel-style `.0` suffix from a code written as a number. */
function stripDecimalZero(s: string): string {
  const dot = s.indexOf('.');
  return dot > 0 && /^\.0+$/.test(s.slice(dot)) ? s.slice(0, dot) : s;
}

const DIGITS = /^\d+$/;

/**
 * DIVIPOLA municipality code as a 5-character string (`5001` → `05001`); null when not 1–5 digits.
 * Existence is checked separately against the DIVIPOLA list.
 */
export function municipalityCode(raw: string): string | null {
  const s = stripDecimalZero(raw);
  if (s.length === 0 || s.length > 5 || !DIGITS.test(s)) return null;
  return s.length === 5 ? s : s.padStart(5, '0');
}

/**
 * Municipality from a department column and a municipality column (BDUA `DPR_ID` + `MNC_ID`, RUAF
 * `departamento` + `municipio`). Accepts a 3-digit municipality part or a full 5-digit code that
 * repeats the department.
 */
export function municipalityFromParts(dept: string, mun: string): string | null {
  const d = stripDecimalZero(dept);
  const m = stripDecimalZero(mun);
  if (!DIGITS.test(m)) return null;
  if (d === '') return municipalityCode(m);
  if (!DIGITS.test(d) || d.length > 2) return null;
  const dd = d.padStart(2, '0');
  if (m.length >= 4) {
    const full = municipalityCode(m);
    return full !== null && full.startsWith(dd) ? full : null;
  }
  return dd + m.padStart(3, '0');
}
