/**
 * String similarity used by the comparisons. Jaro-Winkler comes from talisman (standard Winkler
 * variant: prefix scale 0.1 up to 4 characters, applied above 0.7); Levenshtein from
 * fastest-levenshtein (bit-parallel Myers). Both were measured on the scoring hot path
 * (bench/score.ts); neither allocates more than a few small arrays per call.
 */
import jaroWinklerImpl from 'talisman/metrics/jaro-winkler.js';
import { distance } from 'fastest-levenshtein';

/** Jaro-Winkler similarity in [0, 1]; 1 for equal strings, 0 when either is empty. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  return jaroWinklerImpl(a, b);
}

/**
 * Jaro-Winkler of `a` and `b` when it can reach `floor`, else 0. Most candidate pairs compare names
 * that share few letters (JUAN / CARLOS); an upper bound from the letters the two strings share
 * (matches ≤ letters of one present in the other, transpositions ≥ 0) settles those without the full
 * computation. Strings are upper-case A–Z and spaces.
 */
export function jaroWinklerAtLeast(a: string, b: string, floor: number): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  let maskA = 0;
  let maskB = 0;
  for (let i = 0; i < la; i++) maskA |= 1 << (a.charCodeAt(i) & 31);
  for (let i = 0; i < lb; i++) maskB |= 1 << (b.charCodeAt(i) & 31);
  let inB = 0;
  let inA = 0;
  for (let i = 0; i < la; i++) if (maskB & (1 << (a.charCodeAt(i) & 31))) inB++;
  for (let i = 0; i < lb; i++) if (maskA & (1 << (b.charCodeAt(i) & 31))) inA++;
  const m = inA < inB ? inA : inB;
  if (m === 0) return floor > 0 ? 0 : jaroWinklerImpl(a, b);
  const jaroBound = (m / la + m / lb + 1) / 3;
  let p = 0;
  const pl = la < lb ? (la < 4 ? la : 4) : lb < 4 ? lb : 4;
  while (p < pl && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  const bound = jaroBound >= 0.7 ? jaroBound + p * 0.1 * (1 - jaroBound) : jaroBound;
  if (bound < floor) return 0;
  return jaroWinklerImpl(a, b);
}

/**
 * Letter signature of a comparison string, computed once per value: the set of letters A–Z it
 * contains (bits 0–25) and its length (bits 26–29; 15 means "15 or longer", for which no bound is
 * claimed). With two signatures an upper bound of Jaro-Winkler is known without touching the strings
 * ({@link jaroWinklerUpperBound}). Fits in 30 bits, so V8 keeps it as a small integer.
 */
export function letterSignature(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 65;
    if (c >= 0 && c < 26) mask |= 1 << c;
  }
  return mask | ((s.length < 15 ? s.length : 15) << 26);
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const LETTERS = 0x3ffffff;

/**
 * Upper bound of Jaro-Winkler from two {@link letterSignature}s. Every distinct letter of one string
 * absent from the other removes at least one possible match, so matches m ≤ min(|a| − d_a, |b| − d_b);
 * with no transpositions and the longest Winkler prefix (4) the similarity cannot exceed the bound.
 */
export function jaroWinklerUpperBound(sigA: number, sigB: number): number {
  const la = sigA >>> 26;
  const lb = sigB >>> 26;
  if (la === 0 || lb === 0) return la === lb ? 1 : 0;
  if (la === 15 || lb === 15) return 1;
  const ma = sigA & LETTERS;
  const mb = sigB & LETTERS;
  const ra = la - popcount(ma & ~mb);
  const rb = lb - popcount(mb & ~ma);
  const m = ra < rb ? ra : rb;
  if (m <= 0) return 0;
  const jaro = (m / la + m / lb + 1) / 3;
  return jaro >= 0.7 ? jaro + 0.4 * (1 - jaro) : jaro;
}

/**
 * FNV-1a hash of a string folded to 30 bits (a small integer for V8), computed once per value so
 * that most unequal values are told apart by comparing two numbers (equal hashes are confirmed on the
 * strings).
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ (h >>> 30)) & 0x3fffffff;
}

/** Levenshtein edit distance. */
export function levenshtein(a: string, b: string): number {
  return distance(a, b);
}

/**
 * Similarity of two names as sets of words, insensitive to order and to which field each word was
 * typed in (compound names, particles moved, given names in surname fields). Words pair up greedily:
 * first identical words, then words with the same phonetic key, then words with Jaro-Winkler ≥ 0.92.
 * Returns the Dice coefficient 2·pairs / (|a| + |b|) in [0, 1]; 0 when either side is empty.
 *
 * `aKeys` / `bKeys` are the phonetic keys of the words, aligned with them.
 */
export function tokenSetSimilarity(a: readonly string[], b: readonly string[], aKeys?: readonly string[], bKeys?: readonly string[]): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const usedB = new Uint8Array(lb);
  const pairedA = new Uint8Array(la);
  let pairs = 0;
  for (let pass = 0; pass < 3; pass++) {
    if (pass === 1 && (!aKeys || !bKeys)) continue;
    for (let i = 0; i < la; i++) {
      if (pairedA[i]) continue;
      for (let j = 0; j < lb; j++) {
        if (usedB[j]) continue;
        const ok = pass === 0 ? a[i] === b[j] : pass === 1 ? aKeys![i] !== '' && aKeys![i] === bKeys![j] : jaroWinklerAtLeast(a[i], b[j], 0.92) >= 0.92;
        if (ok) {
          usedB[j] = 1;
          pairedA[i] = 1;
          pairs++;
          break;
        }
      }
    }
  }
  return (2 * pairs) / (la + lb);
}
