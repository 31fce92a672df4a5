/**
 * The engine's run policies as pure functions of counts and settings: when to retrain the model,
 * how much to sample for it, whether the circuit breaker holds a run's merges back, and how many
 * automatic links stewards audit. The services only gather the counts and act on the verdicts.
 */

/** Below this many active records there is too little to estimate a model from: the default one is used. */
export const MIN_RECORDS_TO_TRAIN = 2_000;
/** A training sample with fewer pending records than this is not worth a new model. */
export const MIN_PENDING_TO_TRAIN = 1_000;
/** Linked records sampled for u and term frequencies: a million random pairs with plenty of variety. */
export const MAX_LINKED_TRAINING_SAMPLE = 20_000;

export type RetrainReason = 'NO_TRAINED_MODEL' | 'DATA_DOUBLED' | 'FIRST_CROSS_REGISTRY_RUN';

/**
 * Whether a run trains a new model before matching: when none has been trained, when the data has at
 * least doubled since the last training, or when the model only ever saw duplicates inside one
 * registry and there are now linked records to match against. Null: keep the current model.
 */
export function retrainReason(p: {
  /** RECONCILE_TRAINING_SAMPLE; 0 turns training off. */
  sample: number;
  counts: { active: number; linked: number };
  model: { trainedOn: number; trainedAcross: boolean };
}): RetrainReason | null {
  if (p.sample <= 0 || p.counts.active < MIN_RECORDS_TO_TRAIN) return null;
  const firstCrossing = !p.model.trainedAcross && p.counts.linked > 0 && p.counts.active > p.counts.linked;
  if (p.model.trainedOn <= 0) return 'NO_TRAINED_MODEL';
  if (firstCrossing) return 'FIRST_CROSS_REGISTRY_RUN';
  if (p.counts.active >= p.model.trainedOn * 2) return 'DATA_DOUBLED';
  return null;
}

/**
 * How a training sample splits. Once records are linked, a quarter of it among the records to match
 * (their candidate pairs train m: tens of thousands of pairs per rule are plenty) and the rest, up to
 * MAX_LINKED_TRAINING_SAMPLE, among linked records (u, term frequencies). Before anything is linked,
 * m can only come from duplicates inside the sample: all of it.
 */
export function trainingSampleSizes(sample: number, linked: number): { pending: number; linkedAtMost: (pendingTaken: number) => number } {
  return {
    pending: linked > 0 ? Math.max(2_000, Math.floor(sample / 4)) : sample,
    linkedAtMost: (pendingTaken) => Math.min(sample - pendingTaken, MAX_LINKED_TRAINING_SAMPLE),
  };
}

export interface BreakerVerdict {
  /** Proposed merges of two persons that existed before the run started. */
  existingMerges: number;
  /** Accepted moves of a record out of a person that existed before the run (relinks). */
  moves: number;
  /** (existingMerges + moves) per record processed. */
  rate: number;
  tripped: boolean;
}

/**
 * The circuit breaker: automatic merges of persons that existed before the run are held for review
 * when there are at least `minMerges` of them and they exceed `maxRate` of the records processed (a
 * bad file or a bad model must not fuse a registry). Merges involving persons the run created are
 * ordinary linkage and never count. Moving an earlier-linked record out of an existing person (a relink)
 * changes that person as a merge does: it counts with them.
 */
export function breakerVerdict(p: {
  proposals: readonly { personA: number; personB: number }[];
  /** Accepted relinks: the person each record moves out of. */
  moves?: readonly { fromPerson: number }[];
  /** Highest person id when the run started. */
  personsBefore: number;
  recordsProcessed: number;
  minMerges: number;
  maxRate: number;
}): BreakerVerdict {
  const existingMerges = p.proposals.filter((m) => m.personA <= p.personsBefore && m.personB <= p.personsBefore).length;
  const moves = (p.moves ?? []).filter((m) => m.fromPerson <= p.personsBefore).length;
  const rate = (existingMerges + moves) / Math.max(1, p.recordsProcessed);
  return { existingMerges, moves, rate, tripped: existingMerges + moves >= p.minMerges && rate > p.maxRate };
}

/** The operator-facing reason of a run the breaker failed. */
export function breakerReason(v: BreakerVerdict, recordsProcessed: number): string {
  const moves = v.moves ? ` and ${v.moves} moves of linked records (RELINK_CANDIDATE)` : '';
  return (
    `Circuit breaker: ${v.existingMerges} automatic merges of existing persons${moves} (${(v.rate * 100).toFixed(2)} % of ${recordsProcessed} records) ` +
    'exceed RECONCILE_MAX_AUTO_MERGE_RATE; they wait in the review queue (MERGE_HELD_BY_BREAKER).'
  );
}

/**
 * How many of a run's automatic links go to stewards as an audit sample (their verdicts measure the
 * run's precision): `rate` of them, at least one, at most `max`; none when sampling is off.
 */
export function auditSampleSize(autoLinked: number, max: number, rate: number): number {
  if (autoLinked <= 0 || max <= 0) return 0;
  return Math.min(max, Math.max(1, Math.ceil(autoLinked * rate)));
}
