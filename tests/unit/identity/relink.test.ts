import { describe, expect, it } from 'vitest';
import { decideRelink, type Decision, type RelinkEvidence } from '../../../src/domain/identity';

const d = (tier: Decision['tier'], matchWeight: number, outcome: Decision['outcome'] = 'link'): Decision => ({
  outcome,
  tier,
  reasons: [],
  reviewCategory: null,
  matchWeight,
  probability: 0.999,
  modelVersion: 'm',
});
const side = (tier: Decision['tier'], w: number, more: { local?: boolean; documentEvidence?: boolean; outcome?: Decision['outcome'] } = {}) => ({
  d: d(tier, w, more.outcome),
  local: more.local ?? false,
  documentEvidence: more.documentEvidence ?? false,
});
const base: RelinkEvidence = {
  current: side('phonetic', 18),
  candidate: side('deterministic', 41, { documentEvidence: true }),
  candidateConflicts: false,
  stewardDecided: false,
  pinnedApart: false,
  oddsBits: 6.6,
};

describe('decideRelink', () => {
  it('moves on deterministic evidence with a document against a weaker current link', () => {
    expect(decideRelink(base)).toEqual({ action: 'move', rule: 'relink.deterministic_evidence' });
    expect(decideRelink({ ...base, current: side('probabilistic', 30) }).action).toBe('move');
    // The current person no longer links at all: the candidate is better whatever its margin.
    expect(decideRelink({ ...base, current: side('deterministic', 45, { outcome: 'review' }) }).action).toBe('move');
  });

  it('never overrides a steward, a pin against the candidate, or a record of the candidate that is someone else', () => {
    expect(decideRelink({ ...base, stewardDecided: true })).toEqual({ action: 'refuse', rule: 'relink.refused_steward_decision' });
    expect(decideRelink({ ...base, pinnedApart: true })).toEqual({ action: 'refuse', rule: 'relink.refused_pinned_apart' });
    expect(decideRelink({ ...base, candidateConflicts: true })).toEqual({ action: 'refuse', rule: 'relink.refused_conflicting_record' });
  });

  it('leaves a record alone in its person to the merge proposals, and a candidate not strictly better', () => {
    expect(decideRelink({ ...base, current: null }).rule).toBe('relink.single_record_person');
    expect(decideRelink({ ...base, current: side('deterministic', 40) })).toEqual({ action: 'keep', rule: 'relink.no_better_person' });
    expect(decideRelink({ ...base, candidate: side('phonetic', 20) }).action).toBe('keep');
    expect(decideRelink({ ...base, candidate: side('deterministic', 41, { outcome: 'review' }) }).action).toBe('keep');
  });

  it('puts weaker evidence that is still strictly better to a steward', () => {
    // Same tier: better by the link threshold's odds, or local where the current one is not.
    expect(decideRelink({ ...base, candidate: side('phonetic', 25) })).toEqual({ action: 'review', rule: 'relink.weaker_evidence' });
    expect(decideRelink({ ...base, candidate: side('phonetic', 19, { local: true }) }).action).toBe('review');
    expect(decideRelink({ ...base, current: side('phonetic', 18, { local: true }), candidate: side('phonetic', 19, { local: true }) }).action).toBe('keep');
    // Deterministic without a document (none exists), or against a deterministic current link.
    expect(decideRelink({ ...base, candidate: side('deterministic', 41) }).action).toBe('review');
    expect(decideRelink({ ...base, current: side('probabilistic', 20), candidate: side('phonetic', 19) }).action).toBe('review');
  });
});
