import type { Command } from 'commander';
import { SOURCE_NAMES, AppError } from '../../kernel';
import { readRunSummary, type ImportState } from '../../imports';
import { printSummary } from '../format';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { takeOverAbandoned } from '../follow';
import { parseCount, parseRunId, parseSource } from '../args';
import { num, t } from '../i18n';
import { parseRateFlag, runImportToEnd } from './import';
import { messagesFor } from '../runMessages';
import { language } from '../i18n';

const STATES: ImportState[] = ['received', 'parsing', 'staged', 'applied', 'done', 'failed'];

export function registerRuns(program: Command): Command {
  const runs = program
    .command('runs')
    .description(t('help.runs.description'))
    .option('-s, --source <source>', t('help.onlySource', { list: SOURCE_NAMES.join(', ') }))
    .option('--state <state>', t('help.runs.state', { list: STATES.join(', ') }))
    .option('-n, --limit <n>', t('help.runs.limit'), '20')
    .option('--json', t('help.jsonLines'))
    .action(async (opts: { source?: string; state?: string; limit: string; json?: boolean }) => {
      const source = parseSource(opts.source);
      if (opts.state && !STATES.includes(opts.state as ImportState)) throw new CliError(t('errors.badState', { list: STATES.join(', ') }), 2);
      const limit = parseCount('--limit', opts.limit);
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const rows = (
            await rt.app.services.imports.listRuns({
              source,
              states: opts.state ? [opts.state as ImportState] : undefined,
              first: limit,
            })
          ).slice(0, limit);
          if (opts.json) {
            for (const r of rows)
              process.stdout.write(
                JSON.stringify({
                  id: r.id,
                  source: r.source,
                  fileName: r.fileName,
                  state: r.state,
                  rowsTotal: r.rowsTotal,
                  rowsLoaded: r.rowsLoaded,
                  rowsRejected: r.rowsRejected,
                  added: r.added,
                  changed: r.changed,
                  disappeared: r.disappeared,
                  createdAt: r.createdAt,
                  finishedAt: r.finishedAt,
                  failureCode: r.failureCode,
                }) + '\n',
              );
            return;
          }
          const c = (k: 'id' | 'source' | 'state' | 'rows' | 'rejected' | 'added' | 'changed' | 'gone' | 'created' | 'file') => t(`runs.cols.${k}`);
          process.stdout.write(
            `${c('id').padStart(6)}  ${c('source').padEnd(7)} ${c('state').padEnd(9)} ${c('rows').padStart(10)} ${c('rejected').padStart(9)} ${c('added').padStart(9)} ${c('changed').padStart(9)} ${c('gone').padStart(8)}  ${c('created').padEnd(19)}  ${c('file')}\n`,
          );
          for (const r of rows) {
            process.stdout.write(
              `${String(r.id).padStart(6)}  ${r.source.padEnd(7)} ${r.state.padEnd(9)} ${num(r.rowsTotal).padStart(10)} ${num(r.rowsRejected).padStart(9)} ` +
                `${num(r.added).padStart(9)} ${num(r.changed).padStart(9)} ${num(r.disappeared).padStart(8)}  ${r.createdAt.toISOString().slice(0, 19)}  ${r.fileName}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  runs
    .command('show')
    .argument('<id>', t('help.runs.showId'))
    .description(t('help.runs.show'))
    .option('--json', t('help.runs.showJson'))
    .option('--errors <n>', t('help.runs.showErrors'), '20')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      // `runs show 3 --json`: the parent `runs` parses options after the subcommand too.
      const opts = cmd.optsWithGlobals<{ json?: boolean; errors: string }>();
      const runId = parseRunId(id);
      const errorsShown = parseCount('--errors', opts.errors);
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const run = await rt.app.services.imports.getRun(runId);
          if (!run) throw new CliError(t('errors.noRun', { id: runId }), 2);
          const summary = await rt.app.services.imports.summary(run);
          if (opts.json) {
            process.stdout.write(JSON.stringify({ ...summary, ...rt.app.services.imports.limitsOf(run), nightly: run.summary }, null, 2) + '\n');
            return;
          }
          printSummary(summary, false);
          const limits = rt.app.services.imports.limitsOf(run);
          const msg = messagesFor(language());
          process.stdout.write(`${msg.limits(limits.maxErrorRate, limits.maxDisappearedRate)}\n`);
          if (run.state !== 'done' && run.state !== 'failed') {
            const lease = await rt.app.services.ops.repo.lease('import', run.id);
            process.stdout.write(`${msg.lease(lease?.owner ?? null, Boolean(lease?.live), lease?.heartbeatAt ?? null)}\n`);
          }
          const rec = readRunSummary(run.summary).reconciliation;
          if (rec) {
            process.stdout.write(
              `${t('runs.reconciliation', { state: rec.state, records: rec.recordsProcessed, autoLinked: rec.autoLinked, newPersons: rec.newPersons, review: rec.reviewItems, merges: rec.mergesApplied })}\n`,
            );
          }
          const errors = errorsShown ? await rt.app.services.imports.rowErrors(run.id, { first: errorsShown, severity: 'error' }) : [];
          if (errors.length) {
            process.stdout.write(`${t('runs.firstErrors')}\n`);
            for (const e of errors.slice(0, errorsShown)) process.stdout.write(`    ${String(e.line).padStart(8)}  ${e.field}  ${e.code}  ${e.message}\n`);
          }
        },
        { workers: false },
      );
    });

  runs
    .command('retry')
    .argument('<id>', t('help.runs.retryId'))
    .description(t('help.runs.retry'))
    .option('-s, --source <source>', t('help.runs.retrySource', { list: SOURCE_NAMES.join(', ') }))
    .option('--max-error-rate <share>', t('help.runs.retryMaxErrorRate'))
    .option('--max-disappearance <share>', t('help.runs.retryMaxDisappearance'))
    .option('--json', t('help.runs.retryJson'))
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      // `runs retry 3 --source sisben`: the parent `runs` parses options after the subcommand too.
      const opts = cmd.optsWithGlobals<{ source?: string; maxErrorRate?: string; maxDisappearance?: string; json?: boolean }>();
      const runId = parseRunId(id);
      const changes = {
        source: parseSource(opts.source),
        maxErrorRate: parseRateFlag('--max-error-rate', opts.maxErrorRate),
        maxDisappearedRate: parseRateFlag('--max-disappearance', opts.maxDisappearance),
      };
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        let run;
        try {
          await takeOverAbandoned(rt, config, opts.json);
          run = await rt.app.services.imports.retry(runId, changes, { actor: 'cli:runs retry' });
        } catch (e) {
          if (e instanceof AppError) throw new CliError(t('errors.appError', { code: e.code, message: e.message }), e.code === 'NOT_FOUND' ? 2 : 1);
          throw e;
        }
        const retried = messagesFor(language()).retried(run.id, run.source, run.maxErrorRate, run.maxDisappearedRate);
        if (rt.queue.kind === 'bullmq') {
          // The job is in Redis: a worker runs it whether or not this command stays.
          if (opts.json) process.stdout.write(`${JSON.stringify({ runId: run.id, state: 'received', queued: true })}\n`);
          else process.stdout.write(`${retried}\n${t('runs.retriedQueued', { id: run.id })}\n`);
          return;
        }
        // Embedded mode: the job lives in this process's memory, so this process runs it to the end.
        if (!opts.json) process.stderr.write(`${retried}\n${t('runs.retried', { id: run.id })}\n`);
        const summary = await runImportToEnd(rt, run.id, opts.json);
        if (opts.json) {
          const { runId: rid, state, rowsTotal, rowsLoaded, rowsRejected, added, changed, disappeared, failureCode } = summary;
          process.stdout.write(
            `${JSON.stringify({ runId: rid, state, rowsTotal, rowsLoaded, rowsRejected, added, changed, disappeared, ...(failureCode ? { failureCode } : {}) })}\n`,
          );
        } else printSummary(summary, false);
        if (summary.state === 'failed') throw new CliError('', 1);
      });
    });
  return runs;
}
