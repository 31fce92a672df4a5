import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInbox,
  createTestDatabase,
  dropPrefix,
  sleep,
  spawnCli,
  startWorkerProcess,
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type Child,
  type Inbox,
  type TestDatabase,
} from '../harness';

/**
 * Reliability promise 19: several instances starting at once, and instances crashing at random
 * moments of their start, leave exactly one scheduler per source and purpose (and one pending next
 * job each). `schedule show` lists them with their next run; `schedule run-now` runs the night now.
 */
const IDS = ['inbox-scan-bdua', 'inbox-scan-oferta', 'inbox-scan-ruaf', 'inbox-scan-ruv', 'inbox-scan-sisben', 'inbox-scan-sisben_hogares', 'runs-sweep'];

let t: TestDatabase;
let inbox: Inbox;
let prefix: string;
let env: Record<string, string>;
const children: Child[] = [];
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await createInbox();
  prefix = uniquePrefix('sched');
  env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: t.url,
    DATABASE_POOL_MAX: '4',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    INBOX_DIR: inbox.dir,
    INBOX_SETTLE_MS: '0',
    WORKER_LOCK_MS: '1000',
    // Long enough that the sweep's own next job is stable while the test counts jobs.
    SWEEP_INTERVAL_MS: '60000',
    RECONCILE_TRAINING_SAMPLE: '0',
  };
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await dropPrefix(prefix);
  redis.disconnect();
  await inbox.remove();
  await t.drop();
});

/** Schedulers as BullMQ stores them (one sorted-set member per id), and the pending next job of each. */
async function schedulerState() {
  const members = await redis.zrange(`${prefix}:maintenance:repeat`, 0, -1);
  const q = new Queue('maintenance', { connection: redis.duplicate(), prefix });
  try {
    const pending = await q.getJobs(['delayed', 'waiting', 'prioritized'], 0, -1);
    const next: Record<string, number> = {};
    for (const j of pending) if (j?.repeatJobKey) next[j.repeatJobKey] = (next[j.repeatJobKey] ?? 0) + 1;
    return { ids: [...members].sort(), next };
  } finally {
    await q.close();
    await (q.opts.connection as Redis).quit().catch(() => {});
  }
}

const oneEach = Object.fromEntries(IDS.map((id) => [id, 1]));

describe('one scheduler per source and purpose', () => {
  it('three instances started at once', async () => {
    const started = Date.now();
    const three = await Promise.all([1, 2, 3].map(() => startWorkerProcess(env)));
    children.push(...three);
    process.stderr.write(`[schedulers] three workers ready in ${Date.now() - started} ms\n`);
    const s = await schedulerState();
    expect(s.ids).toEqual(IDS);
    expect(s.next).toEqual(oneEach);
    for (const c of three) c.kill('SIGTERM');
    for (const c of three) expect((await c.exited).code).toBe(0);
  }, 60_000);

  it('ten crash-restarts at random moments of their start, five at a time', async () => {
    const moments: number[] = [];
    for (let round = 0; round < 2; round++) {
      const batch = Array.from({ length: 5 }, () => {
        const c = spawnCli(['worker'], env);
        children.push(c);
        return c;
      });
      await Promise.all(
        batch.map(async (c) => {
          // Somewhere between "still loading" and "declaring schedulers" and "running".
          const ms = 300 + Math.floor(Math.random() * 2_700);
          moments.push(ms);
          await sleep(ms);
          c.kill('SIGKILL');
          await c.exited;
        }),
      );
    }
    process.stderr.write(`[schedulers] SIGKILL after ${moments.sort((a, b) => a - b).join(', ')} ms\n`);
    const s = await schedulerState();
    expect(s.ids).toEqual(IDS);
    expect(s.next).toEqual(oneEach);
  }, 60_000);

  it('a changed cron updates its scheduler in place; schedule show lists them; run-now runs the night now', async () => {
    const w = await startWorkerProcess({ ...env, INBOX_SCAN_CRON_BDUA: '30 3 1 * *' });
    children.push(w);
    const s = await schedulerState();
    expect(s.ids).toEqual(IDS);
    expect(s.next).toEqual(oneEach);

    const show = spawnCli(['schedule', 'show', '--json'], { ...env, LOG_LEVEL: 'silent', INBOX_SCAN_CRON_BDUA: '30 3 1 * *' });
    expect((await show.exited).code).toBe(0);
    const listed = JSON.parse(show.output());
    expect(listed.mode).toBe('bullmq');
    const bdua = listed.schedulers.find((x: any) => x.id === 'inbox-scan-bdua');
    expect(bdua).toMatchObject({ name: 'inbox.scan', pattern: '30 3 1 * *', tz: 'America/Bogota' });
    // 03:30 Bogotá on the 1st of a month is 08:30 UTC.
    expect(new Date(bdua.next).toISOString()).toMatch(/-01T08:30:00\.000Z$/);
    expect(listed.schedulers.filter((x: any) => x.missing)).toEqual([]);

    await inbox.drop('ruv', { rows: 40, seed: 9 });
    const started = Date.now();
    const run = spawnCli(['schedule', 'run-now', '--source', 'ruv', '--wait'], { ...env, LOG_LEVEL: 'silent' });
    expect((await run.exited).code).toBe(0);
    process.stderr.write(`[schedulers] run-now --wait (scan, import, reconciliation) took ${Date.now() - started} ms\n`);
    expect(run.output()).toMatch(/corrida \d+ ruv ruv-9-40\.txt: done/);
    const [r] = await t.db.rows<{ state: string; summary: any }>(sql`select state::text, summary from import_runs where source = 'ruv'`);
    expect(r.state).toBe('done');
    expect(r.summary.reconciliation.state).toBe('done');
    w.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 60_000);

  it('embedded mode: run-now scans, imports and reconciles in the command itself', async () => {
    const t2 = await createTestDatabase();
    try {
      const run = spawnCli(['schedule', 'run-now'], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: t2.url,
        INBOX_DIR: inbox.dir,
        INBOX_SETTLE_MS: '0',
        RECONCILE_TRAINING_SAMPLE: '0',
      });
      expect((await run.exited).code).toBe(0);
      expect(run.output()).toMatch(/corrida \d+ ruv ruv-9-40\.txt: done/);
      await waitFor(
        'summary',
        async () =>
          (await t2.db.rows<{ n: number }>(sql`select count(*)::int as n from import_runs where summary->'reconciliation'->>'state' = 'done'`))[0].n === 1,
      );
    } finally {
      await t2.drop();
    }
  }, 60_000);
});
