/**
 * Comparison levels per field (Splink style): each comparison looks at two prepared records and
 * returns the index of the first level whose condition holds. Levels are ordered from the strongest
 * agreement to disagreement; level 0 is always "missing" (either side lacks the data), which carries
 * no evidence. The comparison vector of a pair is one level index per comparison.
 */
import type { PreparedRecord } from './prepare';
import { jaroWinkler, jaroWinklerUpperBound } from './similarity';
import { isOneKeyingError, type DocumentTypeRelation } from './normalizeDocument';

export interface ComparisonDefinition {
  readonly name: string;
  /** Level labels; index 0 is `missing`. */
  readonly levels: readonly string[];
  /** One line per level, for stewards and the API's explanations. */
  readonly descriptions: readonly string[];
}

/** Jaro-Winkler bands for given names. */
export const JW_HIGH = 0.95;
export const JW_MID = 0.88;
/** Two surnames are "close" with the same phonetic key or Jaro-Winkler at least this. */
export const SURNAME_CLOSE_JW = 0.92;

export const GIVEN_NAMES = {
  name: 'givenNames',
  levels: ['missing', 'exact', 'compatible', 'reordered', 'firstEqual', 'jw95', 'phonetic', 'jw88', 'crossField', 'different'],
  descriptions: [
    'a given name is missing on either side',
    'all given names equal (compound names compared word by word, particles ignored)',
    'same first given name; the other record lacks the second one or has a subset of the names',
    'same given names in another order, or one record uses only another of the names',
    'same first given name, different second names',
    'first given names with Jaro-Winkler ≥ 0.95 (one typo)',
    'first given names sound alike (Spanish phonetic key: JHON/JOHN, YEISON/JEISON)',
    'first given names with Jaro-Winkler ≥ 0.88',
    "a given name of one record appears elsewhere in the other's name (fields swapped)",
    'given names differ',
  ],
} as const satisfies ComparisonDefinition;

export const SURNAMES = {
  name: 'surnames',
  levels: [
    'missing',
    'exact',
    'exactSecondMissing',
    'swapped',
    'closeBoth',
    'closeSecondMissing',
    'firstExactSecondDiffers',
    'firstCloseSecondDiffers',
    'crossPosition',
    'different',
  ],
  descriptions: [
    'no surname on either side',
    'both surnames equal (particles dropped or glued count as equal: HOZ, DE LA HOZ, DELAHOZ)',
    'first surname equal; one record has no second surname',
    'first and second surnames swapped',
    'both surnames equal or close (same phonetic key, or Jaro-Winkler ≥ 0.92), not both equal',
    'first surname close; one record has no second surname',
    'first surname equal, second surname different',
    'first surname close, second surname different',
    'partial: a surname appears in the other position (e.g. a child first registered with the mother’s surname), or only the second surnames are equal',
    'surnames differ',
  ],
} as const satisfies ComparisonDefinition;

export const BIRTH_DATE = {
  name: 'birthDate',
  levels: ['missing', 'exact', 'exactDefault', 'dayMonthSwap', 'oneDay', 'yearOff', 'sameYearMonth', 'defaultSameYear', 'sameYear', 'different'],
  descriptions: [
    'birth date unknown on either side (missing, invalid, 1900-01-01, future)',
    'same birth date',
    'same birth date, but it is 1 January (often typed when only the year was known)',
    'same year, day and month exchanged (DD/MM vs MM/DD)',
    'one day apart',
    'same day and month, one year apart',
    'same year and month, days differ',
    'same year; one side is 1 January (year only)',
    'same year',
    'birth dates differ',
  ],
} as const satisfies ComparisonDefinition;

export const SEX = {
  name: 'sex',
  levels: ['missing', 'equal', 'different'],
  descriptions: ['sex unknown on either side, or intersex against M/F', 'same sex', 'different sex'],
} as const satisfies ComparisonDefinition;

export const DOCUMENT = {
  name: 'document',
  levels: [
    'missing',
    'exact',
    'evolution',
    'sameNumberOtherType',
    'provisionalEqual',
    'transposition',
    'oneKeyingError',
    'consecutive',
    'notComparable',
    'different',
  ],
  descriptions: [
    'document number missing or a placeholder on either side, or a different provisional (AS/MS/SI) number',
    'same number, same type (RC and NUIP count as the same; an unknown type is accepted)',
    'same number along the Registraduría life cycle (CN/RC/NUIP → TI → CC)',
    'same number under unrelated types (e.g. CC and CE): a type was probably mistyped',
    'same provisional number (AS/MS/SI, issued per health insurer)',
    'two adjacent digits swapped ("…4567…" / "…4657…"), compatible types: the most common keying error',
    'numbers one other keying error apart (one digit wrong, missing or extra), compatible types',
    'consecutive numbers (one or two apart), compatible types: registered one after the other, as twins and siblings are — not a keying error',
    'different numbers that are not comparable (different document families, different life-cycle ranks, RC serial vs NUIP)',
    'different numbers of the same type, or different NUIP-era (10-digit) numbers along the life cycle',
  ],
} as const satisfies ComparisonDefinition;

