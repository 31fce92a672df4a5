/**
 * Blocking rules as data. A rule turns a prepared record into a short key (or null: the record is
 * not blocked by that rule); two records become a candidate pair when they share a key under any
 * rule. Keys are stored in PostgreSQL (one row per record and rule) and joined there, so they are
 * short ASCII strings. Several strict rules beat one loose rule: the cost of linkage is the number
 * of candidate pairs, which {@link countComparisons} reports per rule.
 */
import type { ComparisonName } from './comparisons';
import type { PreparedRecord } from './prepare';

export interface BlockingRule {
  /** Stable small integer stored with each key (`entity_blocking_keys.rule`); never reused. */
  readonly id: number;
  /** Stable name, for configuration and diagnostics. */
  readonly name: string;
  /** What the rule catches, for operators. */
  readonly description: string;
  /**
   * Comparisons the key is built from. Pairs the rule generates agree on them by construction, so
   * they say nothing about m there: training masks them (Splink's "fix the blocked comparisons").
   */
  readonly uses: readonly ComparisonName[];
  readonly key: (r: PreparedRecord) => string | null;
}

function yyyymmdd(r: PreparedRecord): string | null {
  if (r.dobQuality === 0) return null;
  return `${r.dobYear}${String(r.dobMonth).padStart(2, '0')}${String(r.dobDay).padStart(2, '0')}`;
}

export const BLOCK_BY_DOCUMENT: BlockingRule = {
  id: 1,
  name: 'document',
  description: 'Same normalized document number, whatever the type (catches TI→CC evolutions and mistyped types).',
  uses: ['document'],
  key: (r) => r.docKey,
};

export const BLOCK_BY_PHONETIC_NAME_YEAR: BlockingRule = {
  id: 2,
  name: 'phoneticNameYear',
  description: 'Phonetic key of the first surname and of the first given name, and the birth year (domain.md §5.5 b).',
  uses: ['givenNames', 'surnames', 'birthDate'],
  key: (r) => (r.s1Phon && r.given1Phon && r.dobQuality !== 0 ? `${r.s1Phon}${r.given1Phon}${r.dobYear}` : null),
};

export const BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL: BlockingRule = {
  id: 3,
  name: 'birthDateMunicipalityInitial',
  description: 'Exact birth date, municipality and first letter of the first surname (domain.md §5.5 c): catches name typos.',
  uses: ['birthDate', 'municipality', 'surnames'],
  key: (r) => {
    const d = yyyymmdd(r);
    return d && r.municipality && r.s1 ? `${d}${r.municipality}${r.s1[0]}` : null;
  },
};

export const BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH: BlockingRule = {
  id: 4,
  name: 'surnamesUnorderedBirthYear',
  description:
    'Phonetic keys of both surnames in alphabetical order, the birth year and the day/month pair in ascending order: catches swapped surnames and DD/MM swaps.',
  uses: ['surnames', 'birthDate'],
  key: (r) => {
    if (!r.s1Phon || !r.s2Phon || r.dobQuality === 0) return null;
    const [x, y] = r.s1Phon <= r.s2Phon ? [r.s1Phon, r.s2Phon] : [r.s2Phon, r.s1Phon];
    const lo = Math.min(r.dobDay, r.dobMonth);
    const hi = Math.max(r.dobDay, r.dobMonth);
    return `${x}${y}${r.dobYear}${String(lo).padStart(2, '0')}${String(hi).padStart(2, '0')}`;
  },
};

export const BLOCK_BY_PHONETIC_FULL_NAME: BlockingRule = {
  id: 5,
  name: 'phoneticFullName',
  description: 'DPS phonetic key (first given name + both surnames) without the birth date: catches birth-date errors. Loose: use on small sets.',
  uses: ['givenNames', 'surnames'],
  key: (r) => (r.phoneticName !== '' ? r.phoneticName : null),
};

export const BLOCK_BY_PHONETIC_SURNAME_YEAR: BlockingRule = {
  id: 6,
  name: 'phoneticSurnameYear',
  description: 'Phonetic key of the first surname and the birth year. Loose (common surnames make large blocks): diagnostics and small sets.',
  uses: ['surnames', 'birthDate'],
  key: (r) => (r.s1Phon && r.dobQuality !== 0 ? `${r.s1Phon}${r.dobYear}` : null),
};

