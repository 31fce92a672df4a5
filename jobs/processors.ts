import { SOURCE_NAMES } from '../src/kernel';
import type { App } from '../src/app';
import { serializeError } from '../src/platform/logger';
import { WaitForEarlierRunError } from '../src/imports';
import { hostname } from 'node:os';
import { isLeasedKind, type RunKind, type JobOutcome } from '../src/ops';
import type { JobName } from '../src/platform/queue';
import { JOB_DEFINITIONS, JobDeferredError, JobReleasedError, type JobContext, type Processor, type Processors } from './definitions';
import { isPermanentFailure } from './failures';

/** How a run's lease names the process advancing it: its role, host and pid (no personal data). */
export const processOwner = (role: string) => `${role}@${hostname()}:${process.pid}`;

/** An operator-facing reason without personal data (database messages scrubbed, bounded length). */
const failureText = (e: unknown) => {
  const s = serializeError(e);
  return `${String(s.type ?? 'Error')}: ${String(s.message ?? '')}`.slice(0, 300);
};

/**
 * Thin processors: each job calls one service with the ids it carries. All logic and state live in
 * the services and PostgreSQL, so a job can run twice or be resumed by another worker. Around them:
 * - one worker at a time per run (an advisory lock released the moment its holder dies); a job
 *   that finds its run busy is deferred, not failed;
 * - a run whose job spent its last attempt on a transient failure is marked failed in PostgreSQL
 *   with the reason, so it stays visible and is retried by an operator (`runs retry`), not by the
 *   sweeper every minute;
 * - durations by outcome go to the metrics.
 */
export function createProcessors(app: App, owner = processOwner('worker')): Processors {
  const { services, config } = app;
  const ops = services.ops;
  const leaseMs = config.RUN_LEASE_MS;

  /**
   * While `fn` advances a leased run, its lease is renewed every third of RUN_LEASE_MS (a lost
   * heartbeat is logged, not fatal: the advisory lock still guards the run); given back at the end.
   */
  async function leased(kind: RunKind, id: number, fn: () => Promise<void>) {
    if (!isLeasedKind(kind)) return fn();
    const renew = () =>
      ops.repo.renewLease(kind, id, owner, leaseMs).catch((e: unknown) => app.logger.warn({ err: e, kind, id }, 'could not renew a run lease'));
    await renew();
    const timer = setInterval(() => void renew(), Math.max(250, Math.floor(leaseMs / 3)));
    try {
      await fn();
    } finally {
      clearInterval(timer);
      await ops.repo.releaseLease(kind, id, owner).catch(() => {});
    }
  }
  const deferMs = Math.min(15_000, Math.max(1_000, Math.floor(config.WORKER_LOCK_MS / 2)));

  const timed =
    <N extends JobName>(name: N, fn: Processor<N>): Processor<N> =>
    async (payload, ctx) => {
      const started = performance.now();
      let outcome: JobOutcome = 'failed';
      try {
        await fn(payload, ctx);
        outcome = 'completed';
      } catch (e) {
        if (e instanceof JobReleasedError) outcome = 'released';
        else if (e instanceof JobDeferredError) outcome = 'deferred';
        throw e;
      } finally {
        ops.metrics.observeJob(name, outcome, (performance.now() - started) / 1000);
      }
    };

  async function exclusive(name: JobName, kind: RunKind, id: number, ctx: JobContext, fn: () => Promise<void>, giveUp: (reason: string) => Promise<void>) {
    try {
      const r = await ops.runLock(kind, id, () => leased(kind, id, fn));
      if (!r.acquired) throw new JobDeferredError(deferMs, `${kind} run ${id} is being advanced by another worker`);
    } catch (e) {
      if (e instanceof WaitForEarlierRunError) throw new JobDeferredError(deferMs, e.message);
      if (e instanceof JobDeferredError || e instanceof JobReleasedError || isPermanentFailure(e)) throw e;
      if (ctx.attempt >= JOB_DEFINITIONS[name].attempts) {
        await giveUp(`Gave up after ${ctx.attempt} attempts; last error: ${failureText(e)}`).catch(() => {});
      }
      throw e;
    }
  }

  return {
    'import.run': timed('import.run', ({ runId }, ctx) =>
      exclusive(
        'import.run',
        'import',
        runId,
        ctx,
        async () => {
          await services.imports.process(runId, ctx.signal);
          await ops.summaries.complete(runId);
        },
        (reason) => services.imports.giveUp(runId, reason),
      ),
    ),
    'reconcile.run': timed('reconcile.run', ({ runId }, ctx) =>
      exclusive(
        'reconcile.run',
        'reconciliation',
        runId,
        ctx,
        async () => {
          await services.reconciliation.process(runId, ctx.signal);
          const run = await services.reconciliation.getRun(runId);
          if (run?.importRunId) await ops.summaries.complete(run.importRunId);
        },
        (reason) => services.reconciliation.giveUp(runId, reason),
      ),
    ),
    'links.export': timed('links.export', ({ exportId }, ctx) =>
      exclusive(
        'links.export',
        'export',
        exportId,
        ctx,
        () => services.linksExport.process(exportId),
        (reason) => services.linksExport.giveUp(exportId, reason),
      ),
    ),
    'cruce.run': timed('cruce.run', ({ runId }, ctx) =>
      exclusive(
        'cruce.run',
        'cruce',
        runId,
        ctx,
        () => services.cruce.process(runId),
        (reason) => services.cruce.giveUp(runId, reason),
      ),
    ),
    'logros.run': timed('logros.run', ({ runId }, ctx) =>
      exclusive(
        'logros.run',
        'logros',
        runId,
        ctx,
        async () => void (await services.logros.process(runId)),
        (reason) => services.logros.giveUp(runId, reason),
      ),
    ),
    'logros.export': timed('logros.export', ({ exportId }, ctx) =>
      exclusive(
        'logros.export',
        'logrosExport',
        exportId,
        ctx,
        () => services.logroExports.process(exportId),
        (reason) => services.logroExports.giveUp(exportId, reason),
      ),
    ),
    'inbox.scan': timed('inbox.scan', async ({ source }) => void (await ops.scanner.scan(source ? [source] : SOURCE_NAMES))),
    'runs.sweep': timed('runs.sweep', async () => void (await ops.sweeper.sweep())),
  };
}
