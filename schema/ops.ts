import { bigint, char, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sourceEnum } from './enums';
import { importRuns } from './imports';

/**
 * What the inbox scanner has already seen: a file whose path, size and modification time are
 * unchanged is not hashed again. The run it became (or the existing run with the same bytes) is
 * kept for the operator. Input files themselves are never moved, modified or deleted.
 */
export const inboxFiles = pgTable(
  'inbox_files',
  {
    path: text('path').primaryKey(),
    source: sourceEnum('source').notNull(),
    fileBytes: bigint('file_bytes', { mode: 'number' }).notNull(),
    mtimeMs: bigint('mtime_ms', { mode: 'number' }).notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    importRunId: bigint('import_run_id', { mode: 'number' }).references(() => importRuns.id),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inbox_files_run_idx').on(t.importRunId)],
);
