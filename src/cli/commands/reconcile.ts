import type { Command } from 'commander';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

export function registerReconcile(program: Command) {
  program
    .command('reconcile')
    .description(
      'Reconcile everything imported and not yet matched: starts a run (or joins the one under way) and waits for it. ' +
        'Without REDIS_URL this process runs the job; with Redis a `juntos-hub worker` does, and this command watches PostgreSQL. ' +
        'Exit 1 when the run failed (e.g. the circuit breaker held merges for review).',
    )
    .option('--json', 'print one JSON object (runId, state, compared, autoLinked, reviewItems, persons) instead of text')
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const runs = rt.app.services.reconciliationRuns;
        const run = await runs.reconcileAll();
        const persons = await runs.activePersons();
        const precision = await runs.runPrecision(run.id);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ runId: run.id, state: run.state, compared: run.pairsCompared, autoLinked: run.autoLinked, reviewItems: run.reviewItems, persons })}\n`,
          );
        } else {
          const n = (v: number) => v.toLocaleString('en-US');
          const out = [
            `Reconciliation run ${run.id}: ${run.state.toUpperCase()}${run.modelVersion ? ` (model ${run.modelVersion})` : ''}`,
            `  records     ${n(run.recordsProcessed)} matched, ${n(run.pairsCompared)} pairs compared`,
            `  links       ${n(run.autoLinked)} automatic, ${n(run.newPersons)} new persons, ${n(run.mergesApplied)}/${n(run.mergesProposed)} merges applied`,
            `  review      ${n(run.reviewItems)} items raised${precision.sampled ? `, ${precision.sampled} links sampled for audit` : ''}`,
            `  persons     ${n(persons)} active`,
          ];
          if (run.breakerTripped) out.push('  breaker     TRIPPED: automatic merges wait in the review queue (MERGE_HELD_BY_BREAKER)');
          if (run.failureReason) out.push(`  failure     ${run.failureReason}`);
          process.stdout.write(out.join('\n') + '\n');
        }
        if (run.state === 'failed') throw new CliError('', 1);
      });
    });
}
