import { describe, expect, it } from 'vitest';
import {
  compare,
  compileModel,
  DEFAULT_PARAMETERS,
  matchWeight,
  modelVersion,
  probabilityFromWeight,
  score,
  termFrequencyAdjustment,
  weightFromProbability,
  L,
  C_SURNAMES,
  C_GIVEN,
  type ModelParameters,
} from '../../../src/domain/identity';
import { adult, MODEL } from './helpers';

const P = DEFAULT_PARAMETERS.comparisons;

describe('compileModel', () => {
  it('weights are log2(m/u) per level, 0 for missing', () => {
    const m = MODEL;
    expect(m.weights[3][L.sex.equal]).toBeCloseTo(Math.log2(0.97 / 0.5), 12);
    expect(m.weights[3][L.sex.different]).toBeCloseTo(Math.log2(0.03 / 0.5), 12);
    expect(m.weights[4][L.document.exact]).toBeCloseTo(Math.log2(P.document.m.exact / P.document.u.exact), 12);
    for (const w of m.weights) expect(w[0]).toBe(0);
    expect(m.priorWeight).toBeCloseTo(Math.log2(1e-6 / (1 - 1e-6)), 12);
  });

  it('default distributions sum to 1', () => {
    for (const c of Object.values(P)) {
      expect(Object.values(c.m).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Object.values(c.u).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('agreement levels weigh for a match, disagreement against', () => {
    const w = MODEL.weights;
    expect(w[0][L.givenNames.exact]).toBeGreaterThan(0);
    expect(w[0][L.givenNames.different]).toBeLessThan(0);
    expect(w[1][L.surnames.exact]).toBeGreaterThan(w[1][L.surnames.swapped]);
    expect(w[2][L.birthDate.exact]).toBeGreaterThan(w[2][L.birthDate.exactDefault]);
    expect(w[4][L.document.exact]).toBeGreaterThan(w[4][L.document.oneKeyingError]);
    expect(w[4][L.document.different]).toBeLessThan(w[4][L.document.notComparable]);
  });

  it('renormalizes m and u that do not sum to 1', () => {
    const p: ModelParameters = {
      ...DEFAULT_PARAMETERS,
      comparisons: { ...DEFAULT_PARAMETERS.comparisons, sex: { m: { equal: 0.485, different: 0.015 }, u: { equal: 0.25, different: 0.25 } } },
    };
    expect(compileModel(p).weights[3][L.sex.equal]).toBeCloseTo(Math.log2(0.97 / 0.5), 12);
  });

  it('rejects invalid parameters', () => {
    expect(() => compileModel({ ...DEFAULT_PARAMETERS, lambda: 0 })).toThrow(RangeError);
    expect(() => compileModel({ ...DEFAULT_PARAMETERS, lambda: 1 })).toThrow(/lambda/);
    const noLevel = { ...DEFAULT_PARAMETERS, comparisons: { ...DEFAULT_PARAMETERS.comparisons, sex: { m: { equal: 1 }, u: { equal: 0.5, different: 0.5 } } } };
    expect(() => compileModel(noLevel)).toThrow(/sex\.different/);
    const zeroU = {
      ...DEFAULT_PARAMETERS,
      comparisons: { ...DEFAULT_PARAMETERS.comparisons, sex: { m: { equal: 0.9, different: 0.1 }, u: { equal: 1, different: 0 } } },
    };
    expect(() => compileModel(zeroU)).toThrow(RangeError);
    expect(() => compileModel({ ...DEFAULT_PARAMETERS, termFrequency: { ...DEFAULT_PARAMETERS.termFrequency, surnames: 2 } })).toThrow(/surnames/);
  });
});

describe('model version', () => {
  it('is a stable hash of the parameters', () => {
    expect(MODEL.version).toMatch(/^fs1-[0-9a-f]{16}$/);
    expect(compileModel(DEFAULT_PARAMETERS).version).toBe(MODEL.version);
    expect(modelVersion(JSON.parse(JSON.stringify(DEFAULT_PARAMETERS)))).toBe(MODEL.version);
  });

  it('changes when any parameter changes', () => {
    expect(modelVersion({ ...DEFAULT_PARAMETERS, lambda: 2e-6 })).not.toBe(MODEL.version);
    const tf = { ...DEFAULT_PARAMETERS, termFrequency: { ...DEFAULT_PARAMETERS.termFrequency, municipality: 0.5 } };
    expect(modelVersion(tf)).not.toBe(MODEL.version);
  });
});

describe('scoring', () => {
  it('match weight = prior + contributions; probability from the weight', () => {
    const a = adult();
    const b = adult({ firstName: 'MARÍA', secondName: null, birthDate: '1990-17-05' });
    const v = compare(a, b);
    const s = score(MODEL, v, a, b);
    expect(s.matchWeight).toBeCloseTo(matchWeight(MODEL, v, a, b), 12);
    expect(s.matchWeight).toBeCloseTo(s.priorWeight + s.contributions.reduce((t, c) => t + c.weight, 0), 12);
    expect(s.probability).toBeCloseTo(1 / (1 + 2 ** -s.matchWeight), 15);
    expect(s.modelVersion).toBe(MODEL.version);
    expect(s.contributions.map((c) => [c.field, c.level])).toEqual([
      ['givenNames', 'compatible'],
      ['surnames', 'exact'],
      ['birthDate', 'missing'],
      ['sex', 'equal'],
      ['document', 'exact'],
      ['municipality', 'exact'],
    ]);
    const birth = s.contributions[2];
    expect(birth).toMatchObject({ levelIndex: 0, levelWeight: 0, tfAdjustment: 0, weight: 0 });
    expect(birth.description).toMatch(/unknown/);
  });

  it('probability and weight convert both ways', () => {
    for (const p of [0.001, 0.5, 0.8, 0.99, 0.999999]) expect(probabilityFromWeight(weightFromProbability(p))).toBeCloseTo(p, 12);
    expect(weightFromProbability(0.5)).toBe(0);
    expect(probabilityFromWeight(0)).toBe(0.5);
  });
});

describe('term-frequency adjustment', () => {
  const tf = {
    surname: new Map([
      ['RODRIGUEZ', 0.03],
      ['GOMEZ', 0.02],
      ['CHAVERRA', 0.00001],
      ['MOSQUERA', 0.001],
    ]),
    givenName: new Map([
      ['MARIA', 0.05],
      ['YURLEDIS', 0.00002],
    ]),
  };

  it('an agreeing common surname (RODRIGUEZ) weighs less than a rare one (CHAVERRA)', () => {
    const common = [adult({ firstSurname: 'RODRIGUEZ', secondSurname: 'GOMEZ' }, {}, tf), adult({ firstSurname: 'RODRIGUEZ', secondSurname: 'GOMEZ' }, {}, tf)];
    const rare = [
      adult({ firstSurname: 'CHAVERRA', secondSurname: 'MOSQUERA' }, {}, tf),
      adult({ firstSurname: 'CHAVERRA', secondSurname: 'MOSQUERA' }, {}, tf),
    ];
    const sc = score(MODEL, compare(common[0], common[1]), common[0], common[1]);
    const sr = score(MODEL, compare(rare[0], rare[1]), rare[0], rare[1]);
    const surnames = (s: typeof sc) => s.contributions.find((c) => c.field === 'surnames')!;
    expect(surnames(sc).level).toBe('exact');
    expect(surnames(sc).weight).toBeLessThan(surnames(sr).weight);
    expect(sc.matchWeight).toBeLessThan(sr.matchWeight);
    const uExact = P.surnames.u.exact;
    expect(surnames(sc).tfAdjustment).toBeCloseTo(Math.log2(uExact / (0.03 * 0.02)), 9);
    // 1e-5 × 1e-3 = 1e-8 is below the floor (minimumU = 1e-6).
    expect(surnames(sr).tfAdjustment).toBeCloseTo(Math.log2(uExact / 1e-6), 9);
  });

  it('first surname alone (second missing) uses the first surname frequency', () => {
    const a = adult({ firstSurname: 'RODRIGUEZ', secondSurname: null }, {}, tf);
    const b = adult({ firstSurname: 'RODRIGUEZ', secondSurname: 'GOMEZ' }, {}, tf);
    const v = compare(a, b);
    expect(v[C_SURNAMES]).toBe(L.surnames.exactSecondMissing);
    expect(termFrequencyAdjustment(MODEL, C_SURNAMES, v[C_SURNAMES], a, b)).toBeCloseTo(Math.log2(P.surnames.u.exactSecondMissing / 0.03), 9);
    const c = adult({ firstSurname: 'CHAVERRA', secondSurname: null }, {}, tf);
    const d = adult({ firstSurname: 'CHAVERRA', secondSurname: 'GOMEZ' }, {}, tf);
    expect(termFrequencyAdjustment(MODEL, C_SURNAMES, v[C_SURNAMES], c, d)).toBeGreaterThan(termFrequencyAdjustment(MODEL, C_SURNAMES, v[C_SURNAMES], a, b));
  });

  it('given names: MARIA agreeing is weaker evidence than YURLEDIS', () => {
    const m = [adult({ firstName: 'MARIA' }, {}, tf), adult({ firstName: 'MARIA' }, {}, tf)];
    const y = [adult({ firstName: 'YURLEDIS' }, {}, tf), adult({ firstName: 'YURLEDIS' }, {}, tf)];
    const adjM = termFrequencyAdjustment(MODEL, C_GIVEN, L.givenNames.exact, m[0], m[1]);
    const adjY = termFrequencyAdjustment(MODEL, C_GIVEN, L.givenNames.exact, y[0], y[1]);
    expect(adjM).toBeCloseTo(Math.log2(P.givenNames.u.exact / 0.05), 9);
    expect(adjY).toBeCloseTo(Math.log2(P.givenNames.u.exact / 0.00002), 9);
    expect(adjM).toBeLessThan(0);
    expect(adjY).toBeGreaterThan(0);
  });

  it('a value absent from the table gets the floor; no table, no adjustment; disagreement, no adjustment', () => {
    const a = adult({ firstName: 'XIOMARA' }, {}, tf);
    const b = adult({ firstName: 'XIOMARA' }, {}, tf);
    expect(termFrequencyAdjustment(MODEL, C_GIVEN, L.givenNames.exact, a, b)).toBeCloseTo(Math.log2(P.givenNames.u.exact / 1e-6), 9);
    const plain = [adult(), adult()];
    expect(termFrequencyAdjustment(MODEL, C_GIVEN, L.givenNames.exact, plain[0], plain[1])).toBe(0);
    expect(termFrequencyAdjustment(MODEL, C_GIVEN, L.givenNames.different, a, b)).toBe(0);
    expect(termFrequencyAdjustment(MODEL, 2, L.birthDate.exact, a, b)).toBe(0);
  });

  it('the municipality adjustment is off by default and scales with its share', () => {
    const t = { municipality: new Map([['11001', 0.2]]) };
    const a = adult({}, { municipalityCode: '11001' }, t);
    const b = adult({}, { municipalityCode: '11001' }, t);
    expect(termFrequencyAdjustment(MODEL, 5, L.municipality.exact, a, b)).toBe(0);
    const half = compileModel({ ...DEFAULT_PARAMETERS, termFrequency: { ...DEFAULT_PARAMETERS.termFrequency, municipality: 0.5 } });
    expect(termFrequencyAdjustment(half, 5, L.municipality.exact, a, b)).toBeCloseTo(0.5 * Math.log2(P.municipality.u.exact / 0.2), 9);
  });
});
