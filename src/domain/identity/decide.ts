/**
 * Decision rules: turn a compared and scored pair into link / review / no link / distinct, with the
 * reasons that led there. Order of precedence:
 *  1. a steward's pin;
 *  2. guards that forbid an automatic link (validated different documents, twins, newborn placeholders);
 *  3. deterministic tier: same document number with a compatible type, a name check and the birth
 *     date within tolerance; the same number on clearly different people goes to review;
 *  4. phonetic deterministic tier: same phonetic name key and exact birth date, no document conflict;
 *  5. probabilistic tier: two thresholds on the match probability, never linking on names alone, across
 *     two different numbers of the same document type, a newborn placeholder, or a possible twin.
 */
import { C_BIRTH, C_DOCUMENT, C_GIVEN, C_SEX, C_SURNAMES, L, compareDocuments, compareGivenNames, compareSurnames, type ComparisonVector } from './comparisons';
import { documentTypeRelation } from './normalizeDocument';
import { BIRTH_DATE_TOLERATED } from './normalizeDemographics';
import type { PreparedRecord } from './prepare';
import { levenshtein, tokenSetSimilarity } from './similarity';
import type { ScoreResult } from './model';

export type DecisionOutcome =
  /** Same person: link automatically. */
  | 'link'
  /** Possibly the same person: a steward decides. */
  | 'review'
  /** Not enough evidence of the same person. */
  | 'no_link'
  /** Positively different people: never link, even transitively, unless a steward pins it. */
  | 'distinct';

export type DecisionTier = 'steward' | 'guard' | 'deterministic' | 'phonetic' | 'probabilistic';

