import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import type { Database } from '../../src/platform/db';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_OWNER_ROLE, TEST_PG_ADMIN_URL, TEST_RUNTIME_ROLE, databaseUrl } from './env';

export interface TestDatabase {
  /** The hub's connection: the runtime role (TEST_RUNTIME_ROLE), as deployed. */
  db: Database & { client: postgres.Sql };
  /** The runtime role's URL (what a hub or CLI under test gets as DATABASE_URL). */
  url: string;
  /** The owner role's URL (DATABASE_OWNER_URL: migrations). */
  ownerUrl: string;
  /** A connection as the tables' owner, for what a test does that the hub may not (DDL, fault triggers, rewrites); opened on first use. */
  owner(): Database & { client: postgres.Sql };
  name: string;
  drop(): Promise<void>;
}

/** A private, migrated PostgreSQL database for one test file (cloned from the template), used by the hub as the runtime role. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  try {
    // Cloning needs the template to have no other session; retry briefly if another file is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}" owner "${TEST_OWNER_ROLE}"`);
        break;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name, TEST_RUNTIME_ROLE);
  const ownerUrl = databaseUrl(name, TEST_OWNER_ROLE);
  const db = createPostgresDatabase({ url, poolMax: 5 });
  let owner: (Database & { client: postgres.Sql }) | undefined;
  return {
    db,
    url,
    ownerUrl,
    owner: () => (owner ??= createPostgresDatabase({ url: ownerUrl, poolMax: 2 })),
    name,
    async drop() {
      await db.close();
      await owner?.close();
      const a = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
