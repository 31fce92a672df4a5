import { type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import * as schema from '../../../schema';
import type { Logger } from '../logger';
import type { Database, Orm } from './types';
import { MIGRATIONS_FOLDER, MIGRATION_LOCK_KEY } from './migrations';
import { MigrationsPendingError } from './roles';

export interface PostgresOptions {
  url: string;
  poolMax?: number;
  logger?: Logger;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

/** A COPY … TO STDOUT stream's chunks, read in flowing mode (never pausing the socket). */
async function* readAll(stream: NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let done = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (c: Uint8Array) => {
    queue.push(c);
    notify();
  });
  stream.on('end', () => {
    done = true;
    notify();
  });
  stream.on('error', (e) => {
    failure = e;
    done = true;
    notify();
  });
  for (;;) {
    // What arrived since the last wake-up, as one piece: a binary COPY sends every row as a message of
    // its own (~60 bytes for a key → digest row), and a piece per row cost more than its parsing.
    if (queue.length) yield queue.length === 1 ? queue.pop()! : Buffer.concat(queue.splice(0));
    if (queue.length) continue;
    if (failure) throw failure;
    if (done) return;
    await new Promise<void>((r) => (wake = r));
  }
}

export function createPostgresDatabase(opts: PostgresOptions): Database & { client: postgres.Sql } {
  const client = postgres(opts.url, {
    max: opts.poolMax ?? 10,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? 'juntos-hub' },
    transform: { undefined: null },
  });
  const stats = { queries: 0 };
  const orm = drizzle(client, {
    schema,
    logger: { logQuery: () => void stats.queries++ },
  }) as unknown as Orm;

  return {
    kind: 'postgres',
    orm,
    client,
    stats,
    async rows<T>(query: SQL, on: Orm = orm): Promise<T[]> {
      const res = (await on.execute(query)) as unknown as T[];
      return Array.from(res);
    },
    async copyFrom(table, columns, data) {
      const cols = columns.map((c) => `"${c}"`).join(', ');
      // On a reserved connection, followed by a query on it: the stream finishes at the COPY's
      // CommandComplete, but its implicit transaction commits only at the Sync after it, so a
      // statement sent at once on another pooled connection could miss the rows. The trailing
      // query is answered after that commit.
      const conn = await client.reserve();
      try {
        await copyInto(conn, table, cols, data);
        await conn`select 1`;
      } finally {
        conn.release();
      }
    },
    async *copyTo(query, options) {
      // A connection of its own, closed afterwards: postgres.js pauses its socket when a COPY
      // stream's buffer is full, and if the end of the COPY arrives meanwhile the connection stays
      // paused for good (porsager/postgres#499, #1016) — a pooled one would hang every later query
      // sent on it. The stream is also read in flowing mode (chunks queued here), so it rarely pauses.
      const own = postgres(opts.url, { max: 1, onnotice: () => {}, connection: { application_name: opts.applicationName ?? 'juntos-hub' } });
      try {
        yield* readAll(await own.unsafe(`COPY (${query}) TO STDOUT${options ? ` (${options})` : ''}`).readable());
      } finally {
        await own.end({ timeout: 0 });
      }
    },
    async listen(channel, onNotify, onListen) {
      // postgres.js keeps one extra connection for LISTEN and re-subscribes (calling onListen) after a reconnect.
      const sub = await client.listen(channel, onNotify, onListen);
      return { unlisten: () => sub.unlisten() };
    },
    async migrate() {
      // Several instances starting at once must not apply the same migration twice.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
        reserved.release();
      }
    },
    async migrateIfNeeded() {
      // Checked without DDL: a runtime role must not even try CREATE SCHEMA (it has no right to).
      const [state] = await client<{ last: string | null; tracked: boolean; can: boolean; me: string }[]>`
        select to_regclass('drizzle.__drizzle_migrations') is not null as tracked, current_user as me,
          case when n.oid is null then has_database_privilege(current_database(), 'CREATE') else pg_has_role(n.nspowner, 'MEMBER') end as can,
          null::text as last
        from (select 1) x left join pg_namespace n on n.nspname = 'drizzle'`;
      let last = -Infinity;
      if (state.tracked) {
        const [row] = await client<{ at: string | null }[]>`select max(created_at)::text as at from drizzle.__drizzle_migrations`;
        if (row.at !== null) last = Number(row.at);
      }
      const pending = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).filter((m) => m.folderMillis > last).length;
      if (!pending) return;
      if (!state.can) throw new MigrationsPendingError(pending, state.me);
      await this.migrate();
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** Streams `data` into `table` with COPY … FROM STDIN on `conn`; resolves at the COPY's CommandComplete. */
async function copyInto(conn: postgres.ReservedSql, table: string, cols: string, data: AsyncIterable<string | Uint8Array>): Promise<void> {
  const stream = await conn.unsafe(`COPY ${table} (${cols}) FROM STDIN`).writable();
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    };
    stream.on('error', fail);
    stream.on('finish', () => !failed && resolve());
    (async () => {
      for await (const chunk of data) {
        if (failed) return;
        if (!stream.write(chunk)) {
          // Listen for 'error' while waiting: a rejected row would otherwise hang here forever.
          await new Promise<void>((res) => {
            const done = () => {
              stream.off('drain', done);
              stream.off('error', done);
              res();
            };
            stream.on('drain', done);
            stream.on('error', done);
          });
        }
      }
      stream.end();
    })().catch((e) => {
      stream.destroy(e as Error);
      fail(e);
    });
  });
}
