import type { Command } from 'commander';
import { CronExpressionParser } from 'cron-parser';
import { SOURCE_NAMES, type SourceName } from '../../kernel';
import type { ScheduleInfo } from '../../platform/queue';
import { readRunSummary } from '../../imports';
import { CliError, loadCliConfig, withRuntime } from '../runtime';

const FINISHED = ['done', 'failed'];

function parseSource(s: string | undefined): SourceName | undefined {
  if (s === undefined) return undefined;
  const v = s.toLowerCase() as SourceName;
  if (!SOURCE_NAMES.includes(v)) throw new CliError(`--source must be one of ${SOURCE_NAMES.join(', ')}`, 2);
  return v;
}

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '-');

export function registerSchedule(program: Command) {
  const schedule = program.command('schedule').description('The nightly schedules: show them, or run the inbox scan now.');

  schedule
    .command('show')
    .description('List the job schedulers with their next run, and the latest run of each source with its nightly summary.')
    .option('--json', 'print JSON')
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
              throw new CliError(`The job queue is unavailable: ${(e as Error).message}`);
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
            `Schedulers (${rt.queue.kind === 'bullmq' ? `BullMQ, prefix ${config.QUEUE_PREFIX}` : 'embedded: run by `juntos-hub serve` or `worker`'}):\n`,
          );
          for (const s of schedulers) {
            const rule = s.pattern ? `cron "${s.pattern}" ${s.tz ?? ''}` : `every ${Math.round((s.everyMs ?? 0) / 1000)} s`;
            process.stdout.write(
              `  ${s.id.padEnd(20)} ${s.name.padEnd(11)} ${rule.padEnd(36)} next ${s.missing ? 'MISSING (start a worker to declare it)' : when(s.next)}\n`,
            );
          }
          process.stdout.write('Latest run per source:\n');
          for (const { source, run } of latest) {
            if (!run) {
              process.stdout.write(`  ${source.padEnd(7)} never imported\n`);
              continue;
            }
            const rec = readRunSummary(run.summary).reconciliation;
            process.stdout.write(
              `  ${source.padEnd(7)} run ${String(run.id).padStart(5)} ${run.state.padEnd(8)} ${when(run.finishedAt)}  rows ${run.rowsLoaded} loaded / ${run.rowsRejected} rejected, ` +
                `+${run.added} ~${run.changed} -${run.disappeared}${rec ? `, ${rec.links} links, ${rec.reviewItems} review items` : ''}\n`,
            );
          }
        },
        { workers: false },
      );
    });

  schedule
    .command('run-now')
    .description(
      'Scan the inboxes now (every source, or one) instead of waiting for the night. With Redis, a worker runs the scan and the imports it starts; in embedded mode this command runs them and waits.',
    )
    .option('-s, --source <source>', `only this source (${SOURCE_NAMES.join(', ')})`)
    .option('--wait', 'with Redis: wait until the scan and the runs it started have finished')
    .action(async (opts: { source?: string; wait?: boolean }) => {
      const config = loadCliConfig();
      const source = parseSource(opts.source);
      await withRuntime(config, async (rt) => {
        const started = new Date();
        const jobId = `inbox-scan-manual-${started.getTime()}`;
        try {
          await rt.queue.enqueue('inbox.scan', source ? { trigger: 'manual', source } : { trigger: 'manual' }, { jobId });
        } catch (e) {
          throw new CliError(`Could not queue the scan: ${(e as Error).message}`);
        }
        process.stderr.write(`Inbox scan queued (${source ?? 'every source'}).\n`);
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
              if (r) process.stdout.write(`run ${r.id} ${r.source} ${r.fileName}: ${r.state}${r.failureCode ? ` (${r.failureCode})` : ''}\n`);
            if (!recs.length) process.stdout.write('No new files.\n');
            return;
          }
          await rt.drain();
          await new Promise((r) => setTimeout(r, 500));
        }
      });
    });
}
