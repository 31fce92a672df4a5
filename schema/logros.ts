import { sql } from 'drizzle-orm';
import { bigint, boolean, char, index, integer, jsonb, pgEnum, pgTable, primaryKey, smallint, text, timestamp, date } from 'drizzle-orm/pg-core';
import { affiliationStateEnum } from './enums';
import { exportStateEnum } from './reconciliation';

/**
 * The outcome layer (src/logros): the state of each Logro Básico per person and per household, the
 * runs that computed them, every state change (history) and the aggregates the territorial report
 * reads. States are decided by versioned rule sets (`logro_rule_sets`), computed set-based in SQL.
 */

/** ALCANZADO / POR ALCANZAR / NO APLICA / SIN DATO (Estrategia UNIDOS, plus "no data" for what the registries cannot tell). */
export const logroStateEnum = pgEnum('logro_state', ['ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA', 'SIN_DATO']);
export const logroRunStateEnum = pgEnum('logro_run_state', ['pending', 'running', 'done', 'failed']);

const createdAt = timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Rule sets are data with a version (like linkage models): every state names the version that decided it. */
export const logroRuleSets = pgTable('logro_rule_sets', {
  version: text('version').primaryKey(),
  description: text('description').notNull(),
  /** The parameters of each rule (ages, accepted documents, reaching affiliation states…). */
  rules: jsonb('rules').notNull(),
  createdAt,
});

/** One computation of logros: after a reconciliation run (incremental) or from scratch (first run, rule change, operator). */
export const logroRuns = pgTable(
  'logro_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    state: logroRunStateEnum('state').notNull().default('pending'),
    /** reconciliation | import (Sisbén IV hogares cut) | rules | manual */
    trigger: text('trigger').notNull(),
    reconciliationRunId: bigint('reconciliation_run_id', { mode: 'number' }),
    /** Or the import of a table source (Sisbén IV hogares/viviendas) whose households changed. */
    importRunId: bigint('import_run_id', { mode: 'number' }),
    /** full: every person and household; incremental: what the reconciliation run touched. Decided when the run starts. */
    mode: text('mode'),
    ruleVersion: text('rule_version'),
    /** The date ages are computed at. */
    asOf: date('as_of', { mode: 'string' }),
    /** Which sources the hub held a snapshot of: when it changes, absences mean something else and the run is full. */
    coverage: jsonb('coverage'),
    personsEvaluated: integer('persons_evaluated').notNull().default(0),
    householdsEvaluated: integer('households_evaluated').notNull().default(0),
    /** State changes written to history (persons + households). */
    changes: integer('changes').notNull().default(0),
    timings: jsonb('timings'),
    failureReason: text('failure_reason'),
    attempts: integer('attempts').notNull().default(0),
    createdAt,
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('logro_runs_state_idx').on(t.state, t.id), index('logro_runs_reconciliation_idx').on(t.reconciliationRunId)],
);

/**
 * The current state of each logro of each active person. Facets (territory, Sisbén group, displaced,
 * health state) are copied at evaluation so the aggregates are a plain GROUP BY of this table.
 */
export const personLogros = pgTable(
  'person_logros',
  {
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    logro: smallint('logro').notNull(),
    state: logroStateEnum('state').notNull(),
    /** Stable code of why (DOCUMENT_FOR_AGE, NO_DOCUMENT, SISBEN_DIFFERS, …). */
    reason: text('reason').notNull(),
    /** Field names behind the reason (LB 3: which Sisbén fields differ); never values. */
    details: text('details').array(),
    /** The source record that decided the state. */
    evidenceRecordId: bigint('evidence_record_id', { mode: 'number' }),
    /** Habitability logros: the `sisben_hogares` version (dwelling record) that decided the state. */
    evidenceDwellingId: bigint('evidence_dwelling_id', { mode: 'number' }),
    ruleVersion: text('rule_version').notNull(),
    /** The run that set the current state (unchanged by later runs that confirm it). */
    decidedRunId: bigint('decided_run_id', { mode: 'number' }).notNull(),
    evaluatedRunId: bigint('evaluated_run_id', { mode: 'number' }).notNull(),
    municipalityCode: char('municipality_code', { length: 5 }),
    sisbenGroup: char('sisben_group', { length: 1 }),
    displaced: boolean('displaced').notNull(),
    healthState: affiliationStateEnum('health_state'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.logro] })],
);

