/**
 * Fellegi–Sunter model: each comparison level has an m probability (how often true matches show
 * it) and a u probability (how often two different people show it). A level's evidence is its Bayes
 * factor m/u; its match weight is log2(m/u). The pair's match weight is the prior weight
 * log2(λ / (1 − λ)) plus the weights of its levels plus term-frequency adjustments; the match
 * probability is 2^w / (1 + 2^w).
 */
import { createHash } from 'node:crypto';
import { COMPARISONS, COMPARISON_COUNT, C_GIVEN, C_MUNICIPALITY, C_SURNAMES, L, type ComparisonName } from './comparisons';
import type { PreparedRecord } from './prepare';

export interface ComparisonParameters {
  /** m probability by level label (every level except `missing`). */
  m: Readonly<Record<string, number>>;
  /** u probability by level label (every level except `missing`). */
  u: Readonly<Record<string, number>>;
}

export interface TermFrequencySettings {
  /** Share (0–1) of the term-frequency adjustment applied to given names, surnames, municipality. */
  givenNames: number;
  surnames: number;
  municipality: number;
  /**
   * Floor for a value's frequency: keeps a value absent from the tables, or extremely rare, from
   * producing unbounded evidence.
   */
  minimumU: number;
}

export interface ModelParameters {
  /**
   * λ: probability that two records drawn at random, one from each side of the reconciliation, are
   * the same person (≈ expected matches / (|A|·|B|); ≈ 1e-6 for two registries of a million people
   * that mostly overlap).
   */
  lambda: number;
  comparisons: Readonly<Record<ComparisonName, ComparisonParameters>>;
  termFrequency: TermFrequencySettings;
}

/** Probability → match weight (log2 odds). */
export function weightFromProbability(p: number): number {
  return Math.log2(p / (1 - p));
}

/** Match weight → probability. */
export function probabilityFromWeight(w: number): number {
  return 1 / (1 + 2 ** -w);
}

function normalized(values: Record<string, number>): Record<string, number> {
  let sum = 0;
  for (const v of Object.values(values)) sum += v;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v / sum;
  return out;
}

/**
 * Starting parameters before training, set from the structure of Colombian registries: u from
 * value frequencies in a population of tens of millions (about 1 in 30,000 random pairs share a
 * birth date; a document number almost never), m from typical error rates of administrative
 * registers. Expectation-maximisation (em.ts) replaces m, random pairs replace u.
 */
export const DEFAULT_PARAMETERS: ModelParameters = {
  lambda: 1e-6,
  comparisons: {
    givenNames: {
      m: normalized({
        exact: 0.7,
        compatible: 0.13,
        reordered: 0.02,
        firstEqual: 0.03,
        jw95: 0.03,
        phonetic: 0.03,
        jw88: 0.02,
        crossField: 0.01,
        different: 0.03,
      }),
      u: normalized({
        exact: 0.002,
        compatible: 0.003,
        reordered: 0.0002,
        firstEqual: 0.008,
        jw95: 0.001,
        phonetic: 0.005,
        jw88: 0.01,
        crossField: 0.01,
        different: 0.9608,
      }),
    },
    surnames: {
      m: normalized({
        exact: 0.72,
        exactSecondMissing: 0.1,
        swapped: 0.02,
        closeBoth: 0.05,
        closeSecondMissing: 0.01,
        firstExactSecondDiffers: 0.04,
        firstCloseSecondDiffers: 0.01,
        crossPosition: 0.02,
        different: 0.03,
      }),
      u: normalized({
        exact: 0.0002,
        exactSecondMissing: 0.0005,
        swapped: 0.00005,
        closeBoth: 0.0002,
        closeSecondMissing: 0.0002,
        firstExactSecondDiffers: 0.008,
        firstCloseSecondDiffers: 0.004,
        crossPosition: 0.02,
        different: 0.96685,
      }),
    },
    birthDate: {
      m: normalized({
        exact: 0.85,
        exactDefault: 0.02,
        dayMonthSwap: 0.02,
        oneDay: 0.02,
        yearOff: 0.02,
        sameYearMonth: 0.02,
        defaultSameYear: 0.01,
        sameYear: 0.01,
        different: 0.03,
      }),
      u: normalized({
        exact: 0.00003,
        exactDefault: 0.00005,
        dayMonthSwap: 0.00003,
        oneDay: 0.00006,
        yearOff: 0.00006,
        sameYearMonth: 0.0003,
        defaultSameYear: 0.0003,
        sameYear: 0.01,
        different: 0.98917,
      }),
    },
    sex: {
      m: normalized({ equal: 0.97, different: 0.03 }),
      u: normalized({ equal: 0.5, different: 0.5 }),
    },
    document: {
      m: normalized({
        exact: 0.8,
        evolution: 0.05,
        sameNumberOtherType: 0.01,
        provisionalEqual: 0.005,
        transposition: 0.012,
        oneKeyingError: 0.008,
        consecutive: 0.0005,
        notComparable: 0.075,
        different: 0.04,
      }),
      u: normalized({
        exact: 1e-7,
        evolution: 1e-8,
        sameNumberOtherType: 1e-8,
        provisionalEqual: 1e-7,
        transposition: 1e-6,
        oneKeyingError: 2e-6,
        consecutive: 1e-6,
        notComparable: 0.4,
        different: 0.599997,
      }),
    },
    municipality: {
      m: normalized({ exact: 0.8, sameDepartment: 0.08, different: 0.12 }),
      u: normalized({ exact: 0.02, sameDepartment: 0.05, different: 0.93 }),
    },
  },
  termFrequency: { givenNames: 1, surnames: 1, municipality: 0, minimumU: 1e-6 },
};

