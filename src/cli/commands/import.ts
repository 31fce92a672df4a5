import type { Command } from 'commander';
import { SOURCE_NAMES, AppError } from '../../kernel';
import type { ImportRunRow, ImportService, ImportSummary } from '../../imports';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { printSummary } from '../format';
import { checkFile, parseSource } from '../args';
import { num, t } from '../i18n';
import { PhasedProgress } from '../progress';
import { language } from '../i18n';
import { messagesFor, parseShare, type Lang } from '../runMessages';
import type { Runtime } from '../../../jobs/runtime';
import { finishFollowUps, NobodyWorkingGuard, takeOverAbandoned } from '../follow';

/** A run's limit given on the command line (exit 2 when it is not a share). */
export function parseRateFlag(flag: string, value: string | undefined, lang: Lang = language()): number | undefined {
  if (value === undefined) return undefined;
  const v = parseShare(value);
  if (v === null) throw new CliError(messagesFor(lang).badRate(flag, value), 2);
  return v;
}

export function registerImport(program: Command) {
  program
    .command('import')
    .argument('<file>', t('help.import.file'))
    .description(t('help.import.description'))
    .option('-s, --source <source>', t('help.import.source', { list: SOURCE_NAMES.join(', ') }))
    .option('--dry-run', t('help.import.dryRun'))
    .option('--max-error-rate <share>', t('help.import.maxErrorRate'))
    .option('--max-disappearance <share>', t('help.import.maxDisappearance'))
    .option('--json', t('help.import.json'))
    .action(async (file: string, opts: { source?: string; dryRun?: boolean; json?: boolean; maxErrorRate?: string; maxDisappearance?: string }) => {
      const source = parseSource(opts.source);
      const msg = messagesFor(language());
      const limits = {
        maxErrorRate: parseRateFlag('--max-error-rate', opts.maxErrorRate),
        maxDisappearedRate: parseRateFlag('--max-disappearance', opts.maxDisappearance),
      };
      await checkFile(file);
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const imports = rt.app.services.imports;
        let summary: ImportSummary;
        try {
          if (opts.dryRun) {
            summary = await imports.dryRun(file, { source, ...limits });
          } else {
            await takeOverAbandoned(rt, config, opts.json);
            const { run, created, failedBefore } = await imports.submit(file, { source, requestedBy: 'cli', ...limits });
            // The same bytes' live run, unfinished: handed to the queue again (taken over here in embedded mode).
            if (!created && run.state !== 'done' && run.state !== 'failed') await imports.enqueue(run.id).catch(() => {});
            if (!created && !opts.json) process.stderr.write(`${t('import.alreadySubmitted', { id: run.id })}\n`);
            if (failedBefore.length && !opts.json)
              process.stderr.write(
                `${msg.failedBefore(
                  failedBefore.map((r) => r.id),
                  failedBefore.map((r) => r.failureCode ?? 'FAILED'),
                  run.id,
                )}\n`,
              );
            const guard = new NobodyWorkingGuard(rt, config);
            summary = await runImportToEnd(rt, run.id, opts.json, (r) => guard.check('import', r));
          }
        } catch (e) {
          if (e instanceof AppError) throw new CliError(t('errors.appError', { code: e.code, message: e.message }), e.code === 'INVALID_FILE' ? 2 : 1);
          throw e;
        }
        if (opts.json) {
          const { runId, state, rowsTotal, rowsLoaded, rowsRejected, added, changed, disappeared } = summary;
          process.stdout.write(
            `${JSON.stringify({ runId, state, rowsTotal, rowsLoaded, rowsRejected, added, changed, disappeared, ...(opts.dryRun ? { dryRun: true } : {}), ...(summary.failureCode ? { failureCode: summary.failureCode } : {}) })}\n`,
          );
        } else {
          printSummary(summary, Boolean(opts.dryRun));
        }
        if (summary.state === 'failed') throw new CliError('', 1);
      });
    });
}

