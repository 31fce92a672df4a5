import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type * as schema from '../../../schema';

/** The drizzle handle repositories build queries with (a database or a transaction). */
export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly orm: Orm;
  /** Raw SQL returning rows, identical on both drivers. */
  rows<T = Record<string, unknown>>(query: SQL, orm?: Orm): Promise<T[]>;
  /**
   * Bulk-loads text-format COPY data (tab-separated, `\N` for null, one row per line) into a table.
   * Chunks of the iterable (strings, or UTF-8 bytes) must end on row boundaries and should be large
   * (~1 MiB) for throughput.
   */
  copyFrom(table: string, columns: readonly string[], data: AsyncIterable<string | Uint8Array>): Promise<void>;
  /**
   * Streams the output of `COPY (query) TO STDOUT (options)` (one statement: one snapshot). The query
   * takes no parameters: callers inline only values they validated.
   */
  copyTo(query: string, options?: string): AsyncIterable<Uint8Array>;
  /**
   * Subscribes to a PostgreSQL notification channel (LISTEN). `onListen` runs each time the
   * subscription is (re)established: what was notified while it was down is lost, so a caller that
   * caches resynchronizes there.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<{ unlisten(): Promise<void> }>;
  /** Applies pending migrations (serialized across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /**
   * Applies pending migrations if there are any and this role may (owner of the migrations'
   * schema); throws MigrationsPendingError (one line: what to run) when it may not. Nothing
   * pending: no DDL at all, so a runtime role starts.
   */
  migrateIfNeeded(): Promise<void>;
  /** Queries issued through drizzle since creation (tests count them). */
  readonly stats: { queries: number };
  close(): Promise<void>;
}
