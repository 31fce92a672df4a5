import { appendFile, writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import { loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { createInbox, createTestDatabase, dropPrefix, TEST_REDIS_URL, uniquePrefix, waitFor, type Inbox, type TestDatabase } from '../harness';

/**
 * Reliability promise 20 on BullMQ: bad data fails at once (UnrecoverableError, one attempt, a
 * stored reason); a transient fault is retried with exponential backoff and ends in the failed set,
 * with the run marked failed in PostgreSQL (not resurrected by the sweeper every minute) until an
 * operator retries it. Files refused before parsing are visible as failed runs too.
 */
let t: TestDatabase;
let inbox: Inbox;
let runtime: Runtime;
const prefix = uniquePrefix('retry');
const logs: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await createInbox();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    INBOX_DIR: inbox.dir,
    INBOX_SETTLE_MS: '0',
    JOB_BACKOFF_MS: '20',
    WORKER_LOCK_MS: '2000',
    SWEEP_INTERVAL_MS: '500',
    RECONCILE_TRAINING_SAMPLE: '0',
  });
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void logs.push(s) } as never });
  runtime = await startRuntime({ config, db: t.db, logger, workers: true, schedules: true });
});

afterAll(async () => {
  await runtime?.close(1_000);
  await dropPrefix(prefix);
  await inbox?.remove();
  await t?.drop();
});

const queue = (name: string) => runtime.queue.dashboardQueues!().find((q) => q.name === name) as Queue;
const run = async (id: number) =>
  (
    await t.db.rows<{ state: string; failure_code: string | null; failure_reason: string | null }>(
      sql`select state::text, failure_code, failure_reason from import_runs where id = ${id}`,
    )
  )[0];

describe('retries', () => {
  it('bad data fails at once: one attempt, UnrecoverableError, a stored reason', async () => {
    const { path } = await inbox.drop('ruv', { rows: 30, seed: 21 });
    const { run: created } = await runtime.app.services.imports.submit(path, { source: 'ruv' });
    // Changed under the hub's feet before the worker read it (the hub itself never modifies inputs).
    await appendFile(path, 'tampered\n');
    await waitFor('failed', async () => (await run(created.id)).state === 'failed');
    expect(await run(created.id)).toMatchObject({ failure_code: 'FILE_CHANGED', failure_reason: expect.stringContaining('SHA-256') });
    const job = await queue('imports').getJob(`import-${created.id}`);
    await waitFor(
      'job failed',
      async () =>
        (await job!.getState()) === 'failed' ||
        (await queue('imports')
          .getJob(`import-${created.id}`)
          .then((j) => j?.getState())) === 'failed',
    );
    const failed = (await queue('imports').getJob(`import-${created.id}`))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('SHA-256');
  });

  it('a transient fault retries with backoff, ends in the failed set, marks the run failed; retryImportRun brings it back', async () => {
    const { path } = await inbox.drop('ruaf', { rows: 60, seed: 22 });
    // Inject a fault the database reports for every attempt: the chunk ledger is gone.
    await t.owner().rows(sql`alter table import_chunks rename to import_chunks_away`);
    let id: number;
    try {
      const started = Date.now();
      ({
        run: { id },
      } = await runtime.app.services.imports.submit(path, { source: 'ruaf' }));
      await waitFor('failed after retries', async () => (await run(id)).state === 'failed', 30_000, 20);
      // The run is marked failed inside the last attempt, before BullMQ moves the job to the failed
      // set and counts that attempt: read the job again once it is there, not the copy from before.
      await waitFor('job in the failed set', async () => (await queue('imports').getJobState(`import-${id}`)) === 'failed');
      const job = (await queue('imports').getJob(`import-${id}`))!;
      process.stderr.write(`[retries] ${job.attemptsMade} attempts with exponential backoff from 20 ms: ${Date.now() - started} ms\n`);
      expect(job.attemptsMade).toBe(8);
      expect(await run(id)).toMatchObject({
        failure_code: 'RETRIES_EXHAUSTED',
        failure_reason: expect.stringMatching(/^Gave up after 8 attempts; last error: .*relation "…" does not exist/),
      });
      // What Redis keeps of the failure is scrubbed like the logs (no quoted values).
      expect(job.failedReason).not.toMatch(/'[^…]/);
      // Only the last attempt is logged as an error; the earlier ones as warnings.
      const lines = logs.map((l) => JSON.parse(l)).filter((l) => l.jobId === `import-${id}`);
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['job failed after its last attempt']);
      expect(lines.filter((l) => l.level === 40 && l.msg === 'job attempt failed; will retry')).toHaveLength(7);
      // The sweeper leaves a failed run alone.
      await new Promise((r) => setTimeout(r, 1_200));
      expect((await run(id)).state).toBe('failed');
      expect(await job.getState()).toBe('failed');
    } finally {
      await t.owner().rows(sql`alter table import_chunks_away rename to import_chunks`);
    }
    // The operator fixes the cause and retries: the finished job of the same id is replaced, not ignored.
    await runtime.app.services.imports.retry(id);
    await waitFor('done after retry', async () => (await run(id)).state === 'done', 30_000);
  });

  it('a file refused before parsing (empty) becomes a visible failed run', async () => {
    const empty = join(inbox.dir, 'sisben', 'vacio.csv');
    await writeFile(empty, '');
    const past = new Date(Date.now() - 60_000);
    await utimes(empty, past, past);
    const [scan] = await runtime.app.services.ops.scanner.scan(['sisben']);
    expect(scan.rejected).toHaveLength(1);
    expect(await run(scan.rejected[0])).toMatchObject({ state: 'failed', failure_code: 'EMPTY_FILE' });
    const [again] = await runtime.app.services.ops.scanner.scan(['sisben']);
    expect(again).toMatchObject({ unchanged: 1, rejected: [] });
  });
});
