import { join } from 'node:path';
import postgres from 'postgres';
import { grantRuntimeRole } from './roles';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createPostgresDatabase } from './postgres';
import type { Database } from './types';

export type { Database, Orm } from './types';
export { AuditWriter, type AuditEntry } from './auditWriter';
export { analyzeStaleSql } from './analyze';
export { MigrationsPendingError, grantRuntimeRole, runtimeGrants } from './roles';

/**
 * With DATABASE_OWNER_URL: applies pending migrations as the owner and refreshes the runtime role's
 * grants (the role of DATABASE_URL), then closes the owner's connection.
 */
export async function migrateAsOwner(config: Config, logger?: Logger): Promise<void> {
  if (!config.DATABASE_OWNER_URL || !config.DATABASE_URL) return;
  const runtime = postgres(config.DATABASE_URL, { max: 1, onnotice: () => {} });
  let role: string;
  try {
    [{ role }] = await runtime<{ role: string }[]>`select current_user as role`;
  } finally {
    await runtime.end({ timeout: 5 });
  }
  const owner = createPostgresDatabase({ url: config.DATABASE_OWNER_URL, poolMax: 2, logger, applicationName: 'juntos-hub migrate' });
  try {
    await owner.migrate();
    await grantRuntimeRole(owner.client, role);
  } finally {
    await owner.close();
  }
}

/** PostgreSQL when DATABASE_URL is set (production path), otherwise embedded PGlite under DATA_DIR. */
export async function openDatabase(config: Config, logger?: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    return createPostgresDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger });
  }
  // Loaded only here: PGlite's module alone is ~40 MB of RSS in every process that never embeds it (an importing
  // worker's base memory, docs/imports.md).
  const { createPgliteDatabase } = await import('./pglite');
  return createPgliteDatabase(join(config.DATA_DIR, 'pglite'));
}
