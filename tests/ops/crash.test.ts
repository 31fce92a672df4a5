import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import { loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { Rng } from '../../src/synthetic';
import {
  createInbox,
  createTestDatabase,
  dropPrefix,
  sleep,
  startWorkerProcess,
  stateDigest,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type Child,
  type Inbox,
  type TestDatabase,
} from '../harness';

/**
 * Reliability promises 14 and 18, with real processes: `juntos-hub worker` is SIGKILLed at random
 * points of two imports and their reconciliations and restarted each time; the registry it leaves
 * is the one an uninterrupted run leaves (ordered hash of business columns), every chunk applied
 * once. SIGTERM in the middle of a chunk loop: exit 0 within the grace period, the job released,
 * nothing lost or doubled after a restart.
 */
const SISBEN_ROWS = 1200;
const BDUA_ROWS = 700;

let inbox: Inbox;
let files: { sisben: string; bdua: string };
const prefixes: string[] = [];
const dbs: TestDatabase[] = [];
const children: Child[] = [];

const workerEnv = (t: TestDatabase, prefix: string): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: t.url,
  DATABASE_POOL_MAX: '4',
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: prefix,
  INBOX_DIR: inbox.dir,
  // A killed worker's job is taken over after ~1 s (lock) + ~1 s (stalled check).
  WORKER_LOCK_MS: '1000',
  SWEEP_INTERVAL_MS: '1000',
  SHUTDOWN_GRACE_MS: '8000',
  IMPORT_CHUNK_SIZE: '20',
  RECONCILE_BATCH_SIZE: '40',
  // Deterministic engine: built-in model priors; no random audit sample (it is keyed on surrogate ids).
  RECONCILE_TRAINING_SAMPLE: '0',
  RECONCILE_AUDIT_SAMPLE: '0',
});

interface Scenario {
  t: TestDatabase;
  prefix: string;
  env: Record<string, string>;
  producer: Runtime;
}

async function scenario(name: string): Promise<Scenario> {
  const t = await createTestDatabase();
  dbs.push(t);
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  const env = workerEnv(t, prefix);
  // The test submits like the API does: a producer-only runtime on the same database and queue.
  const producer = await startRuntime({ config: loadConfig(env), db: t.db, logger: createLogger({ level: 'silent' }), workers: false });
  return { t, prefix, env, producer };
}

async function worker(s: Scenario): Promise<Child> {
  const c = await startWorkerProcess(s.env);
  children.push(c);
  return c;
}

type RunRow = { id: number; state: string; chunks_done: number; chunks_total: number };
type RecRow = { id: number; state: string; records_processed: number };
const importRun = async (s: Scenario, id: number) =>
  (await s.t.db.rows<RunRow>(sql`select id::int, state::text, chunks_done, chunks_total from import_runs where id = ${id}`))[0];
const recRun = async (s: Scenario, importId: number) =>
  (await s.t.db.rows<RecRow>(sql`select id::int, state::text, records_processed from reconciliation_runs where import_run_id = ${importId}`))[0] ?? null;

/** The pipeline in a fixed order (the second file is submitted once the first is reconciled), so runs are comparable. */
async function pipeline(s: Scenario, during: (phase: 'sisben' | 'bdua', runId: number) => Promise<void>) {
  for (const phase of ['sisben', 'bdua'] as const) {
    const { run } = await s.producer.app.services.imports.submit(files[phase], { source: phase });
    await during(phase, run.id);
    await waitFor(`${phase} imported and reconciled`, async () => (await recRun(s, run.id))?.state === 'done', 90_000, 50);
  }
}

async function integrity(s: Scenario) {
  const dup = await s.t.db.rows(sql`select import_run_id, line_no from source_records group by 1, 2 having count(*) > 1`);
  expect(dup).toEqual([]);
  const runs = await s.t.db.rows<{ state: string; chunks_done: number; chunks_total: number; n: number }>(
    sql`select state::text, chunks_done, chunks_total, (select count(*)::int from import_chunks c where c.import_run_id = r.id) as n from import_runs r order by id`,
  );
  for (const r of runs) expect(r).toMatchObject({ state: 'done', chunks_done: r.chunks_total, n: r.chunks_total });
}

let baseline: Awaited<ReturnType<typeof stateDigest>>;

beforeAll(async () => {
  inbox = await createInbox();
  // Overlapping populations (same seed): the BDUA extract links to persons the Sisbén one created.
  files = {
    sisben: (await inbox.drop('sisben', { rows: SISBEN_ROWS, seed: 5, faults: 'bad-date:3' })).path,
    bdua: (await inbox.drop('bdua', { rows: BDUA_ROWS, seed: 5, faults: 'bad-document:2' })).path,
  };
  const s = await scenario('base');
  const w = await worker(s);
  const started = Date.now();
  await pipeline(s, async () => {});
  process.stderr.write(`[crash] uninterrupted pipeline: ${Date.now() - started} ms\n`);
  await integrity(s);
  baseline = await stateDigest(s.t.db);
  expect(baseline.counts.sourceRecords).toBeGreaterThan(SISBEN_ROWS);
  expect(baseline.counts.links).toBe(baseline.counts.sourceEntities);
  w.kill('SIGTERM');
  await w.exited;
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const t of dbs) await t.drop().catch(() => {});
  for (const p of prefixes) await dropPrefix(p);
  await inbox?.remove();
});

