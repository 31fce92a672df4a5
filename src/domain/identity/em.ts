/**
 * Training the Fellegi–Sunter model, as Splink does:
 *  1. u from random pairs (almost all are two different people): {@link estimateU};
 *  2. m by expectation-maximisation over candidate pairs, with u fixed: {@link trainM}.
 *
 * Both work on comparison vectors tallied into pattern counts (a million pairs collapse to a few
 * thousand distinct vectors), so a database job can stream chunks through {@link tallyVectors} and
 * merge them. Everything is pure and deterministic.
 */
import { COMPARISONS, COMPARISON_COUNT, compare, type ComparisonName } from './comparisons';
import type { ComparisonParameters, ModelParameters } from './model';
import type { PreparedRecord } from './prepare';

const RADIX = 16;

/** Distinct comparison vectors and how many pairs showed each. */
export interface PatternCounts {
  /** Key: levels packed base 16, comparison 0 in the lowest digit (see {@link encodePattern}). */
  readonly counts: Map<number, number>;
  total: number;
}

export function emptyPatternCounts(): PatternCounts {
  return { counts: new Map(), total: 0 };
}

export function encodePattern(vector: ArrayLike<number>): number {
  let key = 0;
  let mul = 1;
  for (let c = 0; c < COMPARISON_COUNT; c++) {
    key += vector[c] * mul;
    mul *= RADIX;
  }
  return key;
}

export function decodePattern(key: number): number[] {
  const out: number[] = [];
  let k = key;
  for (let c = 0; c < COMPARISON_COUNT; c++) {
    out.push(k % RADIX);
    k = Math.floor(k / RADIX);
  }
  return out;
}

/** Adds vectors (each seen `weight` times, default 1) to `into` (a new tally when omitted). */
export function tallyVectors(vectors: Iterable<ArrayLike<number>>, into: PatternCounts = emptyPatternCounts(), weight = 1): PatternCounts {
  for (const v of vectors) {
    const key = encodePattern(v);
    into.counts.set(key, (into.counts.get(key) ?? 0) + weight);
    into.total += weight;
  }
  return into;
}

export function mergePatternCounts(...parts: PatternCounts[]): PatternCounts {
  const out = emptyPatternCounts();
  for (const p of parts) {
    for (const [k, n] of p.counts) out.counts.set(k, (out.counts.get(k) ?? 0) + n);
    out.total += p.total;
  }
  return out;
}

/** Small deterministic PRNG (mulberry32) so that sampling is reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` random pairs of indexes: (left, right) between two lists of sizes `nLeft` and `nRight`,
 * or, with `nRight` null, two different records of one list (deduplication).
 */
export function* sampleRandomPairs(nLeft: number, nRight: number | null, count: number, seed = 1): Generator<[number, number]> {
  const rnd = seededRandom(seed);
  if (nLeft <= 0 || (nRight === null ? nLeft < 2 : nRight <= 0)) return;
  for (let k = 0; k < count; k++) {
    const i = Math.floor(rnd() * nLeft);
    if (nRight === null) {
      let j = Math.floor(rnd() * (nLeft - 1));
      if (j >= i) j++;
      yield [i, j];
    } else {
      yield [i, Math.floor(rnd() * nRight)];
    }
  }
}

export type LevelProbabilities = Record<ComparisonName, Record<string, number>>;

/**
 * u probabilities from the vectors of random pairs: the share of pairs at each level among pairs
 * where the comparison is not missing, with additive smoothing `smoothing` per level (so that a level
 * never seen among random pairs, such as "same document number", gets a small positive u instead of
 * zero).
 */
export function estimateU(randomPairs: PatternCounts, options: { smoothing?: number } = {}): LevelProbabilities {
  const alpha = options.smoothing ?? 1;
  const counts = COMPARISONS.map((c) => new Float64Array(c.levels.length));
  for (const [key, n] of randomPairs.counts) {
    const levels = decodePattern(key);
    for (let c = 0; c < COMPARISON_COUNT; c++) counts[c][levels[c]] += n;
  }
  const out = {} as LevelProbabilities;
  COMPARISONS.forEach((def, c) => {
    let total = 0;
    for (let l = 1; l < def.levels.length; l++) total += counts[c][l];
    const k = def.levels.length - 1;
    const probs: Record<string, number> = {};
    for (let l = 1; l < def.levels.length; l++) probs[def.levels[l]] = (counts[c][l] + alpha) / (total + alpha * k);
    out[def.name] = probs;
  });
  return out;
}