export const MUNICIPALITY = {
  name: 'municipality',
  levels: ['missing', 'exact', 'sameDepartment', 'different'],
  descriptions: ['municipality unknown on either side', 'same municipality (DIVIPOLA)', 'same department, different municipality', 'different departments'],
} as const satisfies ComparisonDefinition;

/** The comparisons, in vector order. */
export const COMPARISONS = [GIVEN_NAMES, SURNAMES, BIRTH_DATE, SEX, DOCUMENT, MUNICIPALITY] as const;
export type ComparisonName = (typeof COMPARISONS)[number]['name'];
export const COMPARISON_COUNT = COMPARISONS.length;

/** Vector positions. */
export const C_GIVEN = 0;
export const C_SURNAMES = 1;
export const C_BIRTH = 2;
export const C_SEX = 3;
export const C_DOCUMENT = 4;
export const C_MUNICIPALITY = 5;

type LevelIndex<D extends { levels: readonly string[] }> = { readonly [K in D['levels'][number]]: number };
function indexOf<D extends { levels: readonly string[] }>(d: D): LevelIndex<D> {
  return Object.fromEntries(d.levels.map((l, i) => [l, i])) as LevelIndex<D>;
}

/** Level indexes by label, e.g. `L.document.exact`. */
export const L = {
  givenNames: indexOf(GIVEN_NAMES),
  surnames: indexOf(SURNAMES),
  birthDate: indexOf(BIRTH_DATE),
  sex: indexOf(SEX),
  document: indexOf(DOCUMENT),
  municipality: indexOf(MUNICIPALITY),
} as const;

/** A comparison vector: one level index per comparison, in {@link COMPARISONS} order. */
export type ComparisonVector = Uint8Array;

// ---------------------------------------------------------------------------------------------
// Given names
//
// Hot path: values are compared through their precomputed hashes (equal hashes are confirmed on the
// strings) and Jaro-Winkler is computed only when the letter-signature bound says it can reach the
// band (see similarity.ts). The levels are exactly those the strings define.

function containsAll(big: readonly number[], small: readonly number[]): boolean {
  outer: for (let i = 0; i < small.length; i++) {
    const h = small[i];
    for (let j = 0; j < big.length; j++) if (big[j] === h) continue outer;
    return false;
  }
  return true;
}

/** Whether one record's given-name words are all among the other's (by hash, confirmed on strings). */
function eitherContains(a: PreparedRecord, b: PreparedRecord): boolean {
  const x = a.givenCoreHashes;
  const y = b.givenCoreHashes;
  if (containsAll(y, x) && a.givenCore.every((t) => b.givenCore.includes(t))) return true;
  return containsAll(x, y) && b.givenCore.every((t) => a.givenCore.includes(t));
}

/** Jaro-Winkler of two values when its signature bound reaches `floor`, else 0. */
function jwAtLeast(x: string, xSig: number, y: string, ySig: number, floor: number): number {
  return jaroWinklerUpperBound(xSig, ySig) < floor ? 0 : jaroWinkler(x, y);
}

export function compareGivenNames(a: PreparedRecord, b: PreparedRecord): number {
  const g1 = a.given1;
  const h1 = b.given1;
  if (g1 === null || h1 === null) return 0;
  if (a.given1Hash === b.given1Hash && g1 === h1) {
    if (a.givenRest === b.givenRest) return 1;
    if (a.givenRest === null || b.givenRest === null || eitherContains(a, b)) return 2;
    return 4;
  }
  if ((a.givenCoreHashes.length > 1 || b.givenCoreHashes.length > 1) && eitherContains(a, b)) return 3;
  const jw = jwAtLeast(g1, a.given1Sig, h1, b.given1Sig, JW_MID);
  if (jw >= JW_HIGH) return 5;
  if (a.given1PhonHash === b.given1PhonHash && a.given1Phon === b.given1Phon) return 6;
  if (jw >= JW_MID) return 7;
  if (b.nameTokenHashes.includes(a.given1Hash) && b.nameTokens.includes(g1)) return 8;
  if (a.nameTokenHashes.includes(b.given1Hash) && a.nameTokens.includes(h1)) return 8;
  return 9;
}

