import { join } from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createPgliteDatabase } from './pglite';
import { createPostgresDatabase } from './postgres';
import type { Database } from './types';

export type { Database, Orm } from './types';
export { AuditWriter, type AuditEntry } from './auditWriter';

/** PostgreSQL when DATABASE_URL is set (production path), otherwise embedded PGlite under DATA_DIR. */
export async function openDatabase(config: Config, logger?: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    return createPostgresDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger });
  }
  return createPgliteDatabase(join(config.DATA_DIR, 'pglite'));
}
