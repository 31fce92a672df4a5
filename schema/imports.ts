import { sql } from 'drizzle-orm';
import { bigint, char, doublePrecision, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { importStateEnum, issueSeverityEnum, sourceEnum } from './enums';

/**
 * The archive of received files: one row per file kept in ARCHIVE_DIR (content-addressed by its
 * SHA-256, src/archive). The archived file is the provenance of its records' raw lines: a source
 * record stores where its line is (run, line, byte offset and length), not a copy.
 */
export const archiveFiles = pgTable('archive_files', {
  sha256: char('sha256', { length: 64 }).primaryKey(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  /** Last time `juntos-hub archive verify` found the file intact. */
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
});

/**
 * An import run is a durable state machine: PostgreSQL holds its state and counters; Redis only
 * delivers the job that advances it. The SHA-256 of the file bytes and the source are unique among
 * runs that did not fail, so re-submitting the same file (even concurrently) finds the existing run
 * instead of creating a second one, while a failed run (a wrong --source, a limit too strict) never
 * blocks its bytes: they can be submitted again with another source or other limits.
 */
export const importRuns = pgTable(
  'import_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: sourceEnum('source').notNull(),
    fileName: text('file_name').notNull(),
    filePath: text('file_path').notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
    encoding: text('encoding'),
    state: importStateEnum('state').notNull().default('received'),
    /** The previous accepted snapshot of the same source this run was diffed against. */
    previousRunId: bigint('previous_run_id', { mode: 'number' }),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsLoaded: integer('rows_loaded').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    rowsWithWarnings: integer('rows_with_warnings').notNull().default(0),
    added: integer('added').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    disappeared: integer('disappeared').notNull().default(0),
    chunksTotal: integer('chunks_total').notNull().default(0),
    chunksDone: integer('chunks_done').notNull().default(0),
    errorRate: real('error_rate'),
    /** Machine code of a file-level failure (WRONG_COLUMN_COUNT, ERROR_RATE_EXCEEDED, UNDECODABLE...). */
    failureCode: text('failure_code'),
    /** Operator-facing reason; never contains personal data. */
    failureReason: text('failure_reason'),
    /** Row-error counts by code and field, for the run summary. */
    errorSummary: jsonb('error_summary'),
    /** The nightly summary (rows, errors, diff counts, links, review items). */
    summary: jsonb('summary'),
    attempts: integer('attempts').notNull().default(0),
    requestedBy: text('requested_by'),
    /**
     * The run's own limits (options of the run, not of the process that applies it): set at
     * submission from the caller's flags or arguments, else from the submitting process' settings.
     * Null only for runs from before these columns (the applying process' settings then).
     */
    maxErrorRate: doublePrecision('max_error_rate'),
    maxDisappearedRate: doublePrecision('max_disappeared_rate'),
    /**
     * The lease of the process advancing the run: who (a process id, no personal data), its last
     * heartbeat, and until when its claim holds. A run whose lease expired is advanced by nobody.
     */
    owner: text('owner'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    stagedAt: timestamp('staged_at', { withTimezone: true }),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('import_runs_live_sha256_source_uq')
      .on(t.sha256, t.source)
      .where(sql`${t.state} <> 'failed'`),
    index('import_runs_sha256_idx').on(t.sha256),
    index('import_runs_source_state_idx').on(t.source, t.state, t.id),
  ],
);

export const importRowErrors = pgTable(
  'import_row_errors',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    importRunId: bigint('import_run_id', { mode: 'number' })
      .notNull()
      .references(() => importRuns.id),
    line: integer('line').notNull(),
    field: text('field').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    severity: issueSeverityEnum('severity').notNull(),
  },
  (t) => [index('import_row_errors_run_line_idx').on(t.importRunId, t.line, t.id)],
);

/** Apply progress: a chunk and its done-mark commit in one transaction, so a resumed run skips it. */
export const importChunks = pgTable(
  'import_chunks',
  {
    importRunId: bigint('import_run_id', { mode: 'number' })
      .notNull()
      .references(() => importRuns.id),
    chunkNo: integer('chunk_no').notNull(),
    added: integer('added').notNull(),
    changed: integer('changed').notNull(),
    unchanged: integer('unchanged').notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.importRunId, t.chunkNo] })],
);
