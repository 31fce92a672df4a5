/**
 * The cruce decision for one input row (pure), on the reconciliation engine's normalization and
 * rules (src/domain/identity), following the DPS practice (domain.md §4.7):
 *
 * 1. **Documento**: persons holding the same normalized number with a compatible type — equal, or
 *    along the Registraduría life cycle CN/RC/NUIP → TI → CC, or one side without a type — whose
 *    names pass the engine's name check (Levenshtein of "first given name + first surname" under
 *    50 % of the length, or most words of the full name shared: swapped or shifted fields). Several
 *    holders: the smallest name distance wins and the line is flagged AMBIGUOUS. Holders whose names
 *    all fail: the number belongs to someone else (DOCUMENT_NAME_MISMATCH) and it is set aside.
 * 2. **Fonético**: otherwise the engine's decision on names and birth date, with the document set
 *    aside when it belonged to someone else: the DPS phonetic key (first given name + both surnames)
 *    with the same birth date and a compatible sex, or the Fellegi–Sunter score above the link
 *    threshold with birth-date evidence — behind the engine's guards (possible twins, newborn
 *    placeholders, two different numbers of the same type). This is how persons without a document
 *    are matched.
 * 3. **No cruzó** otherwise.
 *
 * Candidates are only ever persons inside the client's territory (the caller filters them before
 * this runs), so a person outside it answers exactly as an absent one.
 */
import {
  BIRTH_DATE_TOLERATED,
  compare,
  compareBirthDates,
  COMPARISON_COUNT,
  decide,
  documentTypeRelation,
  L,
  matchWeight,
  nameCheck,
  probabilityFromWeight,
  withoutDocument,
  type CompiledModel,
  type DecisionConfig,
  type PreparedRecord,
} from '../domain/identity';

