/**
 * Issue 10, defects 1 and 2: no command waits on work that no process is doing. Run as a user
 * would: the CLI spawned under a time limit (a hang fails the test), real PostgreSQL and Redis.
 * - 1: embedded jobs (no REDIS_URL) on PostgreSQL: `import` finishes the reconciliation it started
 *   before it exits; `reconcile` takes over a run that no process advances (its lease expired or
 *   never held) instead of joining it and waiting for ever.
 * - 2: Redis and no worker: `import` and `reconcile` say that no worker consumes the queue, name
 *   the command to start and exit 3; `/readyz` reports the workers apart from the database; once a
 *   worker starts, the recorded run is done.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, startWorkerProcess, testHub, TEST_REDIS_URL, uniquePrefix, waitFor, type TestHub } from '../../harness';
import { explain, runCli, startServe } from './cli';

const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('embedded jobs on PostgreSQL (defect 1)', () => {
  let h: TestHub;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await testHub().start();
    env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: h.database!.url, RECONCILE_TRAINING_SAMPLE: '0', RUN_LEASE_MS: '3000' };
  });
  afterAll(() => h?.close());

  const reconciliationRuns = () =>
    h.db.rows<{ id: number; state: string; import_run_id: number | null; records_processed: number }>(
      sql`select id::int, state::text, import_run_id::int, records_processed from reconciliation_runs order by id`,
    );

  it('`import` exits only once the reconciliation it started is done; `reconcile` then ends at once', async () => {
    const { path } = await h.generate('sisben_embedded.csv', { source: 'sisben', rows: 400, seed: 1201 });
    const args = ['import', path, '--source', 'sisben', '--json'];
    const r = await runCli(args, { env, timeoutMs: 120_000 });
    expect(r.timedOut, explain(args, r)).toBe(false);
    expect(json(r.stdout), explain(args, r)).toMatchObject({ state: 'done' });
    const runs = await reconciliationRuns();
    expect(runs, explain(args, r)).toEqual([expect.objectContaining({ import_run_id: json(r.stdout).runId, state: 'done', records_processed: 400 })]);
    const rec = await runCli(['reconcile', '--json'], { env, timeoutMs: 60_000 });
    expect(rec.timedOut, explain(['reconcile'], rec)).toBe(false);
    expect(rec.code, explain(['reconcile'], rec)).toBe(0);
  }, 240_000);

  it('`reconcile` takes over a run that no process advances (left pending and running by processes that exited)', async () => {
    // Records imported by a process without workers, and the runs it requested left in PostgreSQL
    // only — as three `import`s in a row used to leave them — one of them stuck `running` under an expired lease.
    const { path } = await h.generate('bdua_abandoned.TXT', { source: 'bdua', rows: 200, seed: 1202 });
    const run = await h.importFile(path, 'bdua');
    expect(run.state).toBe('done');
    const [abandoned] = await h.db.rows<{ id: number; state: string }>(
      sql`select id::int, state::text from reconciliation_runs where import_run_id = ${run.id}`,
    );
    expect(abandoned?.state).toBe('pending');
    await h.db.rows(sql`update reconciliation_runs set state = 'running', started_at = now(), attempts = 1, records_pending = 200,
      owner = 'cli@gone:1', heartbeat_at = now() - interval '1 minute', lease_expires_at = now() - interval '30 seconds',
      settings = ${JSON.stringify({ linkProbability: 0.99, reviewProbability: 0.5, rules: [], personsBefore: 0 })}::jsonb where id = ${abandoned!.id}`);
    const args = ['reconcile'];
    const r = await runCli(args, { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 120_000 });
    expect(r.timedOut, explain(args, r)).toBe(false);
    expect(r.code, explain(args, r)).toBe(0);
    expect(r.stderr).toContain(`reconciliation ${abandoned!.id}`);
    const after = (await reconciliationRuns()).find((x) => x.id === abandoned!.id)!;
    expect(after.state).toBe('done');
    const [lease] = await h.db.rows<{ owner: string; live: boolean }>(
      sql`select owner, coalesce(lease_expires_at > now(), false) as live from reconciliation_runs where id = ${abandoned!.id}`,
    );
    // The last holder is the CLI that finished it, and it gave the lease back.
    expect(lease.owner).toMatch(/^cli@/);
    expect(lease.live).toBe(false);
  }, 240_000);
});

describe('Redis and no worker (defect 2)', () => {
  let h: TestHub;
  let env: Record<string, string>;
  let prefix: string;
  beforeAll(async () => {
    h = await testHub().start();
    prefix = uniquePrefix('nowk');
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: h.database!.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      RECONCILE_TRAINING_SAMPLE: '0',
      NO_WORKER_TIMEOUT_MS: '3000',
    };
  });
  afterAll(async () => {
    await h?.close();
    await dropPrefix(prefix);
  });

  it('`import` and `reconcile` say no worker consumes the queue and exit 3; /readyz is not ready; a worker then finishes the run', async () => {
    const { path } = await h.generate('sisben_noworker.csv', { source: 'sisben', rows: 100, seed: 1301 });
    const args = ['import', path, '--source', 'sisben'];
    const es = await runCli(args, { env, timeoutMs: 60_000 });
    expect(es.timedOut, explain(args, es)).toBe(false);
    expect(es.code, explain(args, es)).toBe(3);
    expect(es.stderr).toContain('ningún worker está consumiendo la cola de importaciones — inicie `juntos-hub worker`');
    const en = await runCli(args, { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 60_000 });
    expect(en.code, explain(args, en)).toBe(3);
    expect(en.stderr).toContain('no worker is consuming the import queue — start `juntos-hub worker`');
    const rec = await runCli(['reconcile'], { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 60_000 });
    expect(rec.code, explain(['reconcile'], rec)).toBe(3);
    expect(rec.stderr).toContain('no worker is consuming the reconciliation queue — start `juntos-hub worker`');

    const serve = await startServe([], { env });
    try {
      const noWorker = await fetch(`${serve.url}/readyz`);
      expect(noWorker.status).toBe(503);
      expect(await noWorker.json()).toMatchObject({ status: 'unavailable', db: 'ok', jobs: { mode: 'redis', workers: 0, status: 'no-worker' } });
      // A load balancer that must keep serving reads asks for the database alone.
      expect((await fetch(`${serve.url}/readyz?only=db`)).status).toBe(200);

      // The run was recorded: the worker that starts now finishes it (a durable hand-off).
      const worker = await startWorkerProcess(env);
      try {
        await waitFor(
          'the recorded import run done',
          async () =>
            (await h.db.rows<{ state: string }>(sql`select state::text from import_runs where file_name = 'sisben_noworker.csv'`))[0]?.state === 'done',
          60_000,
          200,
        );
        const ready = await waitFor('ready with a worker', async () => {
          const res = await fetch(`${serve.url}/readyz`);
          return res.status === 200 ? res.json() : null;
        });
        expect(ready).toMatchObject({ status: 'ready', db: 'ok', jobs: { mode: 'redis', status: 'ok' } });
        expect((ready as any).jobs.workers).toBeGreaterThanOrEqual(1);
        // With a worker, the same command just waits for the result.
        const again = await runCli(['reconcile', '--json'], { env, timeoutMs: 90_000 });
        expect(again.code, explain(['reconcile'], again)).toBe(0);
      } finally {
        worker.kill('SIGTERM');
        await worker.exited;
      }
    } finally {
      await serve.stop();
    }
  }, 300_000);
});
