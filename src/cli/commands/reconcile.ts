import type { Command } from 'commander';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num as n, t } from '../i18n';
import { PhasedProgress } from '../progress';
import { remaining } from './import';
import { NobodyWorkingGuard, takeOverAbandoned } from '../follow';

export function registerReconcile(program: Command) {
  program
    .command('reconcile')
    .description(t('help.reconcile.description'))
    .option('--json', t('help.reconcile.json'))
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(config, async (rt) => {
        const runs = rt.app.services.reconciliationRuns;
        const progress = PhasedProgress.for(opts.json, () => '');
        // Progress comes from PostgreSQL (records processed by the run under way, records still
        // pending), so it is the same whichever process runs the job.
        let stop = false;
        const started = Date.now();
        // Embedded mode: runs left unfinished by processes that stopped are finished here.
        await takeOverAbandoned(rt, config, opts.json);
        const guard = new NobodyWorkingGuard(rt, config);
        // Started (or joined) here, so the first progress line names the run before any waiting.
        const first = (await runs.start()).run;
        if (!opts.json && !progress.isBar)
          process.stderr.write(`${t('reconcile.line', { id: first.id, state: first.state, records: n(first.recordsProcessed) })}\n`);
        const watch = (async () => {
          let lastLine = `${first.id}:${first.state}:0`;
          while (!stop) {
            const [run, pending] = await Promise.all([runs.current(), runs.pendingRecords()]).catch(() => [null, 0] as const);
            if (run) {
              const total = run.recordsProcessed + pending;
              if (progress.isBar) {
                progress.show(`run-${run.id}`, 'reconcile.progress', run.recordsProcessed, total, {
                  state: run.state,
                  left: remaining(run.recordsProcessed, total, Date.now() - started),
                });
              } else if (!opts.json) {
                // Without a terminal: a line when the state changes or every 10 % (no carriage returns in logs).
                const line = t('reconcile.line', { id: run.id, state: run.state, records: n(run.recordsProcessed) });
                const decile = total ? Math.floor((run.recordsProcessed / total) * 10) : 0;
                const key = `${run.id}:${run.state}:${decile}`;
                if (key !== lastLine) process.stderr.write(`${line}\n`);
                lastLine = key;
              }
            }
            await new Promise((r) => setTimeout(r, 500));
          }
        })();
        let run;
        try {
          run = await runs.reconcileAll(300, (r) => guard.check('reconciliation', r));
          // What the run led to (logros) runs here too in embedded mode.
          await rt.drain();
        } finally {
          stop = true;
          await watch;
          progress.stop();
        }
        const persons = await runs.activePersons();
        const precision = await runs.runPrecision(run.id);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ runId: run.id, state: run.state, compared: run.pairsCompared, autoLinked: run.autoLinked, reviewItems: run.reviewItems, persons })}\n`,
          );
        } else {
          const out = [
            t('reconcile.title', {
              id: run.id,
              state: run.state.toUpperCase(),
              model: run.modelVersion ? t('reconcile.model', { version: run.modelVersion }) : '',
            }),
            t('reconcile.records', { matched: n(run.recordsProcessed), pairs: n(run.pairsCompared) }),
            t('reconcile.links', { auto: n(run.autoLinked), persons: n(run.newPersons), merges: n(run.mergesApplied), proposed: n(run.mergesProposed) }),
            t('reconcile.review', { items: n(run.reviewItems), sample: precision.sampled ? t('reconcile.sample', { count: n(precision.sampled) }) : '' }),
            t('reconcile.persons', { count: n(persons) }),
          ];
          if (run.breakerTripped) out.push(t('reconcile.breaker'));
          if (run.failureReason) out.push(t('reconcile.failure', { reason: run.failureReason }));
          process.stdout.write(out.join('\n') + '\n');
        }
        if (run.state === 'failed') throw new CliError('', 1);
      });
    });
}