export const REASON_CODES = [
  /** A steward linked the pair. */
  'STEWARD_PINNED_LINK',
  /** A steward separated the pair. */
  'STEWARD_PINNED_DISTINCT',
  /** Same household, same birth date, clearly different given names or sexes: twins. */
  'TWINS_GUARD',
  /**
   * Twins or a duplicate: same household and birth date with given names missing or only spelled
   * differently; or, households unknown, same surnames and birth date with different second names
   * or different first names.
   */
  'POSSIBLE_TWINS',
  /** Newborn / unidentified placeholder instead of given names ("RN", "HIJO DE …"). */
  'NEWBORN_PLACEHOLDER',
  /** Both numbers are validated by the Registraduría, same type, different numbers. */
  'DIFFERENT_VALIDATED_DOCUMENTS',
  /**
   * Two well-formed numbers of the same type and length that differ by more than a keying error:
   * two people (namesakes: same name and birth date, other cédula), whether or not the Registraduría checked them.
   */
  'DIFFERENT_VALID_DOCUMENTS',
  /** Numbers one or two apart with the same surnames: issued one after the other, as twins' and siblings' are. */
  'CONSECUTIVE_DOCUMENTS',
  /** Numbers with two adjacent digits swapped (the commonest keying error), names and birth date agreeing. */
  'DOCUMENT_TRANSPOSED_DIGITS',
  /** Same document and names, birth dates a few days apart (at most 31). */
  'BIRTH_DATE_DAYS_APART',
  /** The DPS phonetic key with the two surnames swapped, same birth date. */
  'PHONETIC_NAME_SURNAMES_SWAPPED',
  /** Same normalized document number with a compatible type. */
  'SAME_DOCUMENT',
  /** The types differ along CN/RC/NUIP → TI → CC. */
  'DOCUMENT_EVOLUTION',
  /** Names pass the check (DPS Levenshtein rule or word-set similarity). */
  'NAME_CHECK_PASSED',
  /** Birth dates equal, day/month swapped, one day apart, or one year apart on the same day. */
  'BIRTH_DATE_WITHIN_TOLERANCE',
  /** Same number, but names or birth dates show different people: shared (e.g. a mother's) or mistyped. */
  'DOCUMENT_SHARED_OR_MISTYPED',
  /** Same phonetic key of first given name + both surnames, same birth date, compatible sex. */
  'PHONETIC_NAME_AND_BIRTH_DATE',
  /**
   * The record's document number belongs to another person (names or birth date fail against it, e.g.
   * a child registered with the mother's cédula): it was set aside when comparing with the others.
   */
  'DOCUMENT_OF_ANOTHER_PERSON',
  'SCORE_ABOVE_LINK_THRESHOLD',
  'SCORE_IN_REVIEW_BAND',
  'SCORE_BELOW_REVIEW_THRESHOLD',
  /** The score would link, but only names (and context) agree: no birth date or document evidence. */
  'NAMES_ONLY_EVIDENCE',
  /** The score would link, but the records carry different numbers of the same document type. */
  'DIFFERENT_DOCUMENT_NUMBERS',
  /**
   * The record fits two persons that cannot be one (twins of a household, namesakes with two
   * cédulas) on names and birth date alone, neither clearly better nor told apart by household or
   * municipality: it is linked to neither, and a steward decides.
   */
  'AMBIGUOUS_BETWEEN_PERSONS',
  /**
   * A record links to two existing persons on names and birth date alone (no document evidence for
   * either): the persons are not merged on that — their own records did not link — and a steward decides.
   */
  'MERGE_WITHOUT_DOCUMENT_EVIDENCE',
  /**
   * An earlier link moved: a later record brought deterministic evidence (the same document and names)
   * that the record belongs to another person, where its own person held it on weaker evidence.
   */
  'RELINKED',
  /** A later record makes another person a better match for a linked record, on evidence not strong enough to move it. */
  'RELINK_CANDIDATE',
  /** A move of a linked record held back by the circuit breaker with the run's merges. */
  'RELINK_HELD_BY_BREAKER',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface DecisionConfig {
  /** Match probability at or above which a pair links automatically (default 0.99). */
  linkProbability: number;
  /** Match probability at or above which a pair goes to review (default 0.5). */
  reviewProbability: number;
  /** DPS name rule: Levenshtein(given1 + surname1) / length below this passes (default 0.5). */
  maxNameDistanceRatio: number;
  /** Alternative name check: word-set similarity of the full names at least this (default 0.6). */
  minNameTokenSimilarity: number;
  /** Birth dates more than this many days apart (both reliable) mean a different person (default 730). */
  clearlyDifferentBirthDays: number;
  /** With the same document and names, birth dates up to this many days apart still link (default 31). */
  sameDocumentBirthDays: number;
}

export const DEFAULT_DECISION_CONFIG: DecisionConfig = {
  linkProbability: 0.99,
  reviewProbability: 0.5,
  maxNameDistanceRatio: 0.5,
  minNameTokenSimilarity: 0.6,
  clearlyDifferentBirthDays: 730,
  sameDocumentBirthDays: 31,
};

/** Queue a review goes to (the review_reason of the reconciliation schema). */
export type ReviewCategory = 'POSSIBLE_MATCH' | 'DOCUMENT_CONFLICT' | 'POSSIBLE_TWINS';

export interface Decision {
  outcome: DecisionOutcome;
  tier: DecisionTier;
  reasons: ReasonCode[];
  /** For `review`: which queue; null otherwise. */
  reviewCategory: ReviewCategory | null;
  matchWeight: number;
  probability: number;
  modelVersion: string;
}

export type StewardPin = 'link' | 'distinct';

export interface NameCheck {
  /** Levenshtein(given1 + " " + surname1) / longer length; 1 when either side lacks them. */
  distanceRatio: number;
  /** Word-set similarity of the full names (Dice over words, see tokenSetSimilarity). */
  tokenSimilarity: number;
  passed: boolean;
}

function distanceRatio(a: PreparedRecord, b: PreparedRecord): number {
  if (a.dpsName === '' || b.dpsName === '') return 1;
  return levenshtein(a.dpsName, b.dpsName) / Math.max(a.dpsName.length, b.dpsName.length);
}

/** {@link nameCheck}'s verdict alone, computing the word-set similarity only when needed. */
export function passesNameCheck(a: PreparedRecord, b: PreparedRecord, config: DecisionConfig = DEFAULT_DECISION_CONFIG): boolean {
  if (distanceRatio(a, b) < config.maxNameDistanceRatio) return true;
  return tokenSetSimilarity(a.nameTokens, b.nameTokens, a.nameTokenKeys, b.nameTokenKeys) >= config.minNameTokenSimilarity;
}

/**
 * Name check of the deterministic tier. DPS accepted a document match when the Levenshtein distance
 * between "PRIMER NOMBRE PRIMER APELLIDO" strings was under 50 % of the length; here on normalized
 * forms (particles, accents, mojibake handled) and symmetric (longer length), or alternatively when
 * the full names share most words (fields swapped or shifted).
 */
export function nameCheck(a: PreparedRecord, b: PreparedRecord, config: DecisionConfig = DEFAULT_DECISION_CONFIG): NameCheck {
  const ratio = distanceRatio(a, b);
  const tokenSimilarity = tokenSetSimilarity(a.nameTokens, b.nameTokens, a.nameTokenKeys, b.nameTokenKeys);
  return {
    distanceRatio: ratio,
    tokenSimilarity,
    passed: ratio < config.maxNameDistanceRatio || tokenSimilarity >= config.minNameTokenSimilarity,
  };
}

const G = L.givenNames;
const B = L.birthDate;
const D = L.document;
const X = L.sex;
const S = L.surnames;

/** Birth-date levels the deterministic tier tolerates (BIRTH_DATE_TOLERATED, as level indexes). */
const BIRTH_TOLERATED = new Set<number>([...BIRTH_DATE_TOLERATED].map((label) => B[label as keyof typeof B]));
/** Levels that count as evidence beyond names. */
const BIRTH_EVIDENCE = new Set<number>([B.exact, B.dayMonthSwap, B.oneDay, B.yearOff]);
const DOCUMENT_EVIDENCE = new Set<number>([D.exact, D.evolution, D.sameNumberOtherType, D.provisionalEqual, D.transposition, D.oneKeyingError]);
/** Documents that do not argue against the phonetic tier: none comparable, or one keying error apart. */
const PHONETIC_DOCUMENTS = new Set<number>([D.missing, D.notComparable, D.transposition, D.oneKeyingError]);
/** Surname levels that say "the same family name". */
const SURNAMES_AGREE = new Set<number>([S.exact, S.exactSecondMissing, S.swapped, S.closeBoth, S.closeSecondMissing]);
/** Given-name levels close enough to carry a transposed document number. */
const GIVEN_CLOSE = new Set<number>([G.exact, G.compatible, G.reordered, G.jw95, G.phonetic, G.jw88]);
/** Surname levels close enough to carry a transposed document number (a swap included). */
const SURNAMES_CLOSE = new Set<number>([S.exact, S.exactSecondMissing, S.swapped, S.closeBoth, S.closeSecondMissing, S.firstExactSecondDiffers]);

/** Whether a compared pair carries document evidence (the same number, or one keying error apart). */
export function hasDocumentEvidence(vector: ArrayLike<number>): boolean {
  return DOCUMENT_EVIDENCE.has(vector[C_DOCUMENT]);
}

/**
 * Two numbers of the same type and the same length that differ by more than a keying error (the
 * comparison's `different` level between types of one rank): two documents, so two people. Lengths
 * differ when an old serial (11-digit TI, short RC) was replaced by a NUIP: not a conflict.
 */
export function documentsConflict(a: PreparedRecord, b: PreparedRecord, documentLevel: number): boolean {
  if (documentLevel !== D.different || a.docKey === null || b.docKey === null || a.docKey.length !== b.docKey.length) return false;
  if (a.docType === null || b.docType === null) return false;
  return a.docType === b.docType || (a.docRank >= 0 && a.docRank === b.docRank);
}

/**
 * Whether two records cannot be one person by their own documents or household: conflicting
 * documents, consecutive numbers with the same surnames, or twins of one household. The matcher asks
 * it before proposing to merge two persons one record links to (a document-less namesake or twin
 * links to both by names and birth date: the persons stay apart).
 */
export function recordsConflict(a: PreparedRecord, b: PreparedRecord): boolean {
  const doc = compareDocuments(a, b);
  if (documentsConflict(a, b, doc)) return true;
  if (a.docValidated && b.docValidated && doc === D.different) return true;
  if (doc === D.consecutive && SURNAMES_AGREE.has(compareSurnames(a, b))) return true;
  if (a.household !== null && a.household === b.household && a.dobQuality !== 0 && a.dobDays === b.dobDays) {
    const given = compareGivenNames(a, b);
    return given !== G.exact && (doc !== D.exact || (given !== G.compatible && given !== G.reordered));
  }
  return false;
}

/** Both birth dates known (a made-up 1 January counts) and at most `days` apart. */
function daysApart(a: PreparedRecord, b: PreparedRecord, days: number): boolean {
  return a.dobQuality !== 0 && b.dobQuality !== 0 && Math.abs(a.dobDays - b.dobDays) <= days;
}

type ScoreLike = Pick<ScoreResult, 'matchWeight' | 'probability' | 'modelVersion'>;

function reviewCategory(reasons: readonly ReasonCode[]): ReviewCategory {
  if (reasons.includes('DOCUMENT_SHARED_OR_MISTYPED')) return 'DOCUMENT_CONFLICT';
  if (reasons.includes('TWINS_GUARD') || reasons.includes('POSSIBLE_TWINS')) return 'POSSIBLE_TWINS';
  return 'POSSIBLE_MATCH';
}

function result(score: ScoreLike, outcome: DecisionOutcome, tier: DecisionTier, reasons: ReasonCode[]): Decision {
  return {
    outcome,
    tier,
    reasons,
    reviewCategory: outcome === 'review' ? reviewCategory(reasons) : null,
    matchWeight: score.matchWeight,
    probability: score.probability,
    modelVersion: score.modelVersion,
  };
}

/**
 * Decides one pair. `vector` is `compare(a, b)`, `score` the model's score of it (only weight,
 * probability and version are read). `pin` is a steward's earlier decision on this pair, if any.
 */
export function decide(
  a: PreparedRecord,
  b: PreparedRecord,
  vector: ComparisonVector | ArrayLike<number>,
  score: ScoreLike,
  config: DecisionConfig = DEFAULT_DECISION_CONFIG,
  pin: StewardPin | null = null,
): Decision {
  if (pin === 'link') return result(score, 'link', 'steward', ['STEWARD_PINNED_LINK']);
  if (pin === 'distinct') return result(score, 'distinct', 'steward', ['STEWARD_PINNED_DISTINCT']);

  const doc = vector[C_DOCUMENT];
  const sameNumber = doc === D.exact || doc === D.evolution;
  const birth = vector[C_BIRTH];

  // Guard: two Registraduría-validated numbers of the same type that differ are two people.
  if (
    a.docValidated &&
    b.docValidated &&
    a.docKey !== null &&
    b.docKey !== null &&
    a.docKey !== b.docKey &&
    a.docType !== null &&
    documentTypeRelation(a.docType, b.docType) === 'equal'
  ) {
    return result(score, 'distinct', 'guard', ['DIFFERENT_VALIDATED_DOCUMENTS']);
  }
  // Guard: the same holds for numbers nobody validated, when both are well-formed numbers of one type
  // and length: namesakes (same full name and birth date, another cédula) are two people.
  if (documentsConflict(a, b, doc)) return result(score, 'distinct', 'guard', ['DIFFERENT_VALID_DOCUMENTS']);

  // Guard: consecutive numbers and the same surnames are twins or siblings registered the same day,
  // not a keying error. Only identical given names leave the doubt (a duplicate with a mistyped digit).
  if (doc === D.consecutive && SURNAMES_AGREE.has(vector[C_SURNAMES])) {
    if (vector[C_GIVEN] === G.exact && vector[C_SEX] !== X.different) return result(score, 'review', 'guard', ['POSSIBLE_TWINS', 'CONSECUTIVE_DOCUMENTS']);
    return result(score, 'distinct', 'guard', ['TWINS_GUARD', 'CONSECUTIVE_DOCUMENTS']);
  }

  // Guard: twins share a household and a birthday but not their given names. A household lists each
  // member once, so a compound name against its first word (DANIELA / DANIELA ANDREA) or the same
  // names in another order are twins too; only identical given names leave a doubt.
  if (a.household !== null && a.household === b.household && a.dobQuality !== 0 && b.dobQuality !== 0 && a.dobDays === b.dobDays) {
    const given = vector[C_GIVEN];
    if (given === G.compatible || given === G.reordered) {
      // The same number says one person listed twice; different numbers, twins; none, a steward decides.
      if (!sameNumber) {
        if (a.docKey !== null && b.docKey !== null && doc !== D.sameNumberOtherType) return result(score, 'distinct', 'guard', ['TWINS_GUARD']);
        return result(score, 'review', 'guard', ['POSSIBLE_TWINS']);
      }
    } else if (given !== G.exact) {
      const shared: ReasonCode[] = sameNumber || doc === D.sameNumberOtherType ? ['DOCUMENT_SHARED_OR_MISTYPED'] : [];
      const clearlyTwins = vector[C_SEX] === X.different || (given !== G.missing && given !== G.jw95 && given !== G.phonetic);
      if (clearlyTwins && shared.length === 0) return result(score, 'distinct', 'guard', ['TWINS_GUARD']);
      return result(score, 'review', 'guard', [clearlyTwins ? 'TWINS_GUARD' : 'POSSIBLE_TWINS', ...shared]);
    }
  }

  const placeholder = a.givenPlaceholder || b.givenPlaceholder;
  // Without a shared household the twins guard cannot apply, but the pattern still shows: same
  // surnames and birth date, same first name, different second names (JUAN DAVID / JUAN JOSE).
  const surnames = vector[C_SURNAMES];
  // Likewise twins recorded without their household: same surnames and birth date, clearly different
  // first given names (LUIS / CARLOS). The surnames and the birthday add up to a high score, but
  // that is exactly what twins share.
  const surnamesAgree = surnames === S.exact || surnames === S.exactSecondMissing || surnames === S.closeBoth || surnames === S.closeSecondMissing;
  const siblingsPattern = !sameNumber && birth === B.exact && surnamesAgree && (vector[C_GIVEN] === G.firstEqual || vector[C_GIVEN] === G.different);

  // Deterministic tier: same number, compatible type.
  if (sameNumber) {
    const namesPass = passesNameCheck(a, b, config);
    const tolerated = BIRTH_TOLERATED.has(birth);
    // A birth date a few days off (typed from another document, a late registration) does not undo
    // the same number and the same names.
    const closeDates = !tolerated && daysApart(a, b, config.sameDocumentBirthDays);
    if (namesPass && (tolerated || closeDates) && !placeholder) {
      const dates: ReasonCode = closeDates ? 'BIRTH_DATE_DAYS_APART' : 'BIRTH_DATE_WITHIN_TOLERANCE';
      return result(
        score,
        'link',
        'deterministic',
        doc === D.evolution ? ['SAME_DOCUMENT', 'DOCUMENT_EVOLUTION', 'NAME_CHECK_PASSED', dates] : ['SAME_DOCUMENT', 'NAME_CHECK_PASSED', dates],
      );
    }
    const farApart = a.dobQuality === 2 && b.dobQuality === 2 && !tolerated && Math.abs(a.dobDays - b.dobDays) > config.clearlyDifferentBirthDays;
    if (!namesPass || farApart) {
      const reasons: ReasonCode[] = placeholder ? ['DOCUMENT_SHARED_OR_MISTYPED', 'NEWBORN_PLACEHOLDER'] : ['DOCUMENT_SHARED_OR_MISTYPED'];
      return result(score, 'review', 'deterministic', reasons);
    }
  }

  // Transposed digits (the commonest keying error) are nearly as good as the same number: with close
  // names (a typo, swapped surnames) and a birth date within tolerance, the same person; with names
  // that only pass the DPS check, or dates further apart, a steward decides — never silently apart.
  if (doc === D.transposition && !placeholder && !siblingsPattern) {
    const datesOk = BIRTH_TOLERATED.has(birth) || daysApart(a, b, config.sameDocumentBirthDays);
    const closeNames = GIVEN_CLOSE.has(vector[C_GIVEN]) && SURNAMES_CLOSE.has(surnames);
    if (datesOk && closeNames && vector[C_SEX] !== X.different) {
      return result(score, 'link', 'deterministic', ['DOCUMENT_TRANSPOSED_DIGITS', 'NAME_CHECK_PASSED', 'BIRTH_DATE_WITHIN_TOLERANCE']);
    }
    if ((datesOk || closeNames) && passesNameCheck(a, b, config) && score.probability < config.linkProbability) {
      return result(score, 'review', 'deterministic', ['DOCUMENT_TRANSPOSED_DIGITS', 'SCORE_IN_REVIEW_BAND']);
    }
  }

  // Phonetic deterministic tier (DPS victims rule), only without a document conflict: no comparable
  // documents, or numbers one keying error apart (a transposed or mistyped digit; consecutive numbers
  // are not a keying error). Also with the surnames swapped between the registers.
  if (PHONETIC_DOCUMENTS.has(doc) && birth === B.exact && vector[C_SEX] !== X.different && !siblingsPattern && a.phoneticName !== '') {
    if (a.phoneticName === b.phoneticName) return result(score, 'link', 'phonetic', ['PHONETIC_NAME_AND_BIRTH_DATE']);
    if (surnames === S.swapped && b.phoneticName !== '' && a.given1Phon === b.given1Phon && a.s1Phon === b.s2Phon && a.s2Phon === b.s1Phon) {
      return result(score, 'link', 'phonetic', ['PHONETIC_NAME_SURNAMES_SWAPPED']);
    }
  }

  // Probabilistic tier (on probabilities: same order as weights, no logarithm per pair).
  const p = score.probability;
  if (p >= config.linkProbability) {
    const caps: ReasonCode[] = [];
    if (placeholder) caps.push('NEWBORN_PLACEHOLDER');
    if (siblingsPattern) caps.push('POSSIBLE_TWINS');
    if (doc === D.different || doc === D.consecutive) caps.push('DIFFERENT_DOCUMENT_NUMBERS');
    if (!BIRTH_EVIDENCE.has(birth) && !DOCUMENT_EVIDENCE.has(doc)) caps.push('NAMES_ONLY_EVIDENCE');
    if (caps.length > 0) return result(score, 'review', 'probabilistic', ['SCORE_ABOVE_LINK_THRESHOLD', ...caps]);
    return result(score, 'link', 'probabilistic', ['SCORE_ABOVE_LINK_THRESHOLD']);
  }
  if (p >= config.reviewProbability) return result(score, 'review', 'probabilistic', ['SCORE_IN_REVIEW_BAND']);
  return result(score, 'no_link', 'probabilistic', ['SCORE_BELOW_REVIEW_THRESHOLD']);
}
