import type { Command } from 'commander';
import { SOURCE_NAMES, type SourceName, AppError } from '../../kernel';
import { readRunSummary, type ImportState } from '../../imports';
import { printSummary } from '../format';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { messagesFor } from '../runMessages';
import { parseRateFlag } from './import';

const STATES: ImportState[] = ['received', 'parsing', 'staged', 'applied', 'done', 'failed'];

export function registerRuns(program: Command) {
  const runs = program
    .command('runs')
    .description('List import runs, newest first (subcommands: show, retry).')
    .option('-s, --source <source>', `only this source (${SOURCE_NAMES.join(', ')})`)
    .option('--state <state>', `only this state (${STATES.join(', ')})`)
    .option('-n, --limit <n>', 'how many', '20')
    .option('--json', 'print JSON lines')
    .action(async (opts: { source?: string; state?: string; limit: string; json?: boolean }) => {
      const config = loadCliConfig();
      if (opts.source && !SOURCE_NAMES.includes(opts.source as SourceName)) throw new CliError(`--source must be one of ${SOURCE_NAMES.join(', ')}`, 2);
      if (opts.state && !STATES.includes(opts.state as ImportState)) throw new CliError(`--state must be one of ${STATES.join(', ')}`, 2);
      await withRuntime(
        config,
        async (rt) => {
          const rows = (
            await rt.app.services.imports.listRuns({
              source: opts.source as SourceName | undefined,
              states: opts.state ? [opts.state as ImportState] : undefined,
              first: Number(opts.limit),
            })
          ).slice(0, Number(opts.limit));
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
          process.stdout.write(
            `${'ID'.padStart(6)}  ${'SOURCE'.padEnd(7)} ${'STATE'.padEnd(9)} ${'ROWS'.padStart(10)} ${'REJECTED'.padStart(9)} ${'ADDED'.padStart(9)} ${'CHANGED'.padStart(9)} ${'GONE'.padStart(8)}  CREATED              FILE\n`,
          );
          for (const r of rows) {
            process.stdout.write(
              `${String(r.id).padStart(6)}  ${r.source.padEnd(7)} ${r.state.padEnd(9)} ${String(r.rowsTotal).padStart(10)} ${String(r.rowsRejected).padStart(9)} ` +
                `${String(r.added).padStart(9)} ${String(r.changed).padStart(9)} ${String(r.disappeared).padStart(8)}  ${r.createdAt.toISOString().slice(0, 19)}  ${r.fileName}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  runs
    .command('show')
    .argument('<id>', 'import run id')
    .description('Show one run: state, counters, diff, failure reason, row issues by code and the first row errors.')
    .option('--json', 'print the run summary as JSON')
    .option('--errors <n>', 'how many row errors to list', '20')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      // `runs show 3 --json`: the parent `runs` parses options after the subcommand too.
      const opts = cmd.optsWithGlobals<{ json?: boolean; errors: string }>();
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const run = await rt.app.services.imports.getRun(Number(id));
          if (!run) throw new CliError(`No import run ${id}.`);
          const summary = await rt.app.services.imports.summary(run);
          if (opts.json) {
            process.stdout.write(JSON.stringify({ ...summary, ...rt.app.services.imports.limitsOf(run), nightly: run.summary }, null, 2) + '\n');
            return;
          }
          printSummary(summary, false);
          const limits = rt.app.services.imports.limitsOf(run);
          process.stdout.write(`${messagesFor(config.JUNTOS_LANG).limits(limits.maxErrorRate, limits.maxDisappearedRate)}\n`);
          const rec = readRunSummary(run.summary).reconciliation;
          if (rec) {
            process.stdout.write(
              `  reconciliation ${rec.state}: ${rec.recordsProcessed} records, ${rec.autoLinked} auto-linked, ${rec.newPersons} new persons, ${rec.reviewItems} review items, ${rec.mergesApplied} merges\n`,
            );
          }
          const errors = await rt.app.services.imports.rowErrors(run.id, { first: Number(opts.errors), severity: 'error' });
          if (errors.length) {
            process.stdout.write('  first row errors (line · field · code · message):\n');
            for (const e of errors.slice(0, Number(opts.errors)))
              process.stdout.write(`    ${String(e.line).padStart(8)}  ${e.field}  ${e.code}  ${e.message}\n`);
          }
        },
        { workers: false },
      );
    });

  runs
    .command('retry')
    .argument('<id>', 'id of a failed import run')
    .description(
      'Retry a failed import run from the start (its file must still have the same bytes), optionally with another source or other limits ' +
        '(the options left out keep the run’s). Audited.',
    )
    .option('-s, --source <source>', `another source for the run (${SOURCE_NAMES.join(', ')})`)
    .option('--max-error-rate <share>', 'another limit on rejected rows, 0–1 or a percentage')
    .option('--max-disappearance <share>', 'another limit on the share of the source’s records that may disappear, 0–1 or a percentage')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      // `runs retry 3 --source sisben`: the parent `runs` parses options after the subcommand too.
      const opts = cmd.optsWithGlobals<{ source?: string; maxErrorRate?: string; maxDisappearance?: string }>();
      const config = loadCliConfig();
      if (opts.source && !SOURCE_NAMES.includes(opts.source.toLowerCase() as SourceName))
        throw new CliError(`--source must be one of ${SOURCE_NAMES.join(', ')}`, 2);
      const changes = {
        source: opts.source?.toLowerCase() as SourceName | undefined,
        maxErrorRate: parseRateFlag('--max-error-rate', opts.maxErrorRate, config.JUNTOS_LANG),
        maxDisappearedRate: parseRateFlag('--max-disappearance', opts.maxDisappearance, config.JUNTOS_LANG),
      };
      await withRuntime(config, async (rt) => {
        try {
          const run = await rt.app.services.imports.retry(Number(id), changes, { actor: 'cli:runs retry' });
          process.stdout.write(`${messagesFor(config.JUNTOS_LANG).retried(run.id, run.source, run.maxErrorRate, run.maxDisappearedRate)}\n`);
          await rt.drain();
        } catch (e) {
          if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`);
          throw e;
        }
      });
    });
}
