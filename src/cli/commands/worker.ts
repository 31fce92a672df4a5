import type { Command } from 'commander';
import { CliError, cliLogger, loadCliConfig, openMigratedDatabase } from '../runtime';
import { t } from '../i18n';

export function registerWorker(program: Command) {
  program
    .command('worker')
    .description(t('help.worker.description'))
    .option('--metrics-port <port>', t('help.worker.metricsPort'))
    .action(async (opts: { metricsPort?: string }) => {
      const config = loadCliConfig(opts.metricsPort ? { METRICS_PORT: opts.metricsPort } : {});
      const logger = cliLogger(config, { longRunning: true });
      const db = await openMigratedDatabase(config, logger);
      const { exitGracefullyOnSignals, startWorker } = await import('../../../jobs/worker');
      let worker;
      try {
        worker = await startWorker({ config, db, logger });
      } catch (e) {
        await db.close().catch(() => {});
        throw new CliError((e as Error).message);
      }
      exitGracefullyOnSignals(logger, async () => {
        await worker.close();
        await db.close();
      });
      const mode = config.REDIS_URL ? t('worker.modeBullmq', { prefix: config.QUEUE_PREFIX }) : t('worker.modeEmbedded');
      logger.info({ queue: worker.runtime.queue.kind, database: db.kind, metrics: worker.metrics?.url ?? null }, 'worker ready');
      process.stderr.write(
        `${t('worker.ready', { mode, database: db.kind, metrics: worker.metrics ? t('worker.metrics', { url: `${worker.metrics.url}/metrics` }) : '' })}\n`,
      );
    });
}