export const BLOCK_BY_PHONETIC_FULL_NAME_YEAR: BlockingRule = {
  id: 7,
  name: 'phoneticFullNameYear',
  description:
    'DPS phonetic key (first given name + both surnames) and the birth year: catches wrong days and made-up 1 January dates without the large blocks of common first name + surname pairs.',
  uses: ['givenNames', 'surnames', 'birthDate'],
  key: (r) => (r.phoneticName !== '' && r.dobQuality !== 0 ? `${r.phoneticName}${r.dobYear}` : null),
};

export const BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH: BlockingRule = {
  id: 8,
  name: 'phoneticFullNameDayMonth',
  description: 'DPS phonetic key (first given name + both surnames), birth day and month without the year: catches a wrong birth year.',
  uses: ['givenNames', 'surnames', 'birthDate'],
  key: (r) =>
    r.phoneticName !== '' && r.dobQuality === 2 ? `${r.phoneticName}${String(r.dobMonth).padStart(2, '0')}${String(r.dobDay).padStart(2, '0')}` : null,
};

export const BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL: BlockingRule = {
  id: 9,
  name: 'birthDateMunicipalityGivenInitial',
  description:
    'Exact birth date, municipality and first letter of the first given name: catches surnames typed another way (glued particles DELAHOZ, typos in the first letter, swapped fields).',
  uses: ['birthDate', 'municipality', 'givenNames'],
  key: (r) => {
    const d = yyyymmdd(r);
    return d && r.municipality && r.given1 ? `${d}${r.municipality}${r.given1[0]}` : null;
  },
};

/** Every rule, by name (ids and names are unique; see tests). */
export const BLOCKING_RULES: Readonly<Record<string, BlockingRule>> = Object.fromEntries(
  [
    BLOCK_BY_DOCUMENT,
    BLOCK_BY_PHONETIC_NAME_YEAR,
    BLOCK_BY_BIRTH_DATE_MUNICIPALITY_INITIAL,
    BLOCK_BY_SURNAMES_UNORDERED_DAY_MONTH,
    BLOCK_BY_PHONETIC_FULL_NAME,
    BLOCK_BY_PHONETIC_SURNAME_YEAR,
    BLOCK_BY_PHONETIC_FULL_NAME_YEAR,
    BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH,
    BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL,
  ].map((r) => [r.name, r]),
);

/**
 * Default rule set: strict rules whose union catches each documented variant class, chosen with
 * bench/linkage.ts --blocking (docs/reconciliation.md): on 1,000,000 Sisbén persons against
 * 1,000,000 BDUA rows they generate 3.8 million pairs and miss 0.034 % of the true pairs, where
 * the first four rules (document, phoneticNameYear, birthDateMunicipalityInitial,
 * surnamesUnorderedBirthYear) generated 8 million and missed more: common first name + surname pairs
 * (JOSE RODRIGUEZ) make the blocks of phoneticNameYear large.
 */
export const DEFAULT_BLOCKING_RULES: readonly BlockingRule[] = [
  BLOCK_BY_DOCUMENT,
  BLOCK_BY_PHONETIC_FULL_NAME_YEAR,
  BLOCK_BY_PHONETIC_FULL_NAME_DAY_MONTH,
  BLOCK_BY_BIRTH_DATE_MUNICIPALITY_GIVEN_INITIAL,
];

/** Rules by name, in the order given; throws on an unknown name (configuration error). */
export function blockingRulesByName(names: readonly string[]): BlockingRule[] {
  return names.map((n) => {
    const rule = BLOCKING_RULES[n];
    if (!rule) throw new RangeError(`unknown blocking rule "${n}" (known: ${Object.keys(BLOCKING_RULES).join(', ')})`);
    return rule;
  });
}

export interface BlockingKey {
  /** The rule's id. */
  rule: number;
  key: string;
}

/** The keys of one record under each rule (rules yielding null are skipped). */
export function blockingKeys(record: PreparedRecord, rules: readonly BlockingRule[] = DEFAULT_BLOCKING_RULES): BlockingKey[] {
  const out: BlockingKey[] = [];
  for (const rule of rules) {
    const key = rule.key(record);
    if (key !== null && key !== '') out.push({ rule: rule.id, key });
  }
  return out;
}

export interface RuleComparisonCount {
  rule: string;
  /** Pairs the rule generates on its own. */
  comparisons: number;
  /** Pairs it adds to the rules before it (the order matters, as in Splink's cumulative chart). */
  newComparisons: number;
  /** Running total of distinct pairs up to and including this rule. */
  cumulative: number;
  /** Records without a key under this rule. */
  recordsWithoutKey: number;
  /** The largest block (number of records sharing one key; the sum of both sides when linking). */
  largestBlock: number;
}

