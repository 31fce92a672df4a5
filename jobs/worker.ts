import type { Config } from '../src/platform/config';
import type { Database } from '../src/platform/db';
import { startMetricsServer, type MetricsServer } from '../src/http/metrics';
import type { Logger } from '../src/platform/logger';
import { startRuntime, type Runtime } from './runtime';

export interface WorkerProcess {
  runtime: Runtime;
  metrics: MetricsServer | null;
  /** Graceful stop: no new jobs, running ones finish or release their chunk within SHUTDOWN_GRACE_MS. */
  close(): Promise<void>;
}

/**
 * The worker entry point (`juntos-hub worker`): job processors for every queue, the schedulers
 * (declared at start, kept declared), a sweep at start, and optionally its own /metrics.
 */
export async function startWorker(opts: { config: Config; db: Database; logger: Logger; metricsPort?: number }): Promise<WorkerProcess> {
  const { config, db, logger } = opts;
  const runtime = await startRuntime({ config, db, logger, workers: true, schedules: true, role: 'worker' });
  const port = opts.metricsPort ?? config.METRICS_PORT;
  const metrics = port === undefined ? null : await startMetricsServer(runtime.app, port);
  return {
    runtime,
    metrics,
    async close() {
      await metrics?.close();
      await runtime.close(config.SHUTDOWN_GRACE_MS);
    },
  };
}

/**
 * SIGTERM/SIGINT: stop gracefully and exit 0 (exit 1 if the shutdown itself failed). A second
 * signal while stopping exits at once (130); work in flight is then recovered by the lock timeout.
 */
export function exitGracefullyOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new jobs; running jobs finish or release their chunk');
    const started = Date.now();
    stop().then(
      () => {
        logger.info({ ms: Date.now() - started }, 'stopped cleanly');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