/**
 * Compares `pairs` random pairs of prepared records and estimates u ({@link estimateU}). With `right`
 * omitted the pairs are drawn within `left` (deduplication).
 */
export function estimateUFromRecords(
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[] | null,
  options: { pairs?: number; seed?: number; smoothing?: number } = {},
): LevelProbabilities {
  const tally = emptyPatternCounts();
  const v = new Uint8Array(COMPARISON_COUNT);
  const other = right ?? left;
  for (const [i, j] of sampleRandomPairs(left.length, right ? right.length : null, options.pairs ?? 1_000_000, options.seed ?? 1)) {
    compare(left[i], other[j], v);
    const key = encodePattern(v);
    tally.counts.set(key, (tally.counts.get(key) ?? 0) + 1);
    tally.total++;
  }
  return estimateU(tally, { smoothing: options.smoothing });
}

/** Replaces the u probabilities of a model (e.g. with {@link estimateU}'s result). */
export function withU(parameters: ModelParameters, u: Partial<LevelProbabilities>): ModelParameters {
  const comparisons = { ...parameters.comparisons } as Record<ComparisonName, ComparisonParameters>;
  for (const def of COMPARISONS) {
    const next = u[def.name];
    if (next) comparisons[def.name] = { m: comparisons[def.name].m, u: { ...next } };
  }
  return { ...parameters, comparisons };
}

export interface EmOptions {
  /** Stop after this many iterations (default 100). */
  maxIterations?: number;
  /** Converged when no probability (m, u, λ) moves by more than this in one iteration (default 1e-6). */
  tolerance?: number;
  /**
   * Comparisons whose parameters stay as given. Fix the comparisons a blocking rule used: pairs
   * blocked on the document number all agree on it, which says nothing about m.
   */
  fixed?: readonly ComparisonName[];
  /** Also re-estimate u (default false: u comes from random pairs, which is more reliable). */
  trainU?: boolean;
  /** Starting share of matches among the candidate pairs (default 0.1). */
  initialLambda?: number;
  /** Floor for any trained probability before renormalizing (default 1e-6): no level ever gets 0. */
  minProbability?: number;
}

export interface EmResult {
  /** Input parameters with the trained m (and u). λ, the prior over all pairs, is left unchanged. */
  parameters: ModelParameters;
  /** Estimated share of matches among the training pairs (not the prior λ). */
  lambdaAmongPairs: number;
  iterations: number;
  converged: boolean;
  /** Log-likelihood after each iteration (non-decreasing, up to rounding). */
  logLikelihood: number[];
}

function floorAndNormalize(values: Float64Array, floor: number): void {
  let sum = 0;
  for (let l = 1; l < values.length; l++) {
    if (!(values[l] > floor)) values[l] = floor;
    sum += values[l];
  }
  for (let l = 1; l < values.length; l++) values[l] /= sum;
}

/**
 * Expectation-maximisation of m (and optionally u) over candidate pairs' pattern counts.
 * E-step: posterior match probability of each pattern under the current m, u, λ;
 * M-step: m = posterior-weighted share of each level among non-missing observations, u likewise with
 * (1 − posterior), λ = mean posterior. Missing levels carry no information and are skipped. Levels
 * never observed among matches get the floor, never zero.
 */
