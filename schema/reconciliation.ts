import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, index, integer, jsonb, pgEnum, pgTable, real, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sourceEnum } from './enums';
import { persons } from './registry';
import { bytea } from './sources';

const createdAt = timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const linkTypeEnum = pgEnum('link_type', ['new_person', 'deterministic', 'phonetic', 'probabilistic', 'steward']);
export const reconciliationStateEnum = pgEnum('reconciliation_state', ['pending', 'running', 'merging', 'done', 'failed']);
export const reviewReasonEnum = pgEnum('review_reason', [
  /** Probabilistic score between the two thresholds. */
  'POSSIBLE_MATCH',
  /** Same document number on what look like different people (shared or mistyped document). */
  'DOCUMENT_CONFLICT',
  /** Same household and birth date, names too close to tell twins from a duplicate. */
  'POSSIBLE_TWINS',
  /** A linked person now appears in another household (a move or a household split). */
  'HOUSEHOLD_CHANGE',
  /** A linked record changed and no longer agrees with the rest of its person. */
  'LINKED_RECORD_CHANGED',
  /** An automatic merge of two existing persons held back by the circuit breaker. */
  'MERGE_HELD_BY_BREAKER',
  /** A random sample of automatic links, so stewards' verdicts measure their precision. */
  'AUTO_LINK_AUDIT',
  /** An earlier link may be wrong: a later record makes another person a better match for one linked record. */
  'RELINK_CANDIDATE',
]);
export const reviewStatusEnum = pgEnum('review_status', ['open', 'deferred', 'decided', 'stale']);
export const reviewDecisionEnum = pgEnum('review_decision', ['SAME_PERSON', 'DIFFERENT_PERSONS', 'DEFER']);
export const constraintKindEnum = pgEnum('link_constraint_kind', ['must_link', 'cannot_link']);
export const mergeKindEnum = pgEnum('merge_kind', ['automatic', 'steward']);
export const exportStateEnum = pgEnum('export_state', ['pending', 'running', 'done', 'failed']);

/** How each source record came to belong to its person: the explanation the API shows. */
export const entityLinks = pgTable(
  'entity_links',
  {
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).primaryKey(),
    linkType: linkTypeEnum('link_type').notNull(),
    /** Decision reason codes (SAME_DOCUMENT, DOCUMENT_EVOLUTION, SCORE_ABOVE_LINK_THRESHOLD...). */
    reasons: text('reasons').array().notNull(),
    /** Match probability (0–1) against the record it matched; null for a new person. */
    score: real('score'),
    matchWeight: real('match_weight'),
    /** The already-linked record this one matched. */
    matchedEntityId: bigint('matched_entity_id', { mode: 'number' }),
    modelVersion: text('model_version'),
    /** Per-field evidence: [{ field, level, weight }]. */
    contributions: jsonb('contributions'),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }),
    createdAt,
    updatedAt,
  },
  (t) => [index('entity_links_run_idx').on(t.reconciliationRunId)],
);

/**
 * Blocking index: short keys per record and rule (document number, phonetic name + birth year, ...).
 * Candidates for a new record are the linked records sharing a key; rules are data, so adding one
 * is a configuration change plus a backfill.
 *
 * Looked up by equality only, so the key has a hash index (no uniqueness: a record's keys are
 * deleted before they are written again): inserting millions of keys into a hash index costs about
 * half of a B-tree on (rule, key, record) in random key order (docs/reconciliation.md).
 */
export const entityBlockingKeys = pgTable(
  'entity_blocking_keys',
  {
    rule: smallint('rule').notNull(),
    key: text('key').notNull(),
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
  },
  (t) => [index('entity_blocking_keys_key_idx').using('hash', t.key), index('entity_blocking_keys_entity_idx').on(t.sourceEntityId)],
);

export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    state: reconciliationStateEnum('state').notNull().default('pending'),
    trigger: text('trigger').notNull(),
    /** The import that triggered it (one reconciliation per import). */
    importRunId: bigint('import_run_id', { mode: 'number' }),
    modelVersion: text('model_version'),
    settings: jsonb('settings'),
    recordsPending: integer('records_pending').notNull().default(0),
    recordsProcessed: integer('records_processed').notNull().default(0),
    pairsCompared: bigint('pairs_compared', { mode: 'number' }).notNull().default(0),
    autoLinked: integer('auto_linked').notNull().default(0),
    newPersons: integer('new_persons').notNull().default(0),
    reviewItems: integer('review_items').notNull().default(0),
    mergesProposed: integer('merges_proposed').notNull().default(0),
    mergesApplied: integer('merges_applied').notNull().default(0),
    breakerTripped: boolean('breaker_tripped').notNull().default(false),
    /** Comparisons generated per blocking rule (diagnostics). */
    blockingStats: jsonb('blocking_stats'),
    /** Wall-clock milliseconds per engine phase (training, reads, matching, writes, derivation…), for operators. */
    timings: jsonb('timings'),
    failureReason: text('failure_reason'),
    attempts: integer('attempts').notNull().default(0),
    /** The lease of the process advancing the run (as on import_runs): a run whose lease expired is advanced by nobody. */
    owner: text('owner'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    createdAt,
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt,
  },
  (t) => [uniqueIndex('reconciliation_runs_import_uq').on(t.importRunId), index('reconciliation_runs_state_idx').on(t.state, t.id)],
);

