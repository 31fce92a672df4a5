import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Command } from 'commander';
import { MIGRATIONS_FOLDER } from '../../platform/db/migrations';
import type { Database } from '../../platform/db';
import { DataDirLockedError } from '../../platform/db/dataDirLock';
import { CliError, cliLogger, loadCliConfig } from '../runtime';
import { t } from '../i18n';

/** How many migrations the database records as applied (drizzle's own table; none before the first). */
async function appliedCount(db: Database): Promise<number> {
  const [exists] = await db.rows<{ ok: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists?.ok) return 0;
  const [r] = await db.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return r.n;
}

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description(t('help.migrate.description'))
    .option('--json', t('help.migrate.json'))
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      const logger = cliLogger(config);
      const { openDatabase, migrateAsOwner, MigrationsPendingError } = await import('../../platform/db');
      // With a separate runtime role, migrations are the owner's (DATABASE_OWNER_URL); the grants follow.
      const asOwner = Boolean(config.DATABASE_OWNER_URL && config.DATABASE_URL);
      const db = await openDatabase(asOwner ? { ...config, DATABASE_URL: config.DATABASE_OWNER_URL } : config, logger).catch((e) => {
        if (e instanceof DataDirLockedError) throw new CliError(e.message);
        throw e;
      });
      let before: number, after: number;
      try {
        before = await appliedCount(db);
        await db.migrateIfNeeded();
        after = await appliedCount(db);
        if (asOwner) await migrateAsOwner(config, logger);
      } catch (e) {
        if (e instanceof MigrationsPendingError) throw new CliError(e.message, 3);
        throw e;
      } finally {
        await db.close().catch(() => {});
      }
      // drizzle applies the journal in order: the new ones are the entries after those recorded before.
      const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
      const applied = journal.entries.slice(before, after).map((e) => e.tag);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ database: db.kind, applied, total: after })}\n`);
        return;
      }
      process.stdout.write(
        `${applied.length ? t('migrate.applied', { count: applied.length, names: applied.join(', '), database: db.kind, total: after }) : t('migrate.upToDate', { database: db.kind, total: after })}\n`,
      );
    });
}
