import type { Command } from 'commander';
import { cliLogger, loadCliConfig, openMigratedDatabase } from '../runtime';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations (PostgreSQL at DATABASE_URL, else the embedded database in DATA_DIR) and exit.')
    .action(async () => {
      const config = loadCliConfig();
      const logger = cliLogger(config);
      const db = await openMigratedDatabase(config, logger);
      await db.close();
      logger.info({ database: db.kind }, 'migrations applied');
    });
}