/** Fellegi–Sunter parameters estimated from the data (u from random pairs, m by EM). */
export const linkageModels = pgTable('linkage_models', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  version: text('version').notNull().unique(),
  parameters: jsonb('parameters').notNull(),
  training: jsonb('training').notNull(),
  createdAt,
});

/** Automatic merges of existing persons, applied at the end of a run only if the circuit breaker allows. */
export const mergeProposals = pgTable(
  'merge_proposals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }).notNull(),
    personAId: bigint('person_a_id', { mode: 'number' }).notNull(),
    personBId: bigint('person_b_id', { mode: 'number' }).notNull(),
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
    score: real('score'),
    explanation: jsonb('explanation'),
    status: text('status').notNull().default('proposed'),
    createdAt,
  },
  (t) => [index('merge_proposals_run_idx').on(t.reconciliationRunId, t.status)],
);

/**
 * Earlier links a run found in doubt: a record of the run matched an already-linked record of another
 * person better than that record's own person does. Evaluated at the end of the batches (moved, put to
 * a steward, or left), the moves applied under the circuit breaker with the merges.
 */
export const relinkProposals = pgTable(
  'relink_proposals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }).notNull(),
    /** The linked record that may belong elsewhere. */
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
    fromPersonId: bigint('from_person_id', { mode: 'number' }).notNull(),
    toPersonId: bigint('to_person_id', { mode: 'number' }).notNull(),
    /** The record of the run that matched it. */
    newcomerEntityId: bigint('newcomer_entity_id', { mode: 'number' }).notNull(),
    /** proposed → accepted (to move) → applied | held; or review, refused, rejected, superseded. */
    status: text('status').notNull().default('proposed'),
    /** The relink.* rule that decided (decidingRule.ts). */
    rule: text('rule'),
    explanation: jsonb('explanation'),
    createdAt,
  },
  (t) => [index('relink_proposals_run_idx').on(t.reconciliationRunId, t.status), index('relink_proposals_entity_idx').on(t.sourceEntityId)],
);

/** A record moved from one person to another (a relink): enough to put it back (`undoMove`). */
export const recordMoves = pgTable(
  'record_moves',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }).notNull(),
    fromPersonId: bigint('from_person_id', { mode: 'number' }).notNull(),
    toPersonId: bigint('to_person_id', { mode: 'number' }).notNull(),
    kind: mergeKindEnum('kind').notNull(),
    /** The record's entity_links row before the move, restored by an undo. */
    previousLink: jsonb('previous_link').notNull(),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    createdAt,
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: text('undone_by'),
    undoReason: text('undo_reason'),
  },
  (t) => [index('record_moves_entity_idx').on(t.sourceEntityId)],
);

export const reviewItems = pgTable(
  'review_items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reason: reviewReasonEnum('reason').notNull(),
    status: reviewStatusEnum('status').notNull().default('open'),
    /** The record in question (when the item is about one record). */
    sourceEntityId: bigint('source_entity_id', { mode: 'number' }),
    /** The two persons compared (a < b); b is null for single-person items. */
    personAId: bigint('person_a_id', { mode: 'number' })
      .notNull()
      .references(() => persons.id),
    personBId: bigint('person_b_id', { mode: 'number' }).references(() => persons.id),
    candidateEntityId: bigint('candidate_entity_id', { mode: 'number' }),
    householdId: bigint('household_id', { mode: 'number' }),
    score: real('score'),
    explanation: jsonb('explanation'),
    /** For queue filters and territorial scopes. */
    municipalityCode: char('municipality_code', { length: 5 }),
    departmentCode: char('department_code', { length: 2 }).generatedAlwaysAs(sql`left(municipality_code, 2)`),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true }),
    /** Person versions when the item was created: a decision on changed persons is stale. */
    personAVersion: integer('person_a_version').notNull(),
    personBVersion: integer('person_b_version'),
    version: integer('version').notNull().default(1),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt,
    updatedAt,
  },
  (t) => [
    index('review_items_status_id_idx').on(t.status, t.id),
    index('review_items_municipality_idx').on(t.municipalityCode, t.status, t.id),
    index('review_items_run_idx').on(t.reconciliationRunId),
    uniqueIndex('review_items_open_pair_uq')
      .on(t.reason, t.personAId, sql`coalesce(${t.personBId}, 0)`, sql`coalesce(${t.sourceEntityId}, 0)`)
      .where(sql`${t.status} in ('open', 'deferred')`),
  ],
);

