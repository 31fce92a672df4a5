import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SOURCE_NAMES, type SourceName, AppError } from '../../kernel';
import type { ImportService, ImportSummary } from '../../imports';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { printSummary } from '../format';
import { messagesFor, parseShare, type Lang } from '../runMessages';

/** A run's limit given on the command line (exit 2 when it is not a share). */
export function parseRateFlag(flag: string, value: string | undefined, lang: Lang): number | undefined {
  if (value === undefined) return undefined;
  const v = parseShare(value);
  if (v === null) throw new CliError(messagesFor(lang).badRate(flag, value), 2);
  return v;
}

function parseSource(s: string | undefined): SourceName | undefined {
  if (s === undefined) return undefined;
  const v = s.toLowerCase() as SourceName;
  if (!SOURCE_NAMES.includes(v)) throw new CliError(`--source must be one of ${SOURCE_NAMES.join(', ')}`, 2);
  return v;
}

export function registerImport(program: Command) {
  program
    .command('import')
    .argument('<file>', 'registry file to import (Sisbén IV, BDUA, RUAF or RUV extract)')
    .description(
      'Import a registry file: parse, validate, stage, diff against the previous snapshot of its source and apply. ' +
        'Waits for the run to finish (exit 1 when it failed). The same bytes are never imported twice.',
    )
    .option('-s, --source <source>', `source of the file (${SOURCE_NAMES.join(', ')}); detected from name and content when omitted`)
    .option('--dry-run', 'parse, validate and diff the file, report the same summary, and write nothing')
    .option('--max-error-rate <share>', 'this run’s limit on rejected rows, 0–1 or a percentage (default IMPORT_MAX_ERROR_RATE, 0.1); recorded on the run')
    .option(
      '--max-disappearance <share>',
      'this run’s limit on the share of the source’s records that may disappear, 0–1 or a percentage (default IMPORT_MAX_DISAPPEARED_RATE, 0.2); recorded on the run',
    )
    .option('--json', 'print one JSON object (runId, state, rowsTotal, rowsLoaded, rowsRejected, added, changed, disappeared) instead of text')
    .action(async (file: string, opts: { source?: string; dryRun?: boolean; json?: boolean; maxErrorRate?: string; maxDisappearance?: string }) => {
      const config = loadCliConfig();
      const source = parseSource(opts.source);
      const msg = messagesFor(config.JUNTOS_LANG);
      const limits = {
        maxErrorRate: parseRateFlag('--max-error-rate', opts.maxErrorRate, config.JUNTOS_LANG),
        maxDisappearedRate: parseRateFlag('--max-disappearance', opts.maxDisappearance, config.JUNTOS_LANG),
      };
      await withRuntime(config, async (rt) => {
        const imports = rt.app.services.imports;
        let summary: ImportSummary;
        try {
          if (opts.dryRun) {
            summary = await imports.dryRun(file, { source, ...limits });
          } else {
            const { run, created, failedBefore } = await imports.submit(file, { source, requestedBy: 'cli', ...limits });
            if (!created && !opts.json) process.stderr.write(`This file was already submitted as run ${run.id}; showing that run.\n`);
            if (failedBefore.length && !opts.json)
              process.stderr.write(
                `${msg.failedBefore(
                  failedBefore.map((r) => r.id),
                  failedBefore.map((r) => r.failureCode ?? 'FAILED'),
                  run.id,
                )}\n`,
              );
            summary = await watchRun(rt.app.services.imports, run.id, !opts.json && process.stderr.isTTY);
          }
        } catch (e) {
          if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`);
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

/** Polls the run in PostgreSQL (the source of truth, whichever process runs the job) until it ends. */
async function watchRun(imports: Pick<ImportService, 'getRun' | 'summary'>, runId: number, bar: boolean): Promise<ImportSummary> {
  const progress = bar
    ? new cliProgress.SingleBar(
        {
          format: ' {bar} {percentage}% | {rows} rows | {rate} rows/s | {errors} errors | ETA {eta_formatted} | {state}',
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = Date.now();
  progress?.start(1000, 0, { rows: 0, rate: 0, errors: 0, state: 'received' });
  try {
    for (;;) {
      const run = await imports.getRun(runId);
      if (!run) throw new CliError(`run ${runId} disappeared`);
      const parsed = run.fileBytes ? run.bytesRead / run.fileBytes : 0;
      const applied = run.chunksTotal ? run.chunksDone / run.chunksTotal : 0;
      const value = run.state === 'parsing' || run.state === 'received' ? parsed * 500 : 500 + applied * 500;
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      progress?.update(Math.round(value), { rows: run.rowsTotal, rate: Math.round(run.rowsTotal / secs), errors: run.rowsRejected, state: run.state });
      if (run.state === 'done' || run.state === 'failed') {
        progress?.update(1000, { state: run.state });
        return imports.summary(run);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    progress?.stop();
  }
}