// ---------------------------------------------------------------------------------------------
// Surnames

const EQ = 3;
const CLOSE = 2;
const FAR = 0;

/** Which surname of a record: 1 = primer apellido, 2 = segundo apellido. */
type Pos = 1 | 2;

/**
 * 3 equal (core or glued form), 2 close (same phonetic key, or Jaro-Winkler ≥ 0.92), 0 otherwise,
 * between surname `p` of `a` and surname `q` of `b` (both present).
 */
function grade(a: PreparedRecord, p: Pos, b: PreparedRecord, q: Pos): number {
  const x = p === 1 ? a.s1! : a.s2!;
  const y = q === 1 ? b.s1! : b.s2!;
  const xh = p === 1 ? a.s1Hash : a.s2Hash;
  const yh = q === 1 ? b.s1Hash : b.s2Hash;
  if (xh === yh && x === y) return EQ;
  const xg = p === 1 ? a.s1GluedHash : a.s2GluedHash;
  const yg = q === 1 ? b.s1GluedHash : b.s2GluedHash;
  if (xg === yg && (p === 1 ? a.s1Glued : a.s2Glued) === (q === 1 ? b.s1Glued : b.s2Glued)) return EQ;
  const xp = p === 1 ? a.s1PhonHash : a.s2PhonHash;
  const yp = q === 1 ? b.s1PhonHash : b.s2PhonHash;
  if (xp === yp && (p === 1 ? a.s1Phon : a.s2Phon) === (q === 1 ? b.s1Phon : b.s2Phon)) return CLOSE;
  const xs = p === 1 ? a.s1Sig : a.s2Sig;
  const ys = q === 1 ? b.s1Sig : b.s2Sig;
  return jwAtLeast(x, xs, y, ys, SURNAME_CLOSE_JW) >= SURNAME_CLOSE_JW ? CLOSE : FAR;
}

export function compareSurnames(a: PreparedRecord, b: PreparedRecord): number {
  if (a.s1 === null || b.s1 === null) return 0;
  const has2 = a.s2 !== null && b.s2 !== null;
  const g11 = grade(a, 1, b, 1);
  if (g11 === EQ) {
    if (!has2) return 2;
    const g22 = grade(a, 2, b, 2);
    return g22 === EQ ? 1 : g22 === CLOSE ? 4 : 6;
  }
  let g12 = -1;
  let g21 = -1;
  if (has2) {
    g12 = grade(a, 1, b, 2);
    if (g12 >= CLOSE) {
      g21 = grade(a, 2, b, 1);
      if (g21 >= CLOSE) return 3;
    }
  }
  if (g11 === CLOSE) {
    if (!has2) return 5;
    return grade(a, 2, b, 2) >= CLOSE ? 4 : 7;
  }
  // First surnames differ: does a surname appear in the other position?
  if (g12 >= CLOSE) return 8;
  if (g12 < 0 && b.s2 !== null && grade(a, 1, b, 2) >= CLOSE) return 8;
  if (a.s2 !== null) {
    if (g21 < 0) g21 = grade(a, 2, b, 1);
    if (g21 >= CLOSE) return 8;
  }
  if (has2 && grade(a, 2, b, 2) === EQ) return 8;
  return 9;
}

// ---------------------------------------------------------------------------------------------
// Birth date

export function compareBirthDates(a: PreparedRecord, b: PreparedRecord): number {
  if (a.dobQuality === 0 || b.dobQuality === 0) return 0;
  if (a.dobDays === b.dobDays) return a.dobQuality === 1 ? 2 : 1;
  if (a.dobYear === b.dobYear && a.dobMonth === b.dobDay && a.dobDay === b.dobMonth) return 3;
  const diff = a.dobDays - b.dobDays;
  if (diff === 1 || diff === -1) return 4;
  if (a.dobMonth === b.dobMonth && a.dobDay === b.dobDay && (a.dobYear - b.dobYear === 1 || b.dobYear - a.dobYear === 1)) return 5;
  if (a.dobYear === b.dobYear) {
    if (a.dobMonth === b.dobMonth) return 6;
    if (a.dobQuality === 1 || b.dobQuality === 1) return 7;
    return 8;
  }
  return 9;
}

// ---------------------------------------------------------------------------------------------
// Sex

