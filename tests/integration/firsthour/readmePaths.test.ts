import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, startWorkerProcess, testHub, TEST_REDIS_URL, uniquePrefix, type Child, type TestHub } from '../../harness';
import { explain, runCli } from './cli';

/**
 * The README's command-line path as a user takes it (issue 10, "Done when"): `import` → `reconcile`
 * → `links export`, with embedded jobs on PostgreSQL and with Redis and a `worker` process. Every
 * command runs under a timeout, so a hang fails the test. (Redis without a worker, and the PGlite demo
 * with a query, are in nobodyWaits.test.ts and graphiql.test.ts / embedded.test.ts.)
 */
const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

async function importReconcileExport(h: TestHub, env: Record<string, string>, name: string, seed: number) {
  const { path } = await h.generate(name, { source: 'sisben', rows: 200, seed });
  const imp = ['import', path, '--source', 'sisben', '--json'];
  const r = await runCli(imp, { env, timeoutMs: 120_000 });
  expect(r.timedOut, explain(imp, r)).toBe(false);
  expect(r.code, explain(imp, r)).toBe(0);
  expect(json(r.stdout), explain(imp, r)).toMatchObject({ state: 'done', rowsLoaded: 200 });

  const rec = ['reconcile', '--json'];
  const c = await runCli(rec, { env, timeoutMs: 120_000 });
  expect(c.timedOut, explain(rec, c)).toBe(false);
  expect(c.code, explain(rec, c)).toBe(0);
  expect(json(c.stdout), explain(rec, c)).toMatchObject({ state: 'done' });
  expect(json(c.stdout).persons, explain(rec, c)).toBeGreaterThan(0);

  const out = join(h.dir, `${name}.links.csv`);
  const exp = ['links', 'export', '--source', 'sisben', '--out', out];
  const e = await runCli(exp, { env, timeoutMs: 60_000 });
  expect(e.timedOut, explain(exp, e)).toBe(false);
  expect(e.code, explain(exp, e)).toBe(0);
  // One result line, in Spanish by default.
  expect(e.stderr.trim(), explain(exp, e)).toMatch(/^200 registros escritos en .*\.links\.csv$/);
  const lines = (await readFile(out, 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('source,file,line,person_id,link_type,score');
  expect(lines).toHaveLength(201);
  expect(lines.slice(1).every((l) => l.startsWith(`sisben,${name},`))).toBe(true);
}

describe('import → reconcile → links export, embedded jobs on PostgreSQL', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().start();
  });
  afterAll(() => h?.close());

  it('each command ends by itself with its result', async () => {
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: h.database!.url, RECONCILE_TRAINING_SAMPLE: '0' };
    await importReconcileExport(h, env, 'sisben_readme_embedded.csv', 1401);
  }, 300_000);
});

describe('import → reconcile → links export, Redis and a worker process', () => {
  let h: TestHub;
  let prefix: string;
  let worker: Child | undefined;
  beforeAll(async () => {
    h = await testHub().start();
    prefix = uniquePrefix('readme');
  });
  afterAll(async () => {
    if (worker) {
      worker.kill('SIGTERM');
      await worker.exited;
    }
    await h?.close();
    await dropPrefix(prefix);
  });

  it('the worker runs the jobs; the commands watch them and end with their result', async () => {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: h.database!.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      RECONCILE_TRAINING_SAMPLE: '0',
    };
    worker = await startWorkerProcess(env, 60_000);
    await importReconcileExport(h, env, 'sisben_readme_redis.csv', 1402);
  }, 300_000);
});