function groupByKey(records: readonly PreparedRecord[], rule: BlockingRule): { groups: Map<string, number[]>; missing: number } {
  const groups = new Map<string, number[]>();
  let missing = 0;
  records.forEach((r, i) => {
    const k = rule.key(r);
    if (k === null || k === '') {
      missing++;
      return;
    }
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  return { groups, missing };
}

interface RuleVisit {
  /** Called for every pair the rule generates; `fresh` is false when an earlier rule generated it. */
  pair: (i: number, j: number, fresh: boolean) => void;
  /** Called once per rule with its blocks' statistics. */
  done: (largestBlock: number, recordsWithoutKey: number) => void;
}

/** Walks the pairs of each rule in order (dedupe when `right` is undefined). */
function walkRules(
  rules: readonly BlockingRule[],
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[] | undefined,
  visit: (ruleIndex: number) => RuleVisit,
): void {
  const dedupe = right === undefined;
  const rightRecords = right ?? left;
  const keysLeft = rules.map((rule) => left.map((r) => rule.key(r)));
  const keysRight = dedupe ? keysLeft : rules.map((rule) => rightRecords.map((r) => rule.key(r)));
  for (let k = 0; k < rules.length; k++) {
    const v = visit(k);
    const gl = groupByKey(left, rules[k]);
    const gr = dedupe ? gl : groupByKey(rightRecords, rules[k]);
    const earlier = (i: number, j: number): boolean => {
      for (let e = 0; e < k; e++) {
        const x = keysLeft[e][i];
        if (x !== null && x !== '' && x === keysRight[e][j]) return true;
      }
      return false;
    };
    let largest = 0;
    for (const [key, li] of gl.groups) {
      const ri = dedupe ? li : gr.groups.get(key);
      if (!ri) continue;
      largest = Math.max(largest, dedupe ? li.length : li.length + ri.length);
      if (dedupe) {
        for (let x = 0; x < li.length; x++) {
          for (let y = x + 1; y < li.length; y++) v.pair(li[x], li[y], !earlier(li[x], li[y]));
        }
      } else {
        for (const i of li) for (const j of ri) v.pair(i, j, !earlier(i, j));
      }
    }
    v.done(largest, dedupe ? gl.missing : gl.missing + gr.missing);
  }
}

/**
 * Diagnostics: how many candidate pairs a rule set generates over sample records. With `right`
 * omitted, pairs are within `left` (deduplication, n·(n−1)/2 per block); otherwise between `left` and
 * `right` (linkage, |block in left|·|block in right|). A pair counts as new for a rule only when no
 * earlier rule generated it. Enumerates pairs: meant for samples, not full registries.
 */
export function countComparisons(rules: readonly BlockingRule[], left: readonly PreparedRecord[], right?: readonly PreparedRecord[]): RuleComparisonCount[] {
  const out: RuleComparisonCount[] = [];
  let cumulative = 0;
  walkRules(rules, left, right, (k) => {
    let comparisons = 0;
    let fresh = 0;
    return {
      pair: (_i, _j, isFresh) => {
        comparisons++;
        if (isFresh) fresh++;
      },
      done: (largestBlock, recordsWithoutKey) => {
        cumulative += fresh;
        out.push({ rule: rules[k].name, comparisons, newComparisons: fresh, cumulative, recordsWithoutKey, largestBlock });
      },
    };
  });
  return out;
}

export interface CandidatePair {
  left: number;
  right: number;
  /** The first rule that generated the pair. */
  rule: string;
}

/**
 * Candidate pairs of a rule set over in-memory records, each pair once (under the first rule that
 * generates it), as indexes into `left` and `right` (or twice into `left` when deduplicating): for
 * tests, samples and small reconciliations. The database job does the same with joins on stored keys.
 */
export function candidatePairs(rules: readonly BlockingRule[], left: readonly PreparedRecord[], right?: readonly PreparedRecord[]): CandidatePair[] {
  const out: CandidatePair[] = [];
  walkRules(rules, left, right, (k) => ({
    pair: (i, j, fresh) => {
      if (fresh) out.push({ left: i, right: j, rule: rules[k].name });
    },
    done: () => undefined,
  }));
  return out;
}