/**
 * Parameters stored before a comparison gained levels (e.g. the document's `transposition` and
 * `consecutive`): the missing levels take the built-in priors, renormalized with the stored ones.
 * `upgraded` says the stored model no longer describes the comparisons: retrain it.
 */
export function upgradeParameters(stored: ModelParameters): { parameters: ModelParameters; upgraded: boolean } {
  let upgraded = false;
  const comparisons = { ...stored.comparisons };
  for (const c of COMPARISONS) {
    const p = stored.comparisons[c.name];
    const d = DEFAULT_PARAMETERS.comparisons[c.name];
    if (!p) {
      comparisons[c.name] = d;
      upgraded = true;
      continue;
    }
    const missing = c.levels.slice(1).filter((l) => !(p.m[l] > 0) || !(p.u[l] > 0));
    if (missing.length === 0) continue;
    upgraded = true;
    const m = { ...p.m };
    const u = { ...p.u };
    for (const l of missing) {
      m[l] = d.m[l];
      u[l] = d.u[l];
    }
    comparisons[c.name] = { m: normalized(pick(m, c.levels)), u: normalized(pick(u, c.levels)) };
  }
  return { parameters: upgraded ? { ...stored, comparisons } : stored, upgraded };
}

function pick(values: Record<string, number>, levels: readonly string[]): Record<string, number> {
  return Object.fromEntries(levels.slice(1).map((l) => [l, values[l]]));
}

/** A model ready for scoring: weights precomputed per level. */
export interface CompiledModel {
  readonly parameters: ModelParameters;
  /** Stable identifier of the parameters (hash): store it with every score and decision. */
  readonly version: string;
  readonly priorWeight: number;
  /** weights[c][level]: log2(m/u); 0 for `missing`. */
  readonly weights: readonly Float64Array[];
  /** log2 u[c][level], for term-frequency adjustments. */
  readonly log2U: readonly Float64Array[];
  /** log2 of termFrequency.minimumU. */
  readonly log2MinimumU: number;
}

/** Canonical JSON (sorted keys, 12 significant digits) hashed with SHA-256: `fs1-<16 hex>`. */
export function modelVersion(parameters: ModelParameters): string {
  const canonical = (v: unknown): unknown => {
    if (typeof v === 'number') return Number(v.toPrecision(12));
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) o[k] = canonical((v as Record<string, unknown>)[k]);
      return o;
    }
    return v;
  };
  const payload = JSON.stringify({
    levels: COMPARISONS.map((c) => [c.name, c.levels]),
    parameters: canonical(parameters),
  });
  return `fs1-${createHash('sha256').update(payload).digest('hex').slice(0, 16)}`;
}

/**
 * Validates parameters and precomputes weights. Every non-missing level needs m and u in (0, 1];
 * each distribution is renormalized to sum to 1.
 */
export function compileModel(parameters: ModelParameters = DEFAULT_PARAMETERS): CompiledModel {
  if (!(parameters.lambda > 0 && parameters.lambda < 1)) throw new RangeError('lambda must be in (0, 1)');
  const weights: Float64Array[] = [];
  const uArrays: Float64Array[] = [];
  for (const c of COMPARISONS) {
    const p = parameters.comparisons[c.name];
    if (!p) throw new RangeError(`missing parameters for comparison ${c.name}`);
    let sumM = 0;
    let sumU = 0;
    for (let i = 1; i < c.levels.length; i++) {
      const label = c.levels[i];
      const m = p.m[label];
      const u = p.u[label];
      if (!(m > 0 && m <= 1) || !(u > 0 && u <= 1)) {
        throw new RangeError(`${c.name}.${label}: m and u must be in (0, 1] (got m=${m}, u=${u})`);
      }
      sumM += m;
      sumU += u;
    }
    const w = new Float64Array(c.levels.length);
    const uu = new Float64Array(c.levels.length);
    for (let i = 1; i < c.levels.length; i++) {
      const m = p.m[c.levels[i]] / sumM;
      const u = p.u[c.levels[i]] / sumU;
      w[i] = Math.log2(m / u);
      uu[i] = Math.log2(u);
    }
    weights.push(w);
    uArrays.push(uu);
  }
  const tf = parameters.termFrequency;
  for (const k of ['givenNames', 'surnames', 'municipality'] as const) {
    if (!(tf[k] >= 0 && tf[k] <= 1)) throw new RangeError(`termFrequency.${k} must be in [0, 1]`);
  }
  if (!(tf.minimumU > 0 && tf.minimumU < 1)) throw new RangeError('termFrequency.minimumU must be in (0, 1)');
  return {
    parameters,
    version: modelVersion(parameters),
    priorWeight: weightFromProbability(parameters.lambda),
    weights,
    log2U: uArrays,
    log2MinimumU: Math.log2(tf.minimumU),
  };
}