export function trainM(initial: ModelParameters, patterns: PatternCounts, options: EmOptions = {}): EmResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const floor = options.minProbability ?? 1e-6;
  const fixed = new Set(options.fixed ?? []);
  const trainU = options.trainU ?? false;

  const P = patterns.counts.size;
  const levels = new Uint8Array(P * COMPARISON_COUNT);
  const counts = new Float64Array(P);
  let p = 0;
  let N = 0;
  for (const [key, n] of patterns.counts) {
    const v = decodePattern(key);
    for (let c = 0; c < COMPARISON_COUNT; c++) levels[p * COMPARISON_COUNT + c] = v[c];
    counts[p] = n;
    N += n;
    p++;
  }

  const m = COMPARISONS.map((def) => {
    const a = new Float64Array(def.levels.length);
    for (let l = 1; l < def.levels.length; l++) a[l] = initial.comparisons[def.name].m[def.levels[l]];
    floorAndNormalize(a, floor);
    a[0] = 1;
    return a;
  });
  const u = COMPARISONS.map((def) => {
    const a = new Float64Array(def.levels.length);
    for (let l = 1; l < def.levels.length; l++) a[l] = initial.comparisons[def.name].u[def.levels[l]];
    floorAndNormalize(a, floor);
    a[0] = 1;
    return a;
  });
  let lambda = options.initialLambda ?? 0.1;

  const logLikelihood: number[] = [];
  let iterations = 0;
  let converged = false;
  const post = new Float64Array(P);
  if (N === 0) {
    return { parameters: initial, lambdaAmongPairs: lambda, iterations: 0, converged: true, logLikelihood };
  }

  while (iterations < maxIterations) {
    iterations++;
    // E-step.
    let ll = 0;
    let sumPost = 0;
    for (let i = 0; i < P; i++) {
      let pm = lambda;
      let pu = 1 - lambda;
      const base = i * COMPARISON_COUNT;
      for (let c = 0; c < COMPARISON_COUNT; c++) {
        const l = levels[base + c];
        pm *= m[c][l];
        pu *= u[c][l];
      }
      const total = pm + pu;
      post[i] = total > 0 ? pm / total : 0;
      ll += counts[i] * Math.log(total > 0 ? total : Number.MIN_VALUE);
      sumPost += counts[i] * post[i];
    }
    logLikelihood.push(ll);

    // M-step.
    let delta = 0;
    const newLambda = sumPost / N;
    delta = Math.max(delta, Math.abs(newLambda - lambda));
    lambda = Math.min(Math.max(newLambda, floor), 1 - floor);

    for (let c = 0; c < COMPARISON_COUNT; c++) {
      if (fixed.has(COMPARISONS[c].name)) continue;
      const k = COMPARISONS[c].levels.length;
      const mNum = new Float64Array(k);
      const uNum = new Float64Array(k);
      for (let i = 0; i < P; i++) {
        const l = levels[i * COMPARISON_COUNT + c];
        if (l === 0) continue;
        mNum[l] += counts[i] * post[i];
        uNum[l] += counts[i] * (1 - post[i]);
      }
      delta = Math.max(delta, update(m[c], mNum, floor));
      if (trainU) delta = Math.max(delta, update(u[c], uNum, floor));
    }
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }

  const comparisons = {} as Record<ComparisonName, ComparisonParameters>;
  COMPARISONS.forEach((def, c) => {
    const mm: Record<string, number> = {};
    const uu: Record<string, number> = {};
    for (let l = 1; l < def.levels.length; l++) {
      mm[def.levels[l]] = m[c][l];
      uu[def.levels[l]] = u[c][l];
    }
    comparisons[def.name] = fixed.has(def.name) ? initial.comparisons[def.name] : { m: mm, u: trainU ? uu : initial.comparisons[def.name].u };
  });
  return {
    parameters: { ...initial, comparisons },
    lambdaAmongPairs: lambda,
    iterations,
    converged,
    logLikelihood,
  };
}

/** Replaces `target` (levels ≥ 1) with the normalized numerators; returns the largest change. */
function update(target: Float64Array, numerators: Float64Array, floor: number): number {
  let sum = 0;
  for (let l = 1; l < numerators.length; l++) sum += numerators[l];
  if (!(sum > 0)) return 0; // nothing observed for this comparison: keep the previous estimate
  const next = new Float64Array(numerators.length);
  for (let l = 1; l < numerators.length; l++) next[l] = numerators[l] / sum;
  floorAndNormalize(next, floor);
  let delta = 0;
  for (let l = 1; l < numerators.length; l++) {
    delta = Math.max(delta, Math.abs(next[l] - target[l]));
    target[l] = next[l];
  }
  return delta;
}

/**
 * λ from a deterministic rule, as Splink estimates it: pairs the rule links, divided by its assumed
 * recall, over all possible pairs (|A|·|B|, or n(n−1)/2 when deduplicating one list).
 */
export function estimateLambda(deterministicMatches: number, recall: number, totalPairs: number): number {
  if (!(recall > 0 && recall <= 1)) throw new RangeError('recall must be in (0, 1]');
  if (!(totalPairs > 0)) throw new RangeError('totalPairs must be positive');
  const lambda = deterministicMatches / recall / totalPairs;
  return Math.min(Math.max(lambda, 1e-12), 1 - 1e-12);
}
