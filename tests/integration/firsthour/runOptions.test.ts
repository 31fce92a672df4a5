/**
 * Issue 10, defects 5 and 3, run as a user would (the CLI spawned under a time limit, a real
 * `worker` process, real PostgreSQL and Redis):
 * - 5: the limits given on the command line (flags or the submitting process' settings) are the
 *   run's, recorded on it and honoured by the worker that applies it, whatever its own settings;
 * - 3: a failed run never blocks its bytes: the same file can be submitted again with another
 *   source, and `runs retry N` takes another source or limits (audited).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, startWorkerProcess, testHub, TEST_REDIS_URL, uniquePrefix, type Child, type TestHub } from '../../harness';
import { explain, runCli } from './cli';

const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('run options with Redis and a worker that has its own settings (defect 5)', () => {
  let h: TestHub;
  let worker: Child;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await testHub().start();
    const prefix = uniquePrefix('opts');
    // The worker keeps the defaults (10 % of rows rejected at most): the runs' own limits must win.
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: h.database!.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      RECONCILE_TRAINING_SAMPLE: '0',
    };
    worker = await startWorkerProcess(env);
    afterAll(() => dropPrefix(prefix));
  }, 60_000);
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    await h?.close();
  });

  it('IMPORT_MAX_ERROR_RATE=0.5 of the importing process is the run’s limit, not the worker’s 10 %', async () => {
    const { path } = await h.generate('sisben_30pct_env.csv', { source: 'sisben', rows: 100, faults: 'bad-date:30', seed: 1001 });
    const args = ['import', path, '--source', 'sisben', '--json'];
    const r = await runCli(args, { env: { ...env, IMPORT_MAX_ERROR_RATE: '0.5' }, timeoutMs: 90_000 });
    expect(r.timedOut, explain(args, r)).toBe(false);
    expect(json(r.stdout), explain(args, r)).toMatchObject({ state: 'done', rowsRejected: 30 });
    const [row] = await h.db.rows<{ max_error_rate: number; max_disappeared_rate: number }>(
      sql`select max_error_rate, max_disappeared_rate from import_runs where id = ${json(r.stdout).runId}`,
    );
    expect(row).toEqual({ max_error_rate: 0.5, max_disappeared_rate: 0.2 });
  }, 120_000);

  it('--max-error-rate and --max-disappearance are recorded on the run, shown by `runs show` and honoured by the worker', async () => {
    const { path } = await h.generate('sisben_30pct_flag.csv', { source: 'sisben', rows: 100, faults: 'bad-date:30', seed: 1002 });
    const args = ['import', path, '--source', 'sisben', '--max-error-rate', '40%', '--max-disappearance', '0.9', '--json'];
    const r = await runCli(args, { env, timeoutMs: 90_000 });
    expect(r.timedOut, explain(args, r)).toBe(false);
    const out = json(r.stdout);
    expect(out, explain(args, r)).toMatchObject({ state: 'done', rowsRejected: 30 });
    const show = await runCli(['runs', 'show', String(out.runId), '--json'], { env, timeoutMs: 60_000 });
    expect(JSON.parse(show.stdout), explain(['runs', 'show'], show)).toMatchObject({ maxErrorRate: 0.4, maxDisappearedRate: 0.9 });
    const text = await runCli(['runs', 'show', String(out.runId)], { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 60_000 });
    expect(text.stdout).toMatch(/limits\s+40 % of rows rejected, 90 % of records disappearing/);
    // Without a limit of its own the same kind of file fails on the default (the worker's and the CLI's 10 %).
    const { path: strict } = await h.generate('sisben_30pct_default.csv', { source: 'sisben', rows: 100, faults: 'bad-date:30', seed: 1003 });
    const d = await runCli(['import', strict, '--source', 'sisben', '--json'], { env, timeoutMs: 90_000 });
    expect(json(d.stdout), explain(['import', strict], d)).toMatchObject({ state: 'failed', failureCode: 'ERROR_RATE_EXCEEDED' });
    expect(d.code).toBe(1);
  }, 240_000);

  it('a limit that is not a share is a one-line error, exit 2', async () => {
    const { path } = await h.generate('sisben_badflag.csv', { source: 'sisben', rows: 10, seed: 1004 });
    const r = await runCli(['import', path, '--max-error-rate', 'lots'], { env, timeoutMs: 60_000 });
    expect(r.code, explain(['import'], r)).toBe(2);
    expect(r.stderr).toContain('--max-error-rate');
  }, 60_000);
});

describe('a failed run never blocks its bytes (defect 3)', () => {
  let h: TestHub;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await testHub().start();
    // Embedded jobs on PostgreSQL: each command runs its own work.
    env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: h.database!.url, RECONCILE_TRAINING_SAMPLE: '0' };
  });
  afterAll(() => h?.close());

  it('a file imported with the wrong --source fails; the same file with the right source is a new run that succeeds', async () => {
    const { path } = await h.generate('personas_sisben.csv', { source: 'sisben', rows: 60, seed: 1101 });
    const wrong = await runCli(['import', path, '--source', 'bdua', '--json'], { env, timeoutMs: 90_000 });
    expect(json(wrong.stdout), explain(['import', '--source bdua'], wrong)).toMatchObject({ state: 'failed' });
    const failedId = json(wrong.stdout).runId;
    const args = ['import', path, '--source', 'sisben'];
    const right = await runCli(args, { env: { ...env, JUNTOS_LANG: 'en' }, timeoutMs: 90_000 });
    expect(right.timedOut, explain(args, right)).toBe(false);
    expect(right.stderr, explain(args, right)).not.toContain('already submitted');
    expect(right.stderr).toContain(`failed before as run ${failedId}`);
    expect(right.code, explain(args, right)).toBe(0);
    const runs = await h.db.rows<{ id: number; source: string; state: string }>(
      sql`select id::int, source::text, state::text from import_runs where file_name = 'personas_sisben.csv' order by id`,
    );
    expect(runs).toEqual([
      { id: failedId, source: 'bdua', state: 'failed' },
      { id: failedId + 1, source: 'sisben', state: 'done' },
    ]);
    // The live run blocks its bytes as before: the same file again shows that run.
    const again = await runCli(['import', path, '--source', 'sisben', '--json'], { env, timeoutMs: 90_000 });
    expect(json(again.stdout)).toMatchObject({ runId: failedId + 1, state: 'done' });
    // …and the failed one cannot be retried into a second live run of the same bytes and source.
    const clash = await runCli(['runs', 'retry', String(failedId), '--source', 'sisben'], { env, timeoutMs: 60_000 });
    expect(clash.code, explain(['runs', 'retry'], clash)).toBe(1);
    expect(clash.stderr).toContain(`already run ${failedId + 1}`);
  }, 240_000);

  it('`runs retry N --source S --max-error-rate R` retries with the new options, audited', async () => {
    const { path } = await h.generate('personas_retry.csv', { source: 'sisben', rows: 80, faults: 'bad-date:20', seed: 1102 });
    const wrong = await runCli(['import', path, '--source', 'ruv', '--json'], { env, timeoutMs: 90_000 });
    const id = json(wrong.stdout).runId;
    expect(json(wrong.stdout), explain(['import'], wrong)).toMatchObject({ state: 'failed' });
    // The right source, but the default limit (10 %) refuses a quarter of rows rejected…
    const retry1 = await runCli(['runs', 'retry', String(id), '--source', 'sisben'], { env, timeoutMs: 90_000 });
    // Embedded mode runs the retried run in the command: it fails again, so the command exits 1.
    expect(retry1.code, explain(['runs', 'retry'], retry1)).toBe(1);
    const [r1] = await h.db.rows<{ state: string; failure_code: string; source: string }>(
      sql`select state::text, failure_code, source::text from import_runs where id = ${id}`,
    );
    expect(r1).toEqual({ state: 'failed', failure_code: 'ERROR_RATE_EXCEEDED', source: 'sisben' });
    // …higher limits for this run only (another population than the first test's file: all of its records would disappear).
    const retry2 = await runCli(['runs', 'retry', String(id), '--max-error-rate', '0.3', '--max-disappearance', '100%'], { env, timeoutMs: 90_000 });
    expect(retry2.code, explain(['runs', 'retry'], retry2)).toBe(0);
    const [r2] = await h.db.rows<{ state: string; source: string; max_error_rate: number }>(
      sql`select state::text, source::text, max_error_rate from import_runs where id = ${id}`,
    );
    expect(r2).toEqual({ state: 'done', source: 'sisben', max_error_rate: 0.3 });
    const audit = await h.db.rows<{ actor: string; before: any; after: any }>(
      sql`select actor, before, after from audit_events where action = 'import.retry' and subject_id = ${String(id)} order by id`,
    );
    expect(audit).toEqual([
      {
        actor: 'cli:runs retry',
        before: expect.objectContaining({ source: 'ruv', maxErrorRate: 0.1 }),
        after: expect.objectContaining({ source: 'sisben', maxErrorRate: 0.1 }),
      },
      {
        actor: 'cli:runs retry',
        before: expect.objectContaining({ source: 'sisben', failureCode: 'ERROR_RATE_EXCEEDED' }),
        after: expect.objectContaining({ maxErrorRate: 0.3, maxDisappearedRate: 1 }),
      },
    ]);
  }, 300_000);
});
