/**
 * Name text cleaning for comparison (domain.md §5.2, DPS `limpiador_texto`): mojibake repaired,
 * NFC, upper-case, accents and Ñ folded, punctuation → space, digits removed, single spaces.
 * Null-like placeholders ("NULL", "N/A", "SIN DATO", "HIJO DE …") become null.
 */
import { collapseSpaces, foldAccents, repairMojibake } from '../text';

const VOWELS = 'AEIOU';

/**
 * A `?` (or U+FFFD) inside a word is a character an ANSI pipeline could not encode. Between two
 * vowels it was almost always Ñ (NU?EZ, MU?OZ, PE?A, ACU?A); elsewhere an accented vowel
 * (GARC?A, G?MEZ), which comparison ignores anyway, so it is dropped.
 */
function repairLostCharacters(s: string): string {
  if (s.indexOf('?') < 0 && s.indexOf('\uFFFD') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '?' && c !== '\uFFFD') {
      out += c;
      continue;
    }
    const prev = i > 0 ? s[i - 1] : '';
    const next = i + 1 < s.length ? s[i + 1] : '';
    const prevLetter = prev >= 'A' && prev <= 'Z';
    const nextLetter = next >= 'A' && next <= 'Z';
    if (prevLetter && nextLetter && VOWELS.includes(prev) && VOWELS.includes(next)) out += 'N';
    else if (prevLetter && nextLetter) out += '';
    else out += ' ';
  }
  return out;
}

/**
 * Comparison form of a free-text name value: `"  Núñez-Pérez, María2 "` → `"NUNEZ PEREZ MARIA"`.
 * Apostrophes join (O'NEILL → ONEILL); every other non-letter becomes a space; digits vanish.
 * Returns "" for empty input (never null: see {@link cleanNameField} for null-like handling).
 */
export function cleanNameText(raw: string | null | undefined): string {
  if (raw == null) return '';
  let s = repairMojibake(raw).normalize('NFC').toUpperCase();
  s = foldAccents(s);
  s = repairLostCharacters(s);
  s = s.replace(/['\u2019\u00B4`]/g, '');
  s = s.replace(/[0-9]+/g, '');
  s = s.replace(/[^A-Z]+/g, ' ');
  return collapseSpaces(s);
}

/** Whole-field placeholders (compared after {@link cleanNameText}, so "N/A" is "N A"). */
const NULL_LIKE = new Set([
  '',
  'NULL',
  'NULO',
  'NA',
  'N A',
  'NN',
  'N N',
  'NR',
  'ND',
  'SD',
  'RN',
  'NONE',
  'SIN DATO',
  'SIN DATOS',
  'SIN INFORMACION',
  'SIN NOMBRE',
  'SIN NOMBRES',
  'SIN APELLIDO',
  'SIN APELLIDOS',
  'SIN SEGUNDO NOMBRE',
  'SIN SEGUNDO APELLIDO',
  'NO APLICA',
  'NO TIENE',
  'NO REGISTRA',
  'NO REPORTA',
  'NO DEFINIDO',
  'NO SABE',
  'NINGUNO',
  'DESCONOCIDO',
]);

/**
 * Prefixes that mark a newborn or unidentified person rather than a name ("HIJO DE MARIA",
 * "RN HIJA DE", "RECIEN NACIDO", "NN MASCULINO"): the whole field is non-informative.
 */
const PLACEHOLDER_PREFIX = /^(?:RN|NN|HIJO DE|HIJA DE|HIJO|HIJA|RECIEN NACIDO|RECIEN NACIDA|BEBE|BB) /;

/** Whether a cleaned value starts like a newborn / unidentified-person placeholder ("HIJO DE …", "RN"). */
export function isNewbornPlaceholder(cleaned: string): boolean {
  return PLACEHOLDER_PREFIX.test(cleaned + ' ');
}

/** Whether an already-cleaned field value is a placeholder and must be treated as missing. */
export function isNullLikeName(cleaned: string): boolean {
  if (NULL_LIKE.has(cleaned)) return true;
  if (/^X+$/.test(cleaned) && cleaned.length >= 2) return true;
  if (/^(?:X+ )+X+$/.test(cleaned)) return true;
  return PLACEHOLDER_PREFIX.test(cleaned + ' ');
}

/** {@link cleanNameText} followed by null-like detection: the comparison form of one field, or null. */
export function cleanNameField(raw: string | null | undefined): string | null {
  const cleaned = cleanNameText(raw);
  if (isNullLikeName(cleaned)) return null;
  // Tokens that are placeholders on their own ("MARIA NULL") are dropped, the rest kept.
  if (cleaned.includes('NULL')) {
    const kept = cleaned
      .split(' ')
      .filter((t) => t !== 'NULL')
      .join(' ');
    return kept === '' ? null : kept;
  }
  return cleaned;
}

/** Splits a cleaned value into tokens ("" → []). */
export function splitTokens(cleaned: string | null): string[] {
  return cleaned ? cleaned.split(' ') : [];
}
