import { compare, decide, DEFAULT_DECISION_CONFIG, score, type DecisionConfig } from '../domain/identity';
import type { EntityIdentityRow } from './reviewRepository';
import type { LoadedModel } from '../reconciliation';
import { prepareEntity } from '../reconciliation';

/** One compared field: both records' values side by side, the agreement level and its evidence. */
export interface FieldComparison {
  field: string;
  level: string;
  description: string;
  /** Bits of evidence (log2 m/u plus the term-frequency adjustment); 0 when a value is missing. */
  weight: number;
  left: string | null;
  right: string | null;
}

export interface RecordComparison {
  fields: FieldComparison[];
  matchWeight: number;
  probability: number;
  tier: string;
  outcome: string;
  reasons: string[];
  modelVersion: string;
}

const join = (...xs: (string | null)[]) => xs.filter((x) => x && x.trim()).join(' ') || null;

/** What a steward reads in each compared field (the document number is disclosed separately, audited). */
function display(e: EntityIdentityRow, field: string): string | null {
  switch (field) {
    case 'givenNames':
      return join(e.firstName, e.secondName);
    case 'surnames':
      return join(e.firstSurname, e.secondSurname);
    case 'birthDate':
      return e.birthDate;
    case 'sex':
      return e.sex;
    case 'document':
      return e.docType;
    case 'municipality':
      return e.municipalityCode;
    default:
      return null;
  }
}

/**
 * Compares two records as the engine does today (current model and thresholds), field by field:
 * what a steward needs to judge a pair. Pure; the caller loads the records and the model.
 */
export function compareRecords(
  left: EntityIdentityRow,
  right: EntityIdentityRow,
  loaded: LoadedModel,
  ctx: { today: string; municipalities: ReadonlySet<string>; decision?: Partial<DecisionConfig> },
): RecordComparison {
  const a = prepareEntity(left, ctx, loaded.tf);
  const b = prepareEntity(right, ctx, loaded.tf);
  const v = compare(a, b);
  const s = score(loaded.model, v, a, b);
  const d = decide(a, b, v, s, { ...DEFAULT_DECISION_CONFIG, ...ctx.decision });
  return {
    fields: s.contributions.map((c) => ({
      field: c.field,
      level: c.level,
      description: c.description,
      weight: Math.round(c.weight * 1000) / 1000,
      left: display(left, c.field),
      right: display(right, c.field),
    })),
    matchWeight: Math.round(s.matchWeight * 1000) / 1000,
    probability: s.probability,
    tier: d.tier,
    outcome: d.outcome,
    reasons: d.reasons,
    modelVersion: s.modelVersion,
  };
}
