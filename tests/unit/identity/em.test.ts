import { describe, expect, it } from 'vitest';
import {
  COMPARISONS,
  compileModel,
  decodePattern,
  DEFAULT_PARAMETERS,
  emptyPatternCounts,
  encodePattern,
  estimateLambda,
  estimateU,
  estimateUFromRecords,
  mergePatternCounts,
  sampleRandomPairs,
  seededRandom,
  tallyVectors,
  trainM,
  withU,
  type ComparisonName,
  type ModelParameters,
} from '../../../src/domain/identity';
import { adult } from './helpers';

type Dist = Record<string, number>;

/** Ground truth for the simulation: m favours agreement levels, u disagreement levels. */
function truth(): { m: Record<ComparisonName, Dist>; u: Record<ComparisonName, Dist> } {
  const m = {} as Record<ComparisonName, Dist>;
  const u = {} as Record<ComparisonName, Dist>;
  for (const c of COMPARISONS) {
    const labels = c.levels.slice(1);
    const k = labels.length;
    const mw = labels.map((_, i) => 2 ** -i);
    const uw = labels.map((_, i) => 2 ** -(k - 1 - i));
    const ms = mw.reduce((a, b) => a + b, 0);
    const us = uw.reduce((a, b) => a + b, 0);
    m[c.name] = Object.fromEntries(labels.map((l, i) => [l, mw[i] / ms]));
    u[c.name] = Object.fromEntries(labels.map((l, i) => [l, uw[i] / us]));
  }
  return { m, u };
}

function draw(dist: Dist, labels: readonly string[], r: number): number {
  let acc = 0;
  for (let i = 1; i < labels.length; i++) {
    acc += dist[labels[i]];
    if (r < acc) return i;
  }
  return labels.length - 1;
}

/** Simulated comparison vectors of `n` pairs, a share `lambda` of them matches; 10 % missing per field. */
function simulate(n: number, lambda: number, seed: number) {
  const t = truth();
  const rnd = seededRandom(seed);
  const vectors: number[][] = [];
  for (let p = 0; p < n; p++) {
    const match = rnd() < lambda;
    vectors.push(
      COMPARISONS.map((c) => {
        if (rnd() < 0.1) return 0;
        return draw((match ? t.m : t.u)[c.name], c.levels, rnd());
      }),
    );
  }
  return { t, patterns: tallyVectors(vectors) };
}

function paramsFrom(m: Record<ComparisonName, Dist>, u: Record<ComparisonName, Dist>): ModelParameters {
  const comparisons = {} as ModelParameters['comparisons'];
  for (const c of COMPARISONS) (comparisons as Record<string, unknown>)[c.name] = { m: m[c.name], u: u[c.name] };
  return { ...DEFAULT_PARAMETERS, comparisons };
}

function uniform(): Record<ComparisonName, Dist> {
  const out = {} as Record<ComparisonName, Dist>;
  for (const c of COMPARISONS) out[c.name] = Object.fromEntries(c.levels.slice(1).map((l) => [l, 1 / (c.levels.length - 1)]));
  return out;
}

describe('pattern counts', () => {
  it('encode / decode round-trip and tally', () => {
    const v = [9, 3, 0, 2, 7, 1];
    expect(decodePattern(encodePattern(v))).toEqual(v);
    expect(encodePattern([1, 0, 0, 0, 0, 0])).toBe(1);
    expect(encodePattern([0, 1, 0, 0, 0, 0])).toBe(16);
    const t = tallyVectors([v, v, [1, 1, 1, 1, 1, 1]]);
    expect(t.total).toBe(3);
    expect(t.counts.get(encodePattern(v))).toBe(2);
    const merged = mergePatternCounts(t, tallyVectors([v], undefined, 5));
    expect(merged.total).toBe(8);
    expect(merged.counts.get(encodePattern(v))).toBe(7);
    expect(emptyPatternCounts()).toEqual({ counts: new Map(), total: 0 });
  });
});

describe('random pairs', () => {
  it('are reproducible from a seed and within range', () => {
    const a = [...sampleRandomPairs(10, null, 200, 7)];
    const b = [...sampleRandomPairs(10, null, 200, 7)];
    expect(a).toEqual(b);
    expect(a).toHaveLength(200);
    for (const [i, j] of a) {
      expect(i).not.toBe(j);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(10);
    }
    const link = [...sampleRandomPairs(3, 5, 100, 1)];
    expect(link.every(([i, j]) => i < 3 && j < 5)).toBe(true);
    expect([...sampleRandomPairs(1, null, 10)]).toEqual([]);
    expect([...sampleRandomPairs(3, 0, 10)]).toEqual([]);
    expect([...sampleRandomPairs(4, null, 50, 2)]).not.toEqual([...sampleRandomPairs(4, null, 50, 3)]);
  });
});