export const reviewDecisions = pgTable(
  'review_decisions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reviewItemId: bigint('review_item_id', { mode: 'number' })
      .notNull()
      .references(() => reviewItems.id),
    decision: reviewDecisionEnum('decision').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    mergeId: bigint('merge_id', { mode: 'number' }),
    createdAt,
  },
  (t) => [index('review_decisions_item_idx').on(t.reviewItemId)],
);

/** Steward decisions pinned at record level, honoured by every later run whatever the model says. */
export const linkConstraints = pgTable(
  'link_constraints',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: constraintKindEnum('kind').notNull(),
    /** Ordered pair: entity_a_id < entity_b_id. */
    entityAId: bigint('entity_a_id', { mode: 'number' }).notNull(),
    entityBId: bigint('entity_b_id', { mode: 'number' }).notNull(),
    decisionId: bigint('decision_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    createdAt,
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('link_constraints_active_uq')
      .on(t.kind, t.entityAId, t.entityBId)
      .where(sql`${t.revokedAt} is null`),
    index('link_constraints_b_idx').on(t.entityBId),
  ],
);

/** Merges never delete: the merged person stays as a redirect; `unmerge` restores it from this row. */
export const personMerges = pgTable(
  'person_merges',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    survivorId: bigint('survivor_id', { mode: 'number' })
      .notNull()
      .references(() => persons.id),
    mergedId: bigint('merged_id', { mode: 'number' })
      .notNull()
      .references(() => persons.id),
    kind: mergeKindEnum('kind').notNull(),
    /** Records moved from the merged person to the survivor. */
    movedEntityIds: bigint('moved_entity_ids', { mode: 'number' }).array().notNull(),
    /** Persons that redirected to the merged one and now redirect to the survivor. */
    redirectedPersonIds: bigint('redirected_person_ids', { mode: 'number' }).array().notNull(),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }),
    decisionId: bigint('decision_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    createdAt,
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: text('undone_by'),
    undoReason: text('undo_reason'),
  },
  (t) => [index('person_merges_survivor_idx').on(t.survivorId), index('person_merges_merged_idx').on(t.mergedId)],
);

/**
 * Append-only audit log (decisions, merges, unmerges, reads of full identifiers, client changes).
 * A trigger rejects UPDATE and DELETE whatever the role; see migration 0005. Tamper-evident: a
 * trigger (the last BEFORE INSERT one) chains every row to the previous under the lock of
 * `audit_chain_head`: `chain_hash` = SHA-256 of the previous row's hash and the row's canonical
 * content, `chain_position` its place in the chain (ids come from a sequence before the lock, so
 * they need not follow commit order). `juntos-hub audit verify` walks it.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    personId: bigint('person_id', { mode: 'number' }),
    field: text('field'),
    requestId: text('request_id'),
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    /** Set by the chain trigger, never by writers. */
    chainPosition: bigint('chain_position', { mode: 'number' }),
    chainHash: bytea('chain_hash'),
  },
  (t) => [
    index('audit_events_actor_time_idx').on(t.actor, t.occurredAt),
    index('audit_events_person_idx').on(t.personId, t.occurredAt),
    uniqueIndex('audit_events_chain_position_uq').on(t.chainPosition),
  ],
);

/**
 * The end of the audit chain (one row): the position and hash of the last chained event. Its row
 * lock serializes the chain trigger, so concurrent writers extend one chain; only the trigger (a
 * SECURITY DEFINER function of the owner) writes it.
 */
export const auditChainHead = pgTable(
  'audit_chain_head',
  {
    id: smallint('id').primaryKey().default(1),
    position: bigint('position', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [check('audit_chain_head_one_row', sql`${t.id} = 1`)],
);

export const linksExports = pgTable('links_exports', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  state: exportStateEnum('state').notNull().default('pending'),
  source: sourceEnum('source'),
  fileName: text('file_name'),
  rows: integer('rows').notNull().default(0),
  requestedBy: text('requested_by').notNull(),
  failureReason: text('failure_reason'),
  createdAt,
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
