import type { Command } from 'commander';
import { CliError, cliLogger, loadCliConfig, openMigratedDatabase } from '../runtime';

export function registerWorker(program: Command) {
  program
    .command('worker')
    .description(
      'Run the background jobs: imports, reconciliation, exports, the nightly inbox scans and the sweeper. With REDIS_URL, ' +
        'jobs come from BullMQ and any number of workers may run; without it, this process runs them in memory (embedded mode). ' +
        'SIGTERM/SIGINT stop it gracefully (running jobs finish or release their chunk within SHUTDOWN_GRACE_MS) and it exits 0.',
    )
    .option('--metrics-port <port>', 'serve this worker’s /metrics on this port (default: METRICS_PORT; off when unset)')
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
      const mode = config.REDIS_URL ? `BullMQ (prefix ${config.QUEUE_PREFIX})` : 'embedded (in-process jobs, no Redis)';
      logger.info({ queue: worker.runtime.queue.kind, database: db.kind, metrics: worker.metrics?.url ?? null }, 'worker ready');
      process.stderr.write(`juntos-hub worker ready: ${mode}, database ${db.kind}${worker.metrics ? `, metrics ${worker.metrics.url}/metrics` : ''}\n`);
    });
}
