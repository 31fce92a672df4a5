import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import type { Database } from '../../src/platform/db';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_PG_ADMIN_URL, databaseUrl } from './env';

export interface TestDatabase {
  db: Database & { client: postgres.Sql };
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A private, migrated PostgreSQL database for one test file (cloned from the template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  try {
    // Cloning needs the template to have no other session; retry briefly if another file is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}"`);
        break;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const db = createPostgresDatabase({ url, poolMax: 5 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.close();
      const a = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
