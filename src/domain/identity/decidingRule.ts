/**
 * The identifier of the rule that decided a link or a review item: stable English ids (API,
 * console, audits) derived from the tier and the reason codes the decision recorded, so stored
 * links and explanations written before the ids existed name their rule too. The first rule that
 * applies wins: a steward's pin before a guard, a guard before a tier.
 */
export interface DecidedBy {
  /** deterministic, phonetic, probabilistic, guard, steward — or a link type (new_person…). */
  tier: string | null;
  reasons: readonly string[];
  modelVersion?: string | null;
}

const BY_REASON: readonly [string, string][] = [
  ['STEWARD_PINNED_LINK', 'steward.same_person_pin'],
  ['STEWARD_PINNED_DISTINCT', 'steward.different_persons_pin'],
  ['MERGE_PINNED_APART', 'steward.different_persons_pin'],
  ['STEWARD_DETACHED', 'steward.detached'],
  ['RELINK_HELD_BY_BREAKER', 'relink.held_by_breaker'],
  ['RELINKED', 'relink.deterministic_evidence'],
  ['RELINK_CANDIDATE', 'relink.weaker_evidence'],
  ['AMBIGUOUS_BETWEEN_PERSONS', 'guard.ambiguous_between_persons'],
  ['MERGE_WITHOUT_DOCUMENT_EVIDENCE', 'guard.merge_without_document_evidence'],
  ['NEWBORN_PLACEHOLDER', 'guard.newborn_placeholder'],
  ['CONSECUTIVE_DOCUMENTS', 'guard.twins_consecutive_documents'],
  ['TWINS_GUARD', 'guard.twins_same_household'],
  ['POSSIBLE_TWINS', 'guard.twins_same_household'],
  ['DIFFERENT_VALIDATED_DOCUMENTS', 'guard.namesake_conflicting_documents'],
  ['DIFFERENT_VALID_DOCUMENTS', 'guard.namesake_conflicting_documents'],
  ['DOCUMENT_SHARED_OR_MISTYPED', 'deterministic.same_document_other_person'],
  ['LINKED_RECORD_CHANGED', 'recheck.linked_record_changed'],
  ['AUTO_LINK_AUDIT', 'audit.auto_link_sample'],
];

export function decidingRule(d: DecidedBy): string | null {
  const has = (r: string) => d.reasons.includes(r);
  for (const [reason, rule] of BY_REASON) if (has(reason)) return rule;
  switch (d.tier) {
    case 'deterministic':
      if (has('DOCUMENT_TRANSPOSED_DIGITS')) return 'deterministic.transposed_document_digits';
      if (has('BIRTH_DATE_DAYS_APART')) return 'deterministic.same_document_birth_date_days_apart';
      return 'deterministic.same_document_same_names';
    case 'phonetic':
      return has('PHONETIC_NAME_SURNAMES_SWAPPED') ? 'phonetic.no_document_surnames_swapped' : 'phonetic.no_document';
    case 'probabilistic':
    case 'guard':
      return `model.fellegi_sunter(${d.modelVersion ?? 'unknown'})`;
    case 'new_person':
      return has('DOCUMENT_OF_ANOTHER_PERSON') ? 'new_person.document_of_another_person' : 'new_person.no_match';
    case 'steward':
      return 'steward.placed';
    default:
      return null;
  }
}
