import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_FOLDER } from '../../src/platform/db/migrations';

/** Where the test suite finds the local services (the machine runs both; `.ci/run` starts them if needed). */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_DB_PREFIX = 'juntos_t_';
/**
 * The archive of received files the tests share (content-addressed, so sharing is safe), outside the
 * repository; a test about the archive itself gives its hub a directory of its own.
 */
export const TEST_ARCHIVE_DIR = process.env.TEST_ARCHIVE_DIR ?? join(tmpdir(), 'juntos-test-archive');
export const TEMPLATE_PREFIX = 'juntos_tpl_';

/** The template is named after the migrations it holds, so concurrent runs share it and a change rebuilds it. */
export const TEMPLATE_DB = (() => {
  // Templates are owned by TEST_OWNER_ROLE with the runtime grants of roles.ts: a change of either rebuilds them.
  const h = createHash('sha1').update(readFileSync(fileURLToPath(new URL('../../src/platform/db/roles.ts', import.meta.url))));
  for (const f of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    h.update(f).update(readFileSync(join(MIGRATIONS_FOLDER, f)));
  }
  return `${TEMPLATE_PREFIX}${h.digest('hex').slice(0, 12)}`;
})();

/**
 * The roles the tests run the hub under, as docs/security.md says to deploy it: the owner applies
 * the migrations (and owns every table), the runtime role is what the hub connects as. Created by
 * the global setup (idempotently; roles are shared by every checkout testing on this PostgreSQL).
 */
export const TEST_OWNER_ROLE = 'juntos_test_owner';
export const TEST_RUNTIME_ROLE = 'juntos_test_app';

/** A database's URL as the admin (superuser), or as `role` (trust authentication: no password). */
export function databaseUrl(name: string, role?: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  if (role) {
    u.username = role;
    u.password = '';
  }
  return u.toString();
}