describe('estimateU', () => {
  it('shares of each level among non-missing observations, with additive smoothing', () => {
    const t = tallyVectors([
      [9, 9, 9, 2, 7, 3],
      [9, 9, 9, 1, 7, 3],
      [9, 9, 9, 0, 6, 3],
      [1, 9, 9, 2, 7, 0],
    ]);
    const u = estimateU(t, { smoothing: 0 });
    expect(u.givenNames.exact).toBeCloseTo(1 / 4, 12);
    expect(u.givenNames.different).toBeCloseTo(3 / 4, 12);
    expect(u.sex.equal).toBeCloseTo(1 / 3, 12);
    expect(u.sex.different).toBeCloseTo(2 / 3, 12);
    expect(u.municipality.different).toBeCloseTo(1, 12);
    const smoothed = estimateU(t);
    // sex: counts equal 1, different 2 over 3 observations, 2 levels, α = 1.
    expect(smoothed.sex.equal).toBeCloseTo(2 / 5, 12);
    // document: never "exact" among random pairs, yet positive.
    expect(smoothed.document.exact).toBeCloseTo(1 / (4 + 9), 12);
  });

  it('from random pairs of records: same-document agreement is rare, sex agreement common', () => {
    const records = Array.from({ length: 60 }, (_, i) =>
      adult({ docNumber: String(1_000_000_000 + i * 7919), sex: i % 2 ? 'M' : 'F', birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}` }),
    );
    const u = estimateUFromRecords(records, null, { pairs: 5000, seed: 3 });
    expect(u.document.exact).toBeLessThan(0.001);
    expect(u.sex.equal).toBeGreaterThan(0.4);
    expect(u.sex.equal).toBeLessThan(0.6);
    expect(estimateUFromRecords(records, null, { pairs: 5000, seed: 3 })).toEqual(u);
    const compiled = compileModel(withU(DEFAULT_PARAMETERS, u));
    expect(compiled.weights[4][1]).toBeGreaterThan(0);
  });
});

describe('trainM (expectation-maximisation)', () => {
  // 400,000 pairs: sampling error of each m well under the 0.01 tolerance (≈ 0.004 at p = 0.5).
  const { t, patterns } = simulate(400_000, 0.15, 42);

  it('recovers the true m and the share of matches with u fixed', () => {
    const start = paramsFrom(uniform(), t.u);
    const result = trainM(start, patterns, { maxIterations: 500, tolerance: 1e-7 });
    expect(result.converged).toBe(true);
    expect(result.lambdaAmongPairs).toBeGreaterThan(0.145);
    expect(result.lambdaAmongPairs).toBeLessThan(0.155);
    for (const c of COMPARISONS) {
      for (const l of c.levels.slice(1)) {
        expect(Math.abs(result.parameters.comparisons[c.name].m[l] - t.m[c.name][l])).toBeLessThan(0.01);
      }
      expect(result.parameters.comparisons[c.name].u).toEqual(t.u[c.name]);
    }
    expect(result.parameters.lambda).toBe(DEFAULT_PARAMETERS.lambda);
  });

  it('the log-likelihood never decreases', () => {
    const result = trainM(paramsFrom(uniform(), t.u), patterns, { maxIterations: 60 });
    for (let i = 1; i < result.logLikelihood.length; i++) {
      expect(result.logLikelihood[i]).toBeGreaterThanOrEqual(result.logLikelihood[i - 1] - 1e-6);
    }
  });

  it('can train u as well', () => {
    const rough = uniform();
    const start = paramsFrom(t.m, rough);
    const result = trainM(start, patterns, { maxIterations: 1000, tolerance: 1e-8, trainU: true, initialLambda: 0.3 });
    for (const c of COMPARISONS) {
      for (const l of c.levels.slice(1)) {
        expect(Math.abs(result.parameters.comparisons[c.name].m[l] - t.m[c.name][l])).toBeLessThan(0.02);
        expect(Math.abs(result.parameters.comparisons[c.name].u[l] - t.u[c.name][l])).toBeLessThan(0.02);
      }
    }
  });

  it('keeps fixed comparisons as given', () => {
    const start = paramsFrom(uniform(), t.u);
    const result = trainM(start, patterns, { fixed: ['document', 'sex'] });
    expect(result.parameters.comparisons.document).toBe(start.comparisons.document);
    expect(result.parameters.comparisons.sex).toBe(start.comparisons.sex);
    expect(result.parameters.comparisons.birthDate.m).not.toEqual(start.comparisons.birthDate.m);
  });

  it('stops at maxIterations without claiming convergence', () => {
    const result = trainM(paramsFrom(uniform(), t.u), patterns, { maxIterations: 2 });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
    expect(result.logLikelihood).toHaveLength(2);
  });

  it('levels never observed get the floor, never zero, and the result compiles', () => {
    // Only "exact" and "different" ever appear for given names; sex is always missing.
    const vectors: number[][] = [];
    for (let i = 0; i < 500; i++) vectors.push([1, 1, 1, 0, 1, 1]);
    for (let i = 0; i < 4500; i++) vectors.push([9, 9, 9, 0, 7, 3]);
    const result = trainM(DEFAULT_PARAMETERS, tallyVectors(vectors), { minProbability: 1e-6 });
    const m = result.parameters.comparisons.givenNames.m;
    expect(m.jw95).toBeGreaterThan(0);
    expect(m.jw95).toBeLessThan(1e-5);
    expect(m.exact).toBeGreaterThan(0.99);
    for (const c of COMPARISONS) for (const v of Object.values(result.parameters.comparisons[c.name].m)) expect(Number.isFinite(v) && v > 0).toBe(true);
    // Sex never observed: its m is kept as given.
    expect(result.parameters.comparisons.sex.m.equal).toBeCloseTo(DEFAULT_PARAMETERS.comparisons.sex.m.equal, 12);
    expect(() => compileModel(result.parameters)).not.toThrow();
    expect(result.lambdaAmongPairs).toBeCloseTo(0.1, 2);
  });

  it('returns the input unchanged for no pairs', () => {
    const result = trainM(DEFAULT_PARAMETERS, emptyPatternCounts());
    expect(result).toMatchObject({ parameters: DEFAULT_PARAMETERS, iterations: 0, converged: true });
  });
});

describe('estimateLambda', () => {
  it('deterministic matches over recall over all pairs', () => {
    expect(estimateLambda(1000, 0.8, 1e9)).toBeCloseTo(1.25e-6, 18);
    expect(() => estimateLambda(1, 0, 10)).toThrow(RangeError);
    expect(() => estimateLambda(1, 0.5, 0)).toThrow(RangeError);
  });
});