export const MATCH_TYPES = ['DOCUMENTO', 'FONETICO', 'NO_CRUZO'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export const MATCH_FLAGS = [
  /** Several persons (in the client's territory) qualified: the smallest name distance was chosen. */
  'AMBIGUOUS',
  /** The number matched along the life cycle (e.g. the list says CC, the registry holds the TI). */
  'DOCUMENT_EVOLUTION',
  /** Name distance in the review band (≥ 40 %, the DPS manual-review threshold) though the names passed. */
  'NAME_REVIEW',
  /** Documento match with birth dates that disagree beyond one typo. */
  'BIRTH_DATE_DIFFERS',
  /** The number is held by a person whose names do not match: it was set aside. */
  'DOCUMENT_NAME_MISMATCH',
] as const;
export type MatchFlag = (typeof MATCH_FLAGS)[number];

/** Name distance (percent) from which a match is flagged for review (DPS "Distancia entre nombres": > 40 % to manual review). */
export const NAME_REVIEW_PERCENT = 40;

export interface CandidatePerson {
  personId: number;
  /** The person's linked source records, prepared (documents, name and date variants across registries). */
  records: readonly PreparedRecord[];
}

export interface MatchOutcome {
  type: MatchType;
  personId: number | null;
  /** Levenshtein distance of "first given name + first surname", in % of the longer (engine rule); null when not computable. */
  nameDistance: number | null;
  flags: MatchFlag[];
  /** The engine's reason codes for the chosen person (SAME_DOCUMENT, PHONETIC_NAME_AND_BIRTH_DATE, …). */
  reasons: string[];
}

export interface MatchSettings {
  model: CompiledModel;
  decision: DecisionConfig;
}

const NO_MATCH: MatchOutcome = { type: 'NO_CRUZO', personId: null, nameDistance: null, flags: [], reasons: [] };
const TOLERATED_BIRTH = new Set<number>([...BIRTH_DATE_TOLERATED].map((label) => L.birthDate[label as keyof typeof L.birthDate]));

interface Scored {
  personId: number;
  distance: number;
  tokenSimilarity: number;
  record: PreparedRecord;
  reasons: string[];
  evolution: boolean;
}

const percent = (ratio: number) => Math.round(ratio * 1000) / 10;

/** Smallest distance first, then most words shared, then the oldest person (stable, reveals nothing). */
function best(xs: Scored[]): Scored {
  return xs.reduce((a, b) =>
    b.distance < a.distance ||
    (b.distance === a.distance && (b.tokenSimilarity > a.tokenSimilarity || (b.tokenSimilarity === a.tokenSimilarity && b.personId < a.personId)))
      ? b
      : a,
  );
}

function distanceOf(input: PreparedRecord, r: PreparedRecord): number | null {
  return input.dpsName === '' || r.dpsName === '' ? null : nameCheck(input, r).distanceRatio;
}

/** Decides one row against its candidate persons. */
export function matchRow(input: PreparedRecord, candidates: readonly CandidatePerson[], settings: MatchSettings): MatchOutcome {
  if (candidates.length === 0) return NO_MATCH;
  const flags: MatchFlag[] = [];

  // 1. Documento.
  if (input.docKey !== null) {
    const holders: Scored[] = [];
    let holderCount = 0;
    for (const c of candidates) {
      let pick: Scored | null = null;
      let holds = false;
      for (const r of c.records) {
        if (r.docKey !== input.docKey) continue;
        const relation = documentTypeRelation(input.docType, r.docType);
        if (relation === 'incompatible') continue;
        holds = true;
        const check = nameCheck(input, r, settings.decision);
        if (!check.passed) continue;
        const s: Scored = {
          personId: c.personId,
          distance: check.distanceRatio,
          tokenSimilarity: check.tokenSimilarity,
          record: r,
          reasons: ['SAME_DOCUMENT', ...(relation === 'evolution' ? ['DOCUMENT_EVOLUTION'] : []), 'NAME_CHECK_PASSED'],
          evolution: relation === 'evolution',
        };
        if (pick === null || best([pick, s]) === s) pick = s;
      }
      if (holds) holderCount++;
      if (pick) holders.push(pick);
    }
    if (holders.length > 0) {
      const chosen = best(holders);
      if (holderCount > 1) flags.push('AMBIGUOUS');
      if (chosen.evolution) flags.push('DOCUMENT_EVOLUTION');
      const d = distanceOf(input, chosen.record);
      if (d !== null && percent(d) >= NAME_REVIEW_PERCENT) flags.push('NAME_REVIEW');
      if (input.dobQuality !== 0 && chosen.record.dobQuality !== 0 && !TOLERATED_BIRTH.has(compareBirthDates(input, chosen.record)))
        flags.push('BIRTH_DATE_DIFFERS');
      return { type: 'DOCUMENTO', personId: chosen.personId, nameDistance: d === null ? null : percent(d), flags, reasons: chosen.reasons };
    }
    if (holderCount > 0) {
      flags.push('DOCUMENT_NAME_MISMATCH');
      input = withoutDocument(input);
    }
  }

  // 2. Fonético: the engine's decision on names and birth date (document set aside when it was someone else's).
  const v = new Uint8Array(COMPARISON_COUNT);
  const linked: Scored[] = [];
  for (const c of candidates) {
    let pick: Scored | null = null;
    for (const r of c.records) {
      compare(input, r, v);
      const w = matchWeight(settings.model, v, input, r);
      const decision = decide(input, r, v, { matchWeight: w, probability: probabilityFromWeight(w), modelVersion: settings.model.version }, settings.decision);
      if (decision.outcome !== 'link') continue;
      const check = nameCheck(input, r, settings.decision);
      const s: Scored = {
        personId: c.personId,
        distance: check.distanceRatio,
        tokenSimilarity: check.tokenSimilarity,
        record: r,
        reasons: decision.reasons,
        evolution: false,
      };
      if (pick === null || best([pick, s]) === s) pick = s;
    }
    if (pick) linked.push(pick);
  }
  if (linked.length === 0) return { ...NO_MATCH, flags };
  const chosen = best(linked);
  if (linked.length > 1) flags.push('AMBIGUOUS');
  const d = distanceOf(input, chosen.record);
  if (d !== null && percent(d) >= NAME_REVIEW_PERCENT) flags.push('NAME_REVIEW');
  return { type: 'FONETICO', personId: chosen.personId, nameDistance: d === null ? null : percent(d), flags, reasons: chosen.reasons };
}