const MB = 1024 * 1024;
const mb = (b: number) => (b / MB).toFixed(b < 10 * MB ? 1 : 0);

/** Remaining time from the share done so far in this phase ("…" until there is something to go by). */
export function remaining(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || total <= 0 || elapsedMs < 500) return '…';
  const secs = Math.max(0, Math.round(((total - done) * elapsedMs) / done / 1000));
  return secs >= 3600
    ? `${Math.floor(secs / 3600)} h ${Math.round((secs % 3600) / 60)} min`
    : secs >= 60
      ? `${Math.floor(secs / 60)} min ${secs % 60} s`
      : `${secs} s`;
}

/** The phase a run is in, as an operator sees it (see ImportService.process for the states). */
export function importPhase(run: Pick<ImportRunRow, 'state' | 'bytesRead' | 'fileBytes'>): 'queued' | 'parse' | 'stage' | 'apply' | 'finish' | null {
  switch (run.state) {
    case 'received':
      return 'queued';
    case 'parsing':
      return run.fileBytes > 0 && run.bytesRead >= run.fileBytes ? 'stage' : 'parse';
    case 'staged':
      return 'apply';
    case 'applied':
      return 'finish';
    default:
      return null;
  }
}

/**
 * Polls the run in PostgreSQL (the source of truth, whichever process runs the job) until it ends,
 * showing each phase with its own counts: bytes while the file is read, chunks while it is applied.
 */
/**
 * An import run followed to its end. In embedded mode the reconciliation it started (and the work
 * after it) runs in this process, so it is finished here before the command exits, never left in memory.
 */
export async function runImportToEnd(
  rt: Runtime,
  runId: number,
  json?: boolean,
  watch?: (run: { id: number; state: string }) => Promise<void>,
): Promise<ImportSummary> {
  const summary = await watchRun(rt.app.services.imports, runId, json, watch);
  if (rt.workers && summary.state === 'done') await finishFollowUps(rt, runId, !json);
  return summary;
}

async function watchRun(
  imports: Pick<ImportService, 'getRun' | 'summary'>,
  runId: number,
  json?: boolean,
  watch?: (run: { id: number; state: string }) => Promise<void>,
): Promise<ImportSummary> {
  const progress = PhasedProgress.for(json, (phase) => t('import.phaseLine', { id: runId, phase: t(`import.phase.${phase}` as never) }));
  let phaseStart = Date.now();
  let lastPhase: string | null = null;
  try {
    for (;;) {
      const run = await imports.getRun(runId);
      if (!run) throw new CliError(t('errors.noRun', { id: runId }));
      if (run.state === 'done' || run.state === 'failed') {
        progress.stop();
        return imports.summary(run);
      }
      const phase = importPhase(run);
      if (phase && phase !== lastPhase) {
        phaseStart = Date.now();
        lastPhase = phase;
      }
      const elapsed = Date.now() - phaseStart;
      const counts = { rows: num(run.rowsTotal), errors: num(run.rowsRejected) };
      if (phase === 'queued') {
        progress.show('queued', 'import.progressQueued', 0, 1);
      } else if (phase === 'parse') {
        progress.show('parse', 'import.progressParse', run.bytesRead, run.fileBytes, {
          ...counts,
          done: mb(run.bytesRead),
          size: mb(run.fileBytes),
          left: remaining(run.bytesRead, run.fileBytes, elapsed),
        });
      } else if (phase === 'stage') {
        progress.show('stage', 'import.progressStage', 0, 1, counts);
      } else if (phase === 'apply') {
        progress.show('apply', 'import.progressApply', run.chunksDone, run.chunksTotal, {
          added: num(run.added),
          changed: num(run.changed),
          left: remaining(run.chunksDone, run.chunksTotal, elapsed),
        });
      } else if (phase === 'finish') {
        progress.show('finish', 'import.progressFinish', 0, 1);
      }
      await watch?.(run);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    progress.stop();
  }
}
