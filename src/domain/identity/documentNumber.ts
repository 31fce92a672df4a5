/**
 * Identity document numbers, normalized the same way for every source so that the hub can compare
 * them (domain.md §2.2): by the connectors, the API look-ups and reconciliation alike.
 *
 * - Formatting is removed: dots, commas, spaces (people write `1.023.456.789`).
 * - Numeric types (RC, TI, CC, NU, CN): digits only, leading zeros dropped (`00123` → `123`).
 * - Other types: upper-case letters and digits only (hyphens and slashes are formatting too).
 * - CC has at most 10 digits (no check digit: never validate it by checksum).
 * - AS / MS (people without RNEC documents, Res. 812/2007): `DDMMM` + letter + consecutive,
 *   `^\d{5}[A-Z][0-9A-Z]{1,4}$`.
 */
import { DOCUMENT_TYPES, type DocumentTypeCode } from '../reference/documentTypes';

export type DocumentNumberResult = { ok: true; value: string } | { ok: false; code: 'INVALID_DOCUMENT_NUMBER' | 'MISSING_REQUIRED'; reason: string };

const FORMATTING = /[.,\s\u00a0]/g;
const ALNUM_FORMATTING = /[.,\s\u00a0\-/_]/g;
const DIGITS = /^\d+$/;
const ALNUM = /^[0-9A-Z]+$/;
const NO_ID_PATTERN = /^\d{5}[A-Z][0-9A-Z]{1,4}$/;

/** Maximum digits per numeric type. CC: 10 [S]; TI/RC/NUIP: 11 covers old serials [U]. */
const MAX_DIGITS: Partial<Record<DocumentTypeCode, number>> = { CC: 10, TI: 11, RC: 11, NU: 11, CN: 12 };
const MAX_ALNUM = 20;

const NUMERIC_TYPES = new Set(DOCUMENT_TYPES.filter((t) => t.numeric).map((t) => t.code));

export function isNumericDocumentType(type: DocumentTypeCode): boolean {
  return NUMERIC_TYPES.has(type);
}

/** Fast path: already digits only, no leading zero, within the length limit. */
function plainNumber(s: string, max: number): boolean {
  if (s.length > max || s.charCodeAt(0) === 48) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Normalizes a document number for its type. With an unknown type (`null`) only formatting is removed
 * and letters upper-cased. The `reason` never contains the number itself.
 */
export function normalizeDocumentNumber(type: DocumentTypeCode | null, raw: string): DocumentNumberResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, code: 'MISSING_REQUIRED', reason: 'document number is empty' };
  const numeric = type !== null && isNumericDocumentType(type);
  if (numeric && plainNumber(trimmed, MAX_DIGITS[type!] ?? 15)) return { ok: true, value: trimmed };
  if (numeric) {
    let v = trimmed.replace(FORMATTING, '');
    if (!DIGITS.test(v)) return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: `a ${type} number must contain digits only` };
    let z = 0;
    while (z < v.length - 1 && v.charCodeAt(z) === 48) z++;
    if (z) v = v.slice(z);
    if (v === '0') return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: `a ${type} number cannot be zero` };
    const max = MAX_DIGITS[type];
    if (max !== undefined && v.length > max) {
      return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: `a ${type} number has at most ${max} digits (found ${v.length})` };
    }
    return { ok: true, value: v };
  }
  const v = trimmed.replace(ALNUM_FORMATTING, '').toUpperCase();
  if (v === '') return { ok: false, code: 'MISSING_REQUIRED', reason: 'document number is empty' };
  if (!ALNUM.test(v)) return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: 'the document number must contain only letters A–Z and digits' };
  if (/^0+$/.test(v)) return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: 'the document number cannot be zero' };
  if (v.length > MAX_ALNUM) return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: `the document number is longer than ${MAX_ALNUM} characters` };
  if ((type === 'AS' || type === 'MS') && !NO_ID_PATTERN.test(v)) {
    return { ok: false, code: 'INVALID_DOCUMENT_NUMBER', reason: `an ${type} number must be DDMMM (DIVIPOLA) + a letter + 1–4 characters` };
  }
  return { ok: true, value: v };
}