describe('SIGKILL at random points of imports and reconciliations', () => {
  it('leaves exactly the state of an uninterrupted run, every chunk applied once', async () => {
    const s = await scenario('kill');
    const rng = new Rng(Number(process.env.CRASH_SEED ?? Date.now() % 100_000));
    const kills: string[] = [];
    const recoveries: number[] = [];
    let w = await worker(s);

    /** Waits for a condition (or for the run to pass it), SIGKILLs the worker, starts a new one. */
    const killWhen = async (label: string, cond: () => Promise<boolean>, extraDelayMs = 0) => {
      await waitFor(label, cond, 60_000, 15);
      if (extraDelayMs) await sleep(extraDelayMs);
      const at = `${label}${extraDelayMs ? ` +${extraDelayMs}ms` : ''}`;
      w.kill('SIGKILL');
      await w.exited;
      kills.push(at);
      w = await worker(s);
    };

    await pipeline(s, async (phase, runId) => {
      const run = () => importRun(s, runId);
      const rec = () => recRun(s, runId);
      const past = async (states: string[]) => states.includes((await run()).state);
      // Import: while parsing/staging, then at random chunk counts of the apply loop, then around `applied`.
      await killWhen(`${phase}: parsing`, async () => past(['parsing', 'staged', 'applied', 'done']), rng.int(0, 120));
      const total = await waitFor('chunks known', async () => (await run()).chunks_total || null);
      for (const frac of [0.15, 0.5, 0.85]) {
        const k = Math.max(1, Math.round(total * (frac + (rng.next() - 0.5) * 0.1)));
        await killWhen(`${phase}: chunk ${k}/${total}`, async () => (await run()).chunks_done >= k || (await past(['applied', 'done'])));
      }
      // Reconciliation: at random record counts, then while merging/finishing.
      await killWhen(`${phase}: reconciliation started`, async () => ((await rec())?.records_processed ?? 0) > 0 || (await rec())?.state === 'done');
      const target = Math.round((phase === 'sisben' ? SISBEN_ROWS : BDUA_ROWS) * (0.4 + rng.next() * 0.3));
      await killWhen(
        `${phase}: reconciliation ${target} records`,
        async () => ((await rec())?.records_processed ?? 0) >= target || (await rec())?.state === 'done',
      );
      const t0 = Date.now();
      await waitFor('recovered after the last kill', async () => (await rec())?.state === 'done', 90_000, 20);
      recoveries.push(Date.now() - t0);
    });

    process.stderr.write(
      `[crash] ${kills.length} kills: ${kills.join(' | ')}\n[crash] time to finish after the last kill of each phase: ${recoveries.join(', ')} ms\n`,
    );
    expect(kills.length).toBeGreaterThanOrEqual(10);
    await integrity(s);
    const after = await stateDigest(s.t.db);
    expect(after.parts).toEqual(baseline.parts);
    expect(after.digest).toBe(baseline.digest);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 240_000);
});

describe('SIGTERM during a chunk', () => {
  it('exits 0 within the grace period, releases the job, and nothing is lost or doubled after a restart', async () => {
    const s = await scenario('term');
    let w = await worker(s);
    const timings: string[] = [];
    await pipeline(s, async (phase, runId) => {
      if (phase !== 'sisben') return;
      await waitFor('a few chunks applied', async () => (await importRun(s, runId)).chunks_done >= 3, 30_000, 10);
      const sent = Date.now();
      w.kill('SIGTERM');
      const exit = await w.exited;
      timings.push(`import: exit ${exit.code} after ${Date.now() - sent} ms`);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - sent).toBeLessThan(8_000);
      const stopped = await importRun(s, runId);
      expect(stopped.state).toBe('staged');
      expect(stopped.chunks_done).toBeLessThan(stopped.chunks_total);
      // Released, not failed: the job waits for the next worker without having spent an attempt.
      const job = await s.producer.queue.dashboardQueues!()
        .find((q) => q.name === 'imports')!
        .getJob(`import-${runId}`);
      expect(await job!.getState()).toBe('waiting');
      expect(job!.attemptsMade).toBe(0);
      w = await worker(s);

      await waitFor('reconciliation under way', async () => ((await recRun(s, runId))?.records_processed ?? 0) >= 200, 60_000, 10);
      const sent2 = Date.now();
      w.kill('SIGTERM');
      const exit2 = await w.exited;
      timings.push(`reconciliation: exit ${exit2.code} after ${Date.now() - sent2} ms`);
      expect(exit2).toEqual({ code: 0, signal: null });
      expect(Date.now() - sent2).toBeLessThan(8_000);
      expect((await recRun(s, runId))!.state).toBe('running');
      w = await worker(s);
    });
    process.stderr.write(`[crash] SIGTERM: ${timings.join('; ')}\n`);
    await integrity(s);
    const after = await stateDigest(s.t.db);
    expect(after.parts).toEqual(baseline.parts);
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 180_000);
});
