import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { recordStatusEnum } from './enums';
import { persons } from './registry';

const createdAt = timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** pending (job not started) → running → done | failed. */
export const cruceStateEnum = pgEnum('cruce_state', ['pending', 'running', 'done', 'failed']);

/**
 * One cruce: an agency's list answered against the registry. The row holds counters and where the
 * answer files are, never a name or a document (those stay in the input file and the answer files,
 * under the data directory with owner-only permissions).
 */
export const cruceRuns = pgTable(
  'cruce_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    publicId: uuid('public_id')
      .notNull()
      .default(sql`juntos_uuid_v7()`),
    state: cruceStateEnum('state').notNull().default('pending'),
    /** file (startCruce), cli, rows (matchPersons). */
    origin: text('origin').notNull(),
    /** Agency code (lower-case slug): the delivered services are kept as source `cruce:<agency>`. */
    agency: text('agency').notNull(),
    purpose: text('purpose'),
    /** Audit actor (`client:<publicId>`, `cli:<user>`). */
    requestedBy: text('requested_by').notNull(),
    clientId: bigint('client_id', { mode: 'number' }),
    /** Role and territory the answer was computed for (what it may disclose). */
    role: text('role').notNull(),
    scope: jsonb('scope'),
    /** The file: inbox-relative path for startCruce, absolute for the CLI; null for matchPersons. */
    inputPath: text('input_path'),
    fileName: text('file_name'),
    fileSha256: text('file_sha256'),
    encoding: text('encoding'),
    delimiter: text('delimiter'),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsProcessed: integer('rows_processed').notNull().default(0),
    rowsDocument: integer('rows_document').notNull().default(0),
    rowsPhonetic: integer('rows_phonetic').notNull().default(0),
    rowsUnmatched: integer('rows_unmatched').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    rowsAmbiguous: integer('rows_ambiguous').notNull().default(0),
    servicesRecorded: integer('services_recorded').notNull().default(0),
    /** Answer files, relative to the cruce directory (DATA_DIR/cruce). */
    outputCsv: text('output_csv'),
    outputXlsx: text('output_xlsx'),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    attempts: integer('attempts').notNull().default(0),
    createdAt,
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt,
  },
  (t) => [
    uniqueIndex('cruce_runs_public_id_uq').on(t.publicId),
    index('cruce_runs_state_idx').on(t.state, t.id),
    index('cruce_runs_client_idx').on(t.clientId, t.id),
  ],
);

/**
 * Services an agency reported delivering to a person (the service columns of matched cruce rows):
 * facts with provenance (agency, client, run, line). Snapshot semantics per agency and programme:
 * a file cruce is the agency's current list for each programme it names, so the programme's services
 * it no longer lists become `vanished` (kept, never deleted).
 */
export const deliveredServices = pgTable(
  'delivered_services',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => persons.id),
    agency: text('agency').notNull(),
    program: text('program').notNull(),
    entity: text('entity'),
    logro: text('logro'),
    /** Logro Básico number (1–45) when the agency named one. */
    logroId: smallint('logro_id'),
    attentionDate: date('attention_date', { mode: 'string' }),
    state: text('state'),
    /** Identity of the service within (agency, programme, person): entity, logro and attention date. */
    serviceKey: text('service_key').notNull(),
    status: recordStatusEnum('status').notNull().default('active'),
    clientId: bigint('client_id', { mode: 'number' }),
    /** Provenance: the run and line that first reported it, and the last run that did. */
    firstRunId: bigint('first_run_id', { mode: 'number' }).notNull(),
    firstLine: integer('first_line').notNull(),
    lastRunId: bigint('last_run_id', { mode: 'number' }).notNull(),
    lastLine: integer('last_line').notNull(),
    createdAt,
    updatedAt,
  },
  (t) => [
    uniqueIndex('delivered_services_key_uq').on(t.agency, t.program, t.personId, t.serviceKey),
    index('delivered_services_person_idx').on(t.personId),
    index('delivered_services_program_idx').on(t.agency, t.program, t.lastRunId),
  ],
);
