import type { Command } from 'commander';
import { AppError, SOURCE_NAMES } from '../../kernel';
import type { RemovalReport, RemovalScope } from '../../imports';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { parseRunId, parseSource } from '../args';
import { num as n, t } from '../i18n';
import { cliActor } from './clients';

/** The removal's report: counts only, never a name or a document. */
export function printRemoval(r: RemovalReport) {
  const what =
    r.scope.kind === 'run'
      ? t('removal.whatRun', { id: r.scope.runId, source: r.source, file: r.fileName ?? '' })
      : t('removal.whatSource', { source: r.source });
  const out = [
    r.dryRun ? t('removal.dryRunTitle', { what }) : t('removal.doneTitle', { what }),
    t('removal.records', { count: n(r.recordVersions), entities: n(r.entities) }),
    t('removal.households', { count: n(r.households) }),
    ...(r.tableRows ? [t('removal.tables', { count: n(r.tableRows) })] : []),
    t('removal.links', { count: n(r.links) }),
    t('removal.persons', { count: n(r.personsRebuilt), orphaned: n(r.personsDeleted) }),
    t('removal.stale', { count: n(r.reviewItemsStaled) }),
    t('removal.decisions', { count: n(r.decisionsKept) }),
    t('removal.runs', { count: n(r.runs.length) }),
    ...(r.auditId ? [t('removal.audit', { id: r.auditId })] : [t('removal.hint')]),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

async function runRemoval(scope: RemovalScope, opts: { dryRun?: boolean; json?: boolean }) {
  const config = loadCliConfig();
  await withRuntime(
    config,
    async (rt) => {
      let report: RemovalReport;
      try {
        report = await rt.app.services.recordRemoval.remove(scope, { dryRun: Boolean(opts.dryRun), actor: cliActor() });
      } catch (e) {
        if (e instanceof AppError) throw new CliError(t('errors.appError', { code: e.code, message: e.message }), e.code === 'NOT_FOUND' ? 2 : 1);
        throw e;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else printRemoval(report);
    },
    { workers: false },
  );
}

export function registerSources(program: Command, runs: Command) {
  const sources = program.command('sources').description(t('help.sources.description'));
  sources
    .command('reset')
    .argument('<source>', t('help.sources.resetSource', { list: SOURCE_NAMES.join(', ') }))
    .description(t('help.sources.reset'))
    .option('--dry-run', t('help.dryRunCounts'))
    .option('--json', t('help.jsonReportOne'))
    .action(async (s: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const source = parseSource(s)!;
      await runRemoval({ kind: 'source', source }, opts);
    });

  runs
    .command('remove')
    .argument('<id>', t('help.runs.removeId'))
    .description(t('help.runs.remove'))
    .option('--dry-run', t('help.dryRunCounts'))
    .option('--json', t('help.jsonReportOne'))
    .action(async (id: string, opts: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      opts.json ||= Boolean(cmd.parent?.opts().json);
      await runRemoval({ kind: 'run', runId: parseRunId(id) }, opts);
    });
}
