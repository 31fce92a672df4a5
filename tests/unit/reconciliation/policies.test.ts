import { describe, expect, it } from 'vitest';
import {
  MAX_LINKED_TRAINING_SAMPLE,
  MIN_RECORDS_TO_TRAIN,
  auditSampleSize,
  breakerReason,
  breakerVerdict,
  retrainReason,
  trainingSampleSizes,
} from '../../../src/reconciliation/policies';

describe('retrainReason', () => {
  const untrained = { trainedOn: 0, trainedAcross: false };
  const trained = (trainedOn: number, trainedAcross = true) => ({ trainedOn, trainedAcross });

  it('never trains with sampling off or too little data', () => {
    expect(retrainReason({ sample: 0, counts: { active: 1_000_000, linked: 0 }, model: untrained })).toBeNull();
    expect(retrainReason({ sample: 50_000, counts: { active: MIN_RECORDS_TO_TRAIN - 1, linked: 0 }, model: untrained })).toBeNull();
  });

  it('trains when no model was trained yet', () => {
    expect(retrainReason({ sample: 50_000, counts: { active: MIN_RECORDS_TO_TRAIN, linked: 0 }, model: untrained })).toBe('NO_TRAINED_MODEL');
  });

  it('keeps the model until the data doubles (exactly twice retrains)', () => {
    expect(retrainReason({ sample: 50_000, counts: { active: 199_999, linked: 199_999 }, model: trained(100_000) })).toBeNull();
    expect(retrainReason({ sample: 50_000, counts: { active: 200_000, linked: 199_999 }, model: trained(100_000) })).toBe('DATA_DOUBLED');
  });

  it('retrains once across registries: a model that only saw one registry meets linked records', () => {
    expect(retrainReason({ sample: 50_000, counts: { active: 150_000, linked: 100_000 }, model: trained(100_000, false) })).toBe('FIRST_CROSS_REGISTRY_RUN');
    // Nothing pending against the linked records (active == linked): nothing to learn across.
    expect(retrainReason({ sample: 50_000, counts: { active: 100_000, linked: 100_000 }, model: trained(100_000, false) })).toBeNull();
    expect(retrainReason({ sample: 50_000, counts: { active: 150_000, linked: 100_000 }, model: trained(100_000, true) })).toBeNull();
  });
});

describe('trainingSampleSizes', () => {
  it('takes the whole sample among pending records before anything is linked', () => {
    expect(trainingSampleSizes(40_000, 0).pending).toBe(40_000);
  });
  it('takes a quarter (at least 2,000) once records are linked; the rest among linked ones, capped', () => {
    expect(trainingSampleSizes(40_000, 10).pending).toBe(10_000);
    expect(trainingSampleSizes(4_000, 10).pending).toBe(2_000);
    expect(trainingSampleSizes(40_000, 10).linkedAtMost(10_000)).toBe(MAX_LINKED_TRAINING_SAMPLE);
    expect(trainingSampleSizes(24_000, 10).linkedAtMost(6_000)).toBe(18_000);
  });
});

describe('breakerVerdict', () => {
  const base = { personsBefore: 100, recordsProcessed: 1_000, minMerges: 3, maxRate: 0.002 };
  const existing = (n: number) => Array.from({ length: n }, (_, i) => ({ personA: 1 + i, personB: 50 + i }));

  it('only counts merges of two persons that existed before the run', () => {
    const v = breakerVerdict({ ...base, proposals: [...existing(2), { personA: 5, personB: 101 }, { personA: 150, personB: 151 }] });
    expect(v.existingMerges).toBe(2);
  });

  it('trips above the rate only with at least the minimum number of merges', () => {
    expect(breakerVerdict({ ...base, proposals: existing(2) }).tripped).toBe(false); // 0.2 %, but under the minimum
    expect(breakerVerdict({ ...base, proposals: existing(3) })).toEqual({ existingMerges: 3, moves: 0, rate: 0.003, tripped: true });
    expect(breakerVerdict({ ...base, recordsProcessed: 1_500, proposals: existing(3) }).tripped).toBe(false); // exactly the limit
  });

  it('counts moves of records out of existing persons (relinks) with the merges', () => {
    const moves = [{ fromPerson: 7 }, { fromPerson: 150 }];
    const v = breakerVerdict({ ...base, proposals: existing(2), moves });
    expect(v).toEqual({ existingMerges: 2, moves: 1, rate: 0.003, tripped: true });
    expect(breakerReason(v, 1_000)).toContain('and 1 moves of linked records');
  });

  it('a run that processed nothing does not divide by zero', () => {
    expect(breakerVerdict({ ...base, recordsProcessed: 0, proposals: existing(3) }).rate).toBe(3);
  });

  it('says what it held back and where it waits', () => {
    const v = breakerVerdict({ ...base, proposals: existing(3) });
    expect(breakerReason(v, 1_000)).toBe(
      'Circuit breaker: 3 automatic merges of existing persons (0.30 % of 1000 records) exceed RECONCILE_MAX_AUTO_MERGE_RATE; they wait in the review queue (MERGE_HELD_BY_BREAKER).',
    );
  });
});

describe('auditSampleSize', () => {
  it('is the rate of automatic links, at least one, at most the cap; none when off or nothing linked', () => {
    expect(auditSampleSize(0, 200, 0.01)).toBe(0);
    expect(auditSampleSize(500, 0, 0.01)).toBe(0);
    expect(auditSampleSize(10, 200, 0.01)).toBe(1);
    expect(auditSampleSize(1_050, 200, 0.01)).toBe(11);
    expect(auditSampleSize(1_000_000, 200, 0.01)).toBe(200);
  });
});
