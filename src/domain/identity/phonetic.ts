/**
 * Spanish phonetic key ("soundexesp"), re-implemented from the description in domain.md §5.4
 * (algorithm of pasosdeJesus/sip, used by Colombian human-rights and social-protection systems).
 *
 * Per word:
 *  1. upper-case, strip leading H's, fold Ñ and accented vowels (Ñ→N, Á→A, Ü→U …);
 *  2. first-letter unification: V→B; Z, X→S; G before E/I → J; C not before H/E/I → K;
 *  3. digraphs, left to right over the whole word, in this order:
 *     CH→V, QU→K, LL→J, CE→S, CI→S, YA/YE/YI/YO/YU→J, GE→J, GI→J, NY→N
 *     (the vowel of CE, CI, Y+vowel, GE, GI is consumed with the digraph);
 *  4. keep the first letter; in the rest delete A, E, I, O, U, H, W, Y;
 *  5. translate B P F V → 1, C G K S X Z → 2, D T → 3, L → 4, M N → 5, R → 6, Q J → 7;
 *  6. collapse adjacent equal characters; right-pad with 0 and cut to 4 characters.
 *
 * Multi-word values are keyed word by word and joined with one space (soundexespm).
 * Non-letters split words; a word with no letters yields nothing.
 */

import { foldAccents } from '../text';

const DIGRAPHS: ReadonlyArray<readonly [string, string]> = [
  ['CH', 'V'],
  ['QU', 'K'],
  ['LL', 'J'],
  ['CE', 'S'],
  ['CI', 'S'],
  ['YA', 'J'],
  ['YE', 'J'],
  ['YI', 'J'],
  ['YO', 'J'],
  ['YU', 'J'],
  ['GE', 'J'],
  ['GI', 'J'],
  ['NY', 'N'],
];

// Digit for each letter A–Z after vowel removal ('' = deleted).
const CODE: Record<string, string> = {
  B: '1',
  P: '1',
  F: '1',
  V: '1',
  C: '2',
  G: '2',
  K: '2',
  S: '2',
  X: '2',
  Z: '2',
  D: '3',
  T: '3',
  L: '4',
  M: '5',
  N: '5',
  R: '6',
  Q: '7',
  J: '7',
  A: '',
  E: '',
  I: '',
  O: '',
  U: '',
  H: '',
  W: '',
  Y: '',
};

/** Upper-case, accents and Ñ folded (Ñ→N, Á→A, Ü→U …). */
function fold(value: string): string {
  return foldAccents(value.toUpperCase());
}

/**
 * Keys already computed: registries repeat the same names millions of times. Bounded (cleared when
 * full), so memory stays flat whatever the number of distinct spellings.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

/** Phonetic key of one word, e.g. `CASTILLO` → `K234`; "" when the word has no letters. */
export function soundexEs(word: string): string {
  const known = memo.get(word);
  if (known !== undefined) return known;
  const key = computeSoundexEs(word);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(word, key);
  return key;
}

function computeSoundexEs(word: string): string {
  let w = fold(word).replace(/[^A-Z]/g, '');
  let h = 0;
  while (h < w.length && w.charCodeAt(h) === 72 /* H */) h++;
  w = w.slice(h);
  if (w === '') return '';

  const first = w[0];
  const second = w.length > 1 ? w[1] : '';
  let unified = first;
  if (first === 'V') unified = 'B';
  else if (first === 'Z' || first === 'X') unified = 'S';
  else if (first === 'G' && (second === 'E' || second === 'I')) unified = 'J';
  else if (first === 'C' && second !== 'H' && second !== 'E' && second !== 'I') unified = 'K';
  w = unified + w.slice(1);

  for (const [from, to] of DIGRAPHS) {
    if (w.includes(from)) w = w.split(from).join(to);
  }

  let key = w[0];
  let last = key;
  for (let i = 1; i < w.length; i++) {
    const digit = CODE[w[i]];
    if (digit === '' || digit === undefined) continue;
    if (digit !== last) key += digit;
    last = digit;
  }
  return (key + '000').slice(0, 4);
}

/** Word-by-word key of a multi-word value (`"DE LA HOZ"` → `"D000 L000 O200"`); "" when empty. */
export function soundexEsMulti(value: string | null | undefined): string {
  if (!value) return '';
  const keys: string[] = [];
  for (const part of fold(value).split(/[^A-Z]+/)) {
    if (part === '') continue;
    const k = soundexEs(part);
    if (k !== '') keys.push(k);
  }
  return keys.join(' ');
}