/** The household's state: every member to whom the logro applies has reached it (habitability: the dwelling's own state). */
export const householdLogros = pgTable(
  'household_logros',
  {
    householdId: bigint('household_id', { mode: 'number' }).notNull(),
    logro: smallint('logro').notNull(),
    state: logroStateEnum('state').notNull(),
    reason: text('reason').notNull(),
    details: text('details').array(),
    evidenceRecordId: bigint('evidence_record_id', { mode: 'number' }),
    evidenceDwellingId: bigint('evidence_dwelling_id', { mode: 'number' }),
    membersApplicable: integer('members_applicable').notNull().default(0),
    membersReached: integer('members_reached').notNull().default(0),
    membersPending: integer('members_pending').notNull().default(0),
    membersWithoutData: integer('members_without_data').notNull().default(0),
    ruleVersion: text('rule_version').notNull(),
    decidedRunId: bigint('decided_run_id', { mode: 'number' }).notNull(),
    evaluatedRunId: bigint('evaluated_run_id', { mode: 'number' }).notNull(),
    municipalityCode: char('municipality_code', { length: 5 }).notNull(),
    sisbenGroup: char('sisben_group', { length: 1 }),
    displaced: boolean('displaced').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The municipality's code under the C collation: the database's (C.UTF-8 here, a locale elsewhere)
  // compares each pair through strcoll, and this index is built again by every full run (2,600,000
  // keys at 1,000,000 persons: 4.3 s against 2.9 s). The exports' queries name the same expression.
  (t) => [
    primaryKey({ columns: [t.householdId, t.logro] }),
    index('household_logros_municipality_idx').on(sql`(${t.municipalityCode} collate "C")`, t.logro, t.state),
  ],
);

const historyColumns = {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  logro: smallint('logro').notNull(),
  /** null: the first state the hub computed. */
  previousState: logroStateEnum('previous_state'),
  state: logroStateEnum('state').notNull(),
  reason: text('reason').notNull(),
  evidenceRecordId: bigint('evidence_record_id', { mode: 'number' }),
  evidenceDwellingId: bigint('evidence_dwelling_id', { mode: 'number' }),
  ruleVersion: text('rule_version').notNull(),
  logroRunId: bigint('logro_run_id', { mode: 'number' }).notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
};

/** Every state change of a person's logro, with the run that caused it (append-only). */
export const personLogroHistory = pgTable('person_logro_history', { ...historyColumns, personId: bigint('person_id', { mode: 'number' }).notNull() }, (t) => [
  index('person_logro_history_person_idx').on(t.personId, t.logro),
]);

export const householdLogroHistory = pgTable(
  'household_logro_history',
  { ...historyColumns, householdId: bigint('household_id', { mode: 'number' }).notNull() },
  (t) => [index('household_logro_history_household_idx').on(t.householdId, t.logro)],
);

/**
 * Maintained aggregates, kept by deltas (old row −1, new row +1) for what a run touched, so the report
 * never scans the state tables. Absent values are stored as '' to keep one primary key (no NULLs).
 */
export const personLogroCounts = pgTable(
  'person_logro_counts',
  {
    municipalityCode: text('municipality_code').notNull(),
    logro: smallint('logro').notNull(),
    state: logroStateEnum('state').notNull(),
    sisbenGroup: text('sisben_group').notNull(),
    displaced: boolean('displaced').notNull(),
    healthState: text('health_state').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityCode, t.logro, t.state, t.sisbenGroup, t.displaced, t.healthState] })],
);

/** Households per municipality × logro × state × Sisbén group × displaced: the territorial report's demand. */
export const householdLogroCounts = pgTable(
  'household_logro_counts',
  {
    municipalityCode: text('municipality_code').notNull(),
    logro: smallint('logro').notNull(),
    state: logroStateEnum('state').notNull(),
    sisbenGroup: text('sisben_group').notNull(),
    displaced: boolean('displaced').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityCode, t.logro, t.state, t.sisbenGroup, t.displaced] })],
);

/**
 * The territorial report's lines per municipality × logro (households POR ALCANZAR, ALCANZADO, SIN
 * DATO, the demand by Sisbén group and displaced), re-derived from household_logro_counts for the
 * municipalities a run touched: the report reads ~10k rows instead of grouping every cell.
 */
export const householdLogroReport = pgTable(
  'household_logro_report',
  {
    municipalityCode: text('municipality_code').notNull(),
    logro: smallint('logro').notNull(),
    demand: integer('demand').notNull(),
    reached: integer('reached').notNull(),
    withoutData: integer('without_data').notNull(),
    demandA: integer('demand_a').notNull(),
    demandB: integer('demand_b').notNull(),
    demandC: integer('demand_c').notNull(),
    demandD: integer('demand_d').notNull(),
    demandNoGroup: integer('demand_no_group').notNull(),
    demandDisplaced: integer('demand_displaced').notNull(),
  },
  (t) => [primaryKey({ columns: [t.municipalityCode, t.logro] })],
);

/** Exports of the outcome layer (territorial report, households POR ALCANZAR): state rows with progress; the job writes the file. */
export const logroExports = pgTable(
  'logro_exports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** territorial_report | pending_households */
    kind: text('kind').notNull(),
    /** csv | xlsx */
    format: text('format').notNull(),
    /** What was asked, with the requester's role and scope at request time (the file follows them). */
    params: jsonb('params').notNull(),
    state: exportStateEnum('state').notNull().default('pending'),
    rowsTotal: integer('rows_total'),
    rowsDone: integer('rows_done').notNull().default(0),
    fileName: text('file_name'),
    requestedBy: text('requested_by').notNull(),
    failureReason: text('failure_reason'),
    createdAt,
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('logro_exports_state_idx').on(t.state, t.id)],
);
