import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as schema from '../../../schema';
import type { Database, Orm } from './types';
import { MIGRATIONS_FOLDER } from './migrations';
import { lockDataDir } from './dataDirLock';

/**
 * Embedded PostgreSQL (WASM) for the zero-setup default: same schema, same migrations, same queries.
 * `dataDir` undefined = in memory (tests); otherwise a directory kept between runs.
 */
export async function createPgliteDatabase(dataDir?: string): Promise<Database & { client: PGlite }> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir);
  } catch (e) {
    release();
    throw e;
  }
  const stats = { queries: 0 };
  const orm = drizzle(client, { schema, logger: { logQuery: () => void stats.queries++ } }) as unknown as Orm;

  return {
    kind: 'pglite',
    orm,
    client,
    stats,
    async rows<T>(query: SQL, on: Orm = orm): Promise<T[]> {
      const res = (await on.execute(query)) as unknown as { rows: T[] };
      return res.rows;
    },
    async copyFrom(table, columns, data) {
      // PGlite reads COPY input from a virtual file: send bounded blobs so memory stays flat.
      const cols = columns.map((c) => `"${c}"`).join(', ');
      let parts: (string | Uint8Array)[] = [];
      let size = 0;
      const flush = async () => {
        if (size === 0) return;
        await client.query(`COPY ${table} (${cols}) FROM '/dev/blob'`, [], { blob: new Blob(parts) });
        parts = [];
        size = 0;
      };
      for await (const chunk of data) {
        // Chunks end on row boundaries, so any boundary is a safe place to cut.
        parts.push(chunk);
        size += chunk.length;
        if (size >= 8 * 1024 * 1024) await flush();
      }
      await flush();
    },
    async *copyTo(query, options) {
      // PGlite writes COPY output to a virtual file: the whole output comes back as one blob.
      const res = await client.query(`COPY (${query}) TO '/dev/blob'${options ? ` (${options})` : ''}`);
      if (res.blob) yield new Uint8Array(await res.blob.arrayBuffer());
    },
    async listen(channel, onNotify, onListen) {
      const unlisten = await client.listen(channel, onNotify);
      onListen?.();
      return { unlisten };
    },
    async migrate() {
      // One process owns an embedded database, so no cross-process lock is needed.
      await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async migrateIfNeeded() {
      // One role, the owner: it always may.
      await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async close() {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