export function compareSex(a: PreparedRecord, b: PreparedRecord): number {
  const x = a.sex;
  const y = b.sex;
  if (x === null || y === null) return 0;
  if (x === y) return 1;
  if (x === 'I' || y === 'I') return 0;
  return 2;
}

// ---------------------------------------------------------------------------------------------
// Document

/** {@link documentTypeRelation} from the prepared ranks (no catalogue look-up on the hot path). */
function typeRelation(a: PreparedRecord, b: PreparedRecord): DocumentTypeRelation {
  const ta = a.docType;
  const tb = b.docType;
  if (ta === null || tb === null) return 'unknown';
  if (ta === tb) return 'equal';
  if (a.docRank >= 0 && b.docRank >= 0) return a.docRank === b.docRank ? 'equal' : 'evolution';
  return 'incompatible';
}

function birthRegistration(rank: number): boolean {
  return rank === 0 || rank === 1;
}

/** Numbers of one length that differ by 1 or 2 as integers (the next numbers the office issued that day). */
function consecutiveNumbers(x: string, y: string): boolean {
  if (x.length !== y.length || x.length < 6 || x.length > 15) return false;
  const d = Number(x) - Number(y);
  return d !== 0 && Math.abs(d) <= 2 && Number.isFinite(d);
}

/** Two adjacent characters swapped, nothing else. */
function adjacentTransposition(x: string, y: string): boolean {
  if (x.length !== y.length || x.length < 6) return false;
  let i = 0;
  while (i < x.length && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  return i + 1 < x.length && x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2) === y.slice(i + 2);
}

/**
 * Level of two different numbers of compatible types: a transposition, consecutive numbers, another
 * single keying error, or none of these. Consecutive numbers are checked before "one digit wrong"
 * (1023456789 / 1023456790 is both): two numbers issued one after the other belong to two people.
 */
function nearNumbers(x: string, y: string): number {
  if (adjacentTransposition(x, y)) return 5;
  if (consecutiveNumbers(x, y)) return 7;
  return isOneKeyingError(x, y) ? 6 : -1;
}

export function compareDocuments(a: PreparedRecord, b: PreparedRecord): number {
  const x = a.docKey;
  const y = b.docKey;
  if (x === null || y === null) return 0;
  if (a.docProvisional || b.docProvisional) return x === y ? 4 : 0;
  const relation = typeRelation(a, b);
  if (x === y) {
    if (relation === 'equal' || relation === 'unknown') return 1;
    return relation === 'evolution' ? 2 : 3;
  }
  if (relation === 'incompatible') return 8;
  const near = nearNumbers(x, y);
  if (relation === 'evolution') {
    if (near >= 0) return near;
    // The NUIP follows the person from RC to TI to CC: two different 10-digit numbers are two people.
    return a.docNuip && b.docNuip ? 9 : 8;
  }
  // Same type (or unknown): a birth-registration serial against a NUIP is not comparable.
  if ((birthRegistration(a.docRank) || birthRegistration(b.docRank)) && a.docNuip !== b.docNuip) return 8;
  return near >= 0 ? near : 9;
}

// ---------------------------------------------------------------------------------------------
// Municipality

export function compareMunicipalities(a: PreparedRecord, b: PreparedRecord): number {
  const x = a.municipalityId;
  const y = b.municipalityId;
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  return Math.floor(x / 1000) === Math.floor(y / 1000) ? 2 : 3;
}

// ---------------------------------------------------------------------------------------------

/**
 * Compares two prepared records into `out` (allocated when omitted) and returns it. Reuse one
 * `out` buffer in loops: the hot path then allocates nothing.
 */
export function compare(a: PreparedRecord, b: PreparedRecord, out: ComparisonVector = new Uint8Array(COMPARISON_COUNT)): ComparisonVector {
  out[C_GIVEN] = compareGivenNames(a, b);
  out[C_SURNAMES] = compareSurnames(a, b);
  out[C_BIRTH] = compareBirthDates(a, b);
  out[C_SEX] = compareSex(a, b);
  out[C_DOCUMENT] = compareDocuments(a, b);
  out[C_MUNICIPALITY] = compareMunicipalities(a, b);
  return out;
}

/** Level labels of a vector, e.g. `{ givenNames: 'exact', surnames: 'swapped', … }`. */
export function levelLabels(vector: ArrayLike<number>): Record<ComparisonName, string> {
  const out = {} as Record<ComparisonName, string>;
  COMPARISONS.forEach((c, i) => {
    out[c.name] = c.levels[vector[i]];
  });
  return out;
}
