/**
 * Identity documents for matching (domain.md §2): the comparison key of a number, placeholder
 * numbers, the Registraduría life cycle (CN/RC/NUIP → TI → CC) and type compatibility.
 *
 * Number formatting itself is in `documentNumber.ts` (the connectors, the API and reconciliation all
 * use it), so that a number typed in the API, a registry file and a reconciliation job normalize
 * identically.
 */
import { normalizeDocumentNumber } from './documentNumber';
import { DOCUMENT_TYPE_BY_CODE, isDocumentTypeCode, type DocumentTypeCode } from '../reference/documentTypes';

/** How a document type behaves for matching. */
export type DocumentClass =
  /** CN, RC, NU, TI, CC: Registraduría documents; the NUIP follows the person from birth. */
  | 'lifecycle'
  /** CE, PA, CD, SC, PE, PT, DE: foreigners' documents, issued by other authorities. */
  | 'foreign'
  /** AS, MS, SI: provisional identifiers of people without an RNEC document (per EPS, Res. 812/2007). */
  | 'provisional';

export function documentClass(type: DocumentTypeCode): DocumentClass {
  if (type === 'AS' || type === 'MS' || type === 'SI') return 'provisional';
  return DOCUMENT_TYPE_BY_CODE.get(type)?.lifeCycleRank != null ? 'lifecycle' : 'foreign';
}

/** Life-cycle rank (CN 0, RC/NU 1, TI 2, CC 3) or null outside the NUIP family. */
export function lifeCycleRank(type: DocumentTypeCode | null): number | null {
  if (type === null) return null;
  return DOCUMENT_TYPE_BY_CODE.get(type)?.lifeCycleRank ?? null;
}

/**
 * Placeholder numbers used when the real one is unknown: zeros, one repeated digit ("1111111"),
 * counting sequences from 1 or 9 ("123456789", "987654321"), and numbers shorter than 3 characters.
 */
export function isPlaceholderDocumentNumber(key: string): boolean {
  if (key.length < 3) return true;
  if (/^(\w)\1+$/.test(key)) return true;
  if (/^\d+$/.test(key)) {
    if (key.length >= 5 && ('12345678901234567890'.startsWith(key) || '98765432109876543210'.startsWith(key))) return true;
  }
  return false;
}

export interface DocumentKey {
  /** Type as given, or null when unknown or when the number cannot be of that type. */
  type: DocumentTypeCode | null;
  /**
   * Comparison key, independent of the type: upper-case letters and digits, and, when all digits,
   * without leading zeros. Null when absent or a placeholder.
   */
  key: string | null;
}

/**
 * Normalizes a (type, number) pair for matching. A number that cannot be of its stated type (letters
 * in a CC) keeps its characters but loses the type: the type is the less reliable of the two.
 */
export function documentKey(type: DocumentTypeCode | string | null | undefined, raw: string | null | undefined): DocumentKey {
  const t = normalizeDocumentType(type);
  if (raw == null) return { type: t, key: null };
  let result = normalizeDocumentNumber(t, raw);
  let effectiveType = t;
  if (!result.ok && t !== null) {
    result = normalizeDocumentNumber(null, raw);
    effectiveType = null;
  }
  if (!result.ok) return { type: t, key: null };
  let key = result.value;
  if (/^\d+$/.test(key)) key = key.replace(/^0+(?=\d)/, '');
  if (isPlaceholderDocumentNumber(key)) return { type: t, key: null };
  return { type: effectiveType, key };
}

/** Accepts SISPRO letter codes and common aliases (NUIP, UN, NV, PEP, PPT, DNI); anything else → null. */
export function normalizeDocumentType(type: string | null | undefined): DocumentTypeCode | null {
  if (type == null) return null;
  const t = type.trim().toUpperCase();
  if (isDocumentTypeCode(t)) return t;
  return TYPE_ALIASES[t] ?? null;
}

const TYPE_ALIASES: Readonly<Record<string, DocumentTypeCode>> = {
  NUIP: 'NU',
  UN: 'NU',
  NV: 'CN',
  PEP: 'PE',
  PPT: 'PT',
  DNI: 'DE',
  PAS: 'PA',
  SR: 'SC',
};

/** NUIP-era numbers have 10 digits; older RC serials and TIs do not. */
export function isNuipShaped(key: string): boolean {
  return key.length === 10 && /^\d{10}$/.test(key);
}

/** How two document types relate when both records carry a number. */
export type DocumentTypeRelation =
  /** Same type, or RC and NUIP (same rank: the NUIP is the RC's number since 2000). */
  | 'equal'
  /** Both in the NUIP life cycle at different ranks: CN/RC/NUIP → TI → CC. */
  | 'evolution'
  /** At least one type unknown. */
  | 'unknown'
  /** Different, unrelated types (CC vs CE, PEP vs DNI, TI vs PA …). */
  | 'incompatible';

export function documentTypeRelation(a: DocumentTypeCode | null, b: DocumentTypeCode | null): DocumentTypeRelation {
  if (a === null || b === null) return 'unknown';
  if (a === b) return 'equal';
  const ra = lifeCycleRank(a);
  const rb = lifeCycleRank(b);
  if (ra !== null && rb !== null) return ra === rb ? 'equal' : 'evolution';
  return 'incompatible';
}

/**
 * One keying error between two numbers of at least 6 characters: one character substituted,
 * inserted or deleted, or two adjacent characters transposed ("1023456789" / "1032456789").
 */
export function isOneKeyingError(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (la < 6 || lb < 6) return false;
  if (la === lb) {
    let first = -1;
    let diffs = 0;
    for (let i = 0; i < la; i++) {
      if (a.charCodeAt(i) !== b.charCodeAt(i)) {
        if (++diffs > 2) return false;
        if (first < 0) first = i;
      }
    }
    if (diffs === 1) return true;
    return first + 1 < la && a[first] === b[first + 1] && a[first + 1] === b[first] && diffs === 2;
  }
  if (Math.abs(la - lb) !== 1) return false;
  const [s, l] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === l.charCodeAt(i)) i++;
  return s.slice(i) === l.slice(i + 1);
}