const G = L.givenNames;
const S = L.surnames;
const M = L.municipality;

/** The larger of two log-frequencies, ignoring NaN (no table on that side). */
function larger(x: number, y: number): number {
  if (x !== x) return y;
  if (y !== y) return x;
  return x > y ? x : y;
}

/**
 * Term-frequency adjustment of comparison `c` at `level` (0 when not applicable): the level's average
 * u is replaced by the frequency of the agreeing value, log2(u_level / max(tf, minimumU)) scaled by
 * the comparison's share. The more frequent of the two records' frequencies is used (the weaker
 * claim); for "both surnames equal" the frequency is the product of both surnames' frequencies.
 */
export function termFrequencyAdjustment(model: CompiledModel, c: number, level: number, a: PreparedRecord, b: PreparedRecord): number {
  const tf = model.parameters.termFrequency;
  let share: number;
  let logFreq: number;
  if (c === C_GIVEN) {
    if (level !== G.exact && level !== G.compatible && level !== G.firstEqual) return 0;
    share = tf.givenNames;
    logFreq = larger(a.tfGiven1Log2, b.tfGiven1Log2);
  } else if (c === C_SURNAMES) {
    share = tf.surnames;
    if (level === S.exact) {
      logFreq = larger(a.tfS1Log2, b.tfS1Log2) + larger(a.tfS2Log2, b.tfS2Log2);
    } else if (level === S.exactSecondMissing || level === S.firstExactSecondDiffers) {
      logFreq = larger(a.tfS1Log2, b.tfS1Log2);
    } else return 0;
  } else if (c === C_MUNICIPALITY) {
    if (level !== M.exact) return 0;
    share = tf.municipality;
    logFreq = larger(a.tfMunicipalityLog2, b.tfMunicipalityLog2);
  } else return 0;
  if (share === 0 || logFreq !== logFreq) return 0;
  const floor = model.log2MinimumU;
  return share * (model.log2U[c][level] - (logFreq > floor ? logFreq : floor));
}

/** Match weight of a compared pair: prior + level weights + term-frequency adjustments. Hot path. */
export function matchWeight(model: CompiledModel, vector: ArrayLike<number>, a: PreparedRecord, b: PreparedRecord): number {
  const w = model.weights;
  let total = model.priorWeight;
  for (let c = 0; c < COMPARISON_COUNT; c++) total += w[c][vector[c]];
  const g = vector[C_GIVEN];
  if (g === G.exact || g === G.compatible || g === G.firstEqual) total += termFrequencyAdjustment(model, C_GIVEN, g, a, b);
  const s = vector[C_SURNAMES];
  if (s === S.exact || s === S.exactSecondMissing || s === S.firstExactSecondDiffers) {
    total += termFrequencyAdjustment(model, C_SURNAMES, s, a, b);
  }
  if (vector[C_MUNICIPALITY] === M.exact) total += termFrequencyAdjustment(model, C_MUNICIPALITY, M.exact, a, b);
  return total;
}

/** One comparison's share of the evidence, for explanations. */
export interface Contribution {
  /** The comparison (field): givenNames, surnames, birthDate, sex, document, municipality. */
  field: ComparisonName;
  level: string;
  levelIndex: number;
  /** log2(m/u) of the level. */
  levelWeight: number;
  /** Term-frequency adjustment (0 when none). */
  tfAdjustment: number;
  /** levelWeight + tfAdjustment. */
  weight: number;
  /** Plain-words meaning of the level. */
  description: string;
}

export interface ScoreResult {
  matchWeight: number;
  probability: number;
  priorWeight: number;
  contributions: Contribution[];
  modelVersion: string;
}

/** Scores a compared pair with its explanation (per-comparison contributions). */
export function score(model: CompiledModel, vector: ArrayLike<number>, a: PreparedRecord, b: PreparedRecord): ScoreResult {
  const contributions: Contribution[] = [];
  let total = model.priorWeight;
  for (let c = 0; c < COMPARISON_COUNT; c++) {
    const level = vector[c];
    const def = COMPARISONS[c];
    const levelWeight = model.weights[c][level];
    const tfAdjustment = termFrequencyAdjustment(model, c, level, a, b);
    const weight = levelWeight + tfAdjustment;
    total += weight;
    contributions.push({
      field: def.name,
      level: def.levels[level],
      levelIndex: level,
      levelWeight,
      tfAdjustment,
      weight,
      description: def.descriptions[level],
    });
  }
  return {
    matchWeight: total,
    probability: probabilityFromWeight(total),
    priorWeight: model.priorWeight,
    contributions,
    modelVersion: model.version,
  };
}
