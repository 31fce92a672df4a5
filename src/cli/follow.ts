import type { Runtime } from '../../jobs/runtime';
import type { Config } from '../platform/config';
import type { LeasedKind } from '../ops';
import { CliError } from './runtime';
import { messagesFor } from './runMessages';
import { language } from './i18n';

/** Exit code of a command that stopped waiting because no process advances its work. */
export const EXIT_NOBODY_WORKING = 3;

const QUEUE_OF: Record<LeasedKind, string> = { import: 'imports', reconciliation: 'reconciliation' };

/**
 * Nothing waits silently on work no process is doing. A command following a run calls `check` at
 * every poll. In embedded mode this process runs the jobs itself (and took over what was left
 * unfinished: `takeOverAbandoned`), so there is nothing to check. With Redis the run must either
 * hold a live lease (a worker is advancing it) or have a worker consuming its queue; when neither
 * holds for NO_WORKER_TIMEOUT_MS the command says what to start and exits 3.
 */
export class NobodyWorkingGuard {
  private since: number | null = null;
  private readonly msg;

  constructor(
    private readonly rt: Runtime,
    private readonly config: Config,
  ) {
    this.msg = messagesFor(language());
  }

  async check(kind: LeasedKind, run: { id: number; state: string }): Promise<void> {
    if (this.rt.workers) return;
    const lease = await this.rt.app.services.ops.repo.lease(kind, run.id);
    const workers = lease?.live ? 1 : await this.rt.queue.workerCount(QUEUE_OF[kind]);
    // null: the count cannot be told (CLIENT LIST refused): keep waiting rather than give a wrong verdict.
    if (workers !== 0) {
      this.since = null;
      return;
    }
    this.since ??= Date.now();
    const idle = Date.now() - this.since;
    if (idle < this.config.NO_WORKER_TIMEOUT_MS) return;
    throw new CliError(
      this.msg.noWorker(this.msg.queueName(QUEUE_OF[kind]), this.msg.runWhat(kind, run.id, run.state), Math.round(idle / 1000)),
      EXIT_NOBODY_WORKING,
    );
  }
}

/**
 * Embedded mode (this process runs the jobs): runs that PostgreSQL says are unfinished and whose
 * lease expired — a CLI killed mid-import, a process that exited with its work in memory — are
 * enqueued here, so this command finishes them instead of waiting on them. Says which.
 */
export async function takeOverAbandoned(rt: Runtime, config: Config, quiet = false): Promise<void> {
  if (!rt.workers || rt.queue.kind !== 'inline') return;
  const report = await rt.app.services.ops.sweeper.sweep();
  const { imports, reconciliations } = report.requeued;
  if ((imports.length || reconciliations.length) && !quiet) process.stderr.write(`${messagesFor(language()).takenOver(imports, reconciliations)}\n`);
}

/**
 * Embedded mode: the reconciliation an import (or a retried import) started, run to its end in this
 * process, then every job it led to (logros) — the jobs live in this process's memory, so leaving
 * before they finish would leave a run nobody advances.
 */
export async function finishFollowUps(rt: Runtime, importRunId: number, human: boolean): Promise<void> {
  const rec = rt.app.services.reconciliation;
  const run = await rec.runOfImport(importRunId);
  const msg = messagesFor(language());
  if (run && run.state !== 'done' && run.state !== 'failed') {
    if (human) process.stderr.write(`${msg.reconcilingAfterImport(run.id)}\n`);
    const done = await rec.waitFor(run.id, 300);
    if (human) process.stderr.write(`${msg.reconciled(done.id, done.state, done.recordsProcessed)}\n`);
  }
  await rt.drain();
}
