import { describe, expect, it } from 'vitest';
import { DEFAULT_DECISION_CONFIG, compileModel, decidingRule } from '../../../src/domain/identity';
import { BatchMatcher } from '../../../src/reconciliation/matcher';
import { adult } from './helpers';

describe('decidingRule', () => {
  it('names the deterministic tiers, the guards, the phonetic tier and the model by stable identifiers', () => {
    expect(decidingRule({ tier: 'deterministic', reasons: ['SAME_DOCUMENT', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE'] })).toBe(
      'deterministic.same_document_same_names',
    );
    expect(decidingRule({ tier: 'deterministic', reasons: ['DOCUMENT_TRANSPOSED_DIGITS', 'NAME_CHECK_PASSED'] })).toBe(
      'deterministic.transposed_document_digits',
    );
    expect(decidingRule({ tier: 'guard', reasons: ['POSSIBLE_TWINS', 'CONSECUTIVE_DOCUMENTS'] })).toBe('guard.twins_consecutive_documents');
    expect(decidingRule({ tier: 'guard', reasons: ['DIFFERENT_VALID_DOCUMENTS'] })).toBe('guard.namesake_conflicting_documents');
    expect(decidingRule({ tier: 'phonetic', reasons: ['PHONETIC_NAME_AND_BIRTH_DATE'] })).toBe('phonetic.no_document');
    expect(decidingRule({ tier: 'probabilistic', reasons: ['SCORE_ABOVE_LINK_THRESHOLD'], modelVersion: 'fs1-abc' })).toBe('model.fellegi_sunter(fs1-abc)');
    // A moved earlier link, a relink put to a steward, one held by the breaker.
    expect(decidingRule({ tier: 'deterministic', reasons: ['SAME_DOCUMENT', 'NAME_CHECK_PASSED', 'RELINKED'] })).toBe('relink.deterministic_evidence');
    expect(decidingRule({ tier: 'phonetic', reasons: ['PHONETIC_NAME_AND_BIRTH_DATE', 'RELINK_CANDIDATE'] })).toBe('relink.weaker_evidence');
    expect(decidingRule({ tier: 'deterministic', reasons: ['SAME_DOCUMENT', 'RELINKED', 'RELINK_HELD_BY_BREAKER'] })).toBe('relink.held_by_breaker');
    // A steward's pin wins over whatever else the reasons say.
    expect(decidingRule({ tier: 'steward', reasons: ['STEWARD_PINNED_LINK'] })).toBe('steward.same_person_pin');
    expect(decidingRule({ tier: 'probabilistic', reasons: ['SCORE_ABOVE_LINK_THRESHOLD', 'MERGE_PINNED_APART'], modelVersion: 'x' })).toBe(
      'steward.different_persons_pin',
    );
  });

  it('is carried by the explanations the matcher writes', () => {
    const model = compileModel();
    const m = new BatchMatcher({ model, decision: DEFAULT_DECISION_CONFIG, maxBlockSize: 200 });
    const ctx = { municipalityCode: '05001', householdKey: null, today: '2025-01-01' };
    m.addLinked([
      { entityId: 1, personId: 100, prepared: adult({}, ctx) },
      { entityId: 2, personId: 200, prepared: adult({ docType: null, docNumber: null }, ctx) },
    ]);
    const r = m.match([{ entityId: 3, personId: null, prepared: adult({}, ctx) }]);
    expect(r.merges[0].explanation.rule).toBe('phonetic.no_document');
  });
});
