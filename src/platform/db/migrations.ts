import { fileURLToPath } from 'node:url';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** pg_advisory_lock key serializing migrations across processes ("juntos" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x6a756e746f73;
