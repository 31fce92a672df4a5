import { z } from 'zod';

/**
 * `import_runs.summary`, the run's own document: what staging found (parts, line accounting), the
 * timings of each attempt, and once done the run's summary and the outcome of the reconciliation it
 * started (written by the nightly summaries, src/ops). One schema, read and written through it, so
 * every reader sees the same typed shape instead of its own guess.
 */

const count = z.number().int().nonnegative();

export const lineAccountingSchema = z.object({
  physical: count,
  header: count,
  blank: count,
  /** Lines of loaded records. */
  loaded: count,
  /** Lines of rejected records (row errors, including repeated keys). */
  rejected: count,
});
export type LineAccounting = z.infer<typeof lineAccountingSchema>;

export const stagedPartsSchema = z.object({ household: count, sisben: count, affiliation: count, victim: count });

/**
 * Phase durations, in milliseconds, accumulated over the run's attempts. `stageMap` (reading the
 * source's key → digest map) is part of `stage`, `plan` (the chunked apply's plan) part of `apply`.
 */
export const importTimingsSchema = z
  .object({ stage: z.number(), stageMap: z.number(), prepare: z.number(), apply: z.number(), plan: z.number(), disappear: z.number(), finish: z.number() })
  .partial();
export type ImportTimings = z.infer<typeof importTimingsSchema>;

/** The reconciliation part of a run's nightly summary (`summary.reconciliation`). */
export const nightlyReconciliationSchema = z.object({
  runId: z.number().int(),
  state: z.string(),
  recordsProcessed: count,
  /** Records linked to an existing person (deterministic, phonetic or probabilistic links). */
  autoLinked: count,
  /** Records that founded a new person. */
  newPersons: count,
  /** Links written: autoLinked + newPersons. */
  links: count,
  /** Review items this run put in the stewards' queue. */
  reviewItems: count,
  mergesProposed: count,
  mergesApplied: count,
  breakerTripped: z.boolean(),
  autoLinkRate: z.number(),
  reviewRate: z.number(),
  failureReason: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type NightlyReconciliation = z.infer<typeof nightlyReconciliationSchema>;

/**
 * Why records of the source were held back from disappearing in a run: rows the hub could not read
 * might be theirs. `UNREADABLE_ROWS` (rejected rows that name no record) and `CUT_OFF_LAST_LINE`
 * (the file ends in a rejected line without a line break: it may be incomplete) hold back every
 * absent record; `POSSIBLE_KEYS` (rows read only with another delimiter) holds back those records.
 */
export const heldBackReasonSchema = z.object({
  code: z.enum(['UNREADABLE_ROWS', 'CUT_OFF_LAST_LINE', 'POSSIBLE_KEYS']),
  /** Rows of the file behind the reason. */
  rows: count,
});
export const heldBackSchema = z.object({
  /** Active records that are absent from the file (or present only in unreadable rows) and were kept active. */
  records: count,
  reasons: z.array(heldBackReasonSchema),
});
export type HeldBack = z.infer<typeof heldBackSchema>;

/** What staging learnt about unreadable rows (decides the hold-back). */
export const unreadableSchema = z.object({ unknownKeyRows: count, possibleKeyRows: count, cutOffLastLine: z.boolean() });
export type Unreadable = z.infer<typeof unreadableSchema>;

/** The reasons that apply to a staged file. */
export function heldBackReasons(u: Unreadable | undefined): HeldBack['reasons'] {
  if (!u) return [];
  const out: HeldBack['reasons'] = [];
  if (u.unknownKeyRows) out.push({ code: 'UNREADABLE_ROWS', rows: u.unknownKeyRows });
  if (u.cutOffLastLine) out.push({ code: 'CUT_OFF_LAST_LINE', rows: 1 });
  if (u.possibleKeyRows) out.push({ code: 'POSSIBLE_KEYS', rows: u.possibleKeyRows });
  return out;
}

/** Whether no absent record may disappear (a reason that could concern any of them). */
export const holdsAll = (u: Unreadable | undefined): boolean => Boolean(u && (u.unknownKeyRows > 0 || u.cutOffLastLine));

export const importRunSummarySchema = z
  .object({
    /** Written when the file is staged. */
    staged: z.object({
      rows: count,
      parts: stagedPartsSchema,
      rejectedWithKey: count,
      unreadable: unreadableSchema.optional(),
      /** Delta staging (unchanged rows compared in Node against the source's snapshot, not staged): see ImportRepository.DeltaStaged. */
      delta: z.object({ unchangedByChunk: z.array(count), absent: count, keptRejected: count, possibleHeld: count, fingerprint: z.string() }).optional(),
    }),
    lines: lineAccountingSchema.nullable(),
    /** Active records whose row in this extract was rejected: kept at their previous version. */
    keptRejected: count,
    /** Records held back from disappearing because unreadable rows might be theirs. */
    // null when the run failed before the disappearance step (nothing was held back or retired).
    heldBack: heldBackSchema.nullable(),
    /** The source's first snapshot was bulk-loaded. */
    bulkLoad: z.boolean(),
    timings: importTimingsSchema,
    /** The run's state when the summary was last completed. */
    state: z.string(),
    reconciliation: nightlyReconciliationSchema,
  })
  .partial()
  // The run's own summary (ImportSummary: counts, errorsByCode…) is merged in when it is done.
  .catchall(z.unknown());
export type ImportRunSummary = z.infer<typeof importRunSummarySchema>;

/** The summary of a run as stored (null before anything was written). A malformed document is a defect: it throws. */
export function readRunSummary(summary: unknown): ImportRunSummary {
  return summary == null ? {} : importRunSummarySchema.parse(summary);
}
