import type { Command } from 'commander';
import { CronExpressionParser } from 'cron-parser';
import { SOURCE_NAMES } from '../../kernel';
import { parseSource } from '../args';
import type { ScheduleInfo } from '../../platform/queue';
import { readRunSummary } from '../../imports';
import { CliError, loadCliConfig, withRuntime } from '../runtime';
import { num, t } from '../i18n';

const FINISHED = ['done', 'failed'];

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '-');

export function registerSchedule(program: Command) {
  const schedule = program.command('schedule').description(t('help.schedule.description'));

  schedule
    .command('show')
    .description(t('help.schedule.show'))
    .option('--json', t('help.json'))
    .action(async (opts: { json?: boolean }) => {
      const config = loadCliConfig();
      await withRuntime(
        config,
        async (rt) => {
          const { scheduleSpecs } = await import('../../../jobs/schedules');
          const declared = scheduleSpecs(config);
          let schedulers: (ScheduleInfo & { missing?: boolean })[];
          if (rt.queue.kind === 'bullmq') {
            const live = await rt.queue.listSchedulers().catch((e) => {
              throw new CliError(t('schedule.queueUnavailable', { reason: (e as Error).message }));
            });
            const ids = new Set(live.map((s) => s.id));
            schedulers = [
              ...live,
              ...declared
                .filter((d) => !ids.has(d.id))
                .map((d) => ({ id: d.id, name: d.name, pattern: d.pattern ?? null, tz: d.tz ?? null, everyMs: d.everyMs ?? null, next: null, missing: true })),
            ];
          } else {
            // Embedded mode: schedulers live inside the `serve`/`worker` process, declared from the same configuration.
            schedulers = declared.map((d) => ({
              id: d.id,
              name: d.name,
              pattern: d.pattern ?? null,
              tz: d.tz ?? null,
              everyMs: d.everyMs ?? null,
              next: d.pattern ? CronExpressionParser.parse(d.pattern, { tz: d.tz }).next().toDate() : null,
            }));
          }
          const latest = await rt.app.services.ops.summaries.latestPerSource();
          if (opts.json) {
            process.stdout.write(
              JSON.stringify(
                {
                  mode: rt.queue.kind,
                  schedulers,
                  latest: latest.map((l) => ({
                    source: l.source,
                    run: l.run && { id: l.run.id, state: l.run.state, finishedAt: l.run.finishedAt, summary: l.run.summary },
                  })),
                },
                null,
                2,
              ) + '\n',
            );
            return;
          }
          process.stdout.write(
            `${t('schedule.title', { mode: rt.queue.kind === 'bullmq' ? t('schedule.modeBullmq', { prefix: config.QUEUE_PREFIX }) : t('schedule.modeEmbedded') })}\n`,
          );
          for (const s of schedulers) {
            const rule = s.pattern ? `cron "${s.pattern}" ${s.tz ?? ''}` : t('schedule.every', { secs: Math.round((s.everyMs ?? 0) / 1000) });
            process.stdout.write(
              `  ${s.id.padEnd(20)} ${s.name.padEnd(11)} ${rule.padEnd(36)} ${t('schedule.next')} ${s.missing ? t('schedule.missing') : when(s.next)}\n`,
            );
          }
          process.stdout.write(`${t('schedule.latest')}\n`);
          for (const { source, run } of latest) {
            if (!run) {
              process.stdout.write(`  ${source.padEnd(7)} ${t('schedule.never')}\n`);
              continue;
            }
            const rec = readRunSummary(run.summary).reconciliation;
            process.stdout.write(
              `  ${source.padEnd(7)} ${t('schedule.run', {
                id: String(run.id).padStart(5),
                state: run.state.padEnd(8),
                finished: when(run.finishedAt),
                loaded: num(run.rowsLoaded),
                rejected: num(run.rowsRejected),
                added: num(run.added),
                changed: num(run.changed),
                gone: num(run.disappeared),
                rec: rec ? t('schedule.runRec', { links: num(rec.links), review: num(rec.reviewItems) }) : '',
              })}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  schedule
    .command('run-now')
    .description(t('help.schedule.runNow'))
    .option('-s, --source <source>', t('help.onlySource', { list: SOURCE_NAMES.join(', ') }))
    .option('--wait', t('help.schedule.wait'))
    .action(async (opts: { source?: string; wait?: boolean }) => {
      const config = loadCliConfig();
      const source = parseSource(opts.source);
      await withRuntime(config, async (rt) => {
        const started = new Date();
        const jobId = `inbox-scan-manual-${started.getTime()}`;
        try {
          await rt.queue.enqueue('inbox.scan', source ? { trigger: 'manual', source } : { trigger: 'manual' }, { jobId });
        } catch (e) {
          throw new CliError(t('schedule.cannotQueue', { reason: (e as Error).message }));
        }
        process.stderr.write(`${t('schedule.queued', { what: source ?? t('schedule.everySource') })}\n`);
        if (rt.queue.kind === 'bullmq' && !opts.wait) return;
        // Embedded mode runs everything here; with --wait, poll Redis for the scan and PostgreSQL for its runs.
        await rt.drain();
        while ((await rt.queue.liveJobIds()).has(jobId)) await new Promise((r) => setTimeout(r, 500));
        const imports = rt.app.services.imports;
        for (;;) {
          const runs = (await imports.listRuns({ first: 200 })).filter((r) => r.createdAt >= started && r.requestedBy === 'inbox-scan');
          const recs = await Promise.all(
            runs.map((r) => (r.state === 'done' ? rt.app.services.ops.summaries.complete(r.id).then(() => imports.getRun(r.id)) : r)),
          );
          const pending = recs.filter((r) => r && (!FINISHED.includes(r.state) || (r.state === 'done' && !readRunSummary(r.summary).reconciliation)));
          if (!pending.length) {
            for (const r of recs)
              if (r)
                process.stdout.write(
                  `${t('schedule.result', { id: r.id, source: r.source, file: r.fileName, state: r.state, code: r.failureCode ? ` (${r.failureCode})` : '' })}\n`,
                );
            if (!recs.length) process.stdout.write(`${t('schedule.noFiles')}\n`);
            return;
          }
          await rt.drain();
          await new Promise((r) => setTimeout(r, 500));
        }
      });
    });
}
