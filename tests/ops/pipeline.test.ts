import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonSourceName as SourceName } from '../../src/kernel';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import { loadConfig } from '../../src/platform/config';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/platform/logger';
import { createInbox, createTestDatabase, dropPrefix, spawnCli, TEST_REDIS_URL, uniquePrefix, waitFor, type Inbox, type TestDatabase } from '../harness';

/**
 * Done-when of issue #5: fixture files dropped into the inboxes and the schedule triggered run the
 * whole pipeline (scan → import → reconciliation → nightly summary) to `done` with the expected
 * counts, on the in-process driver and on real Redis; operators see it through GraphQL, the CLI,
 * /metrics and the queue dashboard.
 */
const ROWS: Record<SourceName, number> = { sisben: 120, bdua: 80, ruaf: 60, ruv: 50 };
const FAULTS = 'bad-date:2,bad-document:1';

interface Env {
  t: TestDatabase;
  inbox: Inbox;
  runtime: Runtime;
  http: HttpServer;
  expected: Record<string, { okRows: number; errorRows: number }>;
  prefix?: string;
}

async function setUp(mode: 'inline' | 'bullmq'): Promise<Env> {
  const t = await createTestDatabase();
  const inbox = await createInbox();
  const expected: Env['expected'] = {};
  for (const [source, rows] of Object.entries(ROWS) as [SourceName, number][]) {
    const { expected: e } = await inbox.drop(source, { rows, seed: 11, faults: FAULTS });
    expected[source] = { okRows: e.okRows, errorRows: e.errorRows };
  }
  const prefix = mode === 'bullmq' ? uniquePrefix('pipe') : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: t.url,
    INBOX_DIR: inbox.dir,
    INBOX_SETTLE_MS: '0',
    // A scheduled scan every second: the real scheduler, without waiting for a real night.
    INBOX_SCAN_CRON: mode === 'inline' ? '* * * * * *' : '0 2 * * *',
    SWEEP_INTERVAL_MS: '1000',
    IMPORT_CHUNK_SIZE: '40',
    RECONCILE_BATCH_SIZE: '50',
    RECONCILE_TRAINING_SAMPLE: '0',
    WORKER_LOCK_MS: '2000',
    ...(mode === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix! } : {}),
  });
  const runtime = await startRuntime({ config, db: t.db, logger: createLogger({ level: 'silent' }), workers: true, schedules: true });
  const http = await startHttpServer(runtime.app, { port: 0, host: '127.0.0.1' });
  return { t, inbox, runtime, http, expected, prefix };
}

async function tearDown(env: Env | undefined) {
  if (!env) return;
  await env.http.close();
  await env.runtime.close(2_000);
  if (env.prefix) await dropPrefix(env.prefix);
  await env.inbox.remove();
  await env.t.drop();
}

async function allDone(env: Env) {
  return waitFor(
    'every source imported, reconciled and summarized',
    async () => {
      const runs = await env.t.db.rows<{ source: string; state: string; summary: any }>(
        sql`select source::text, state::text, summary from import_runs order by id`,
      );
      return runs.length === 4 && runs.every((r) => r.state === 'done' && r.summary?.reconciliation?.state === 'done') && runs;
    },
    // Four imports and their reconciliations take ~10 s on an idle machine; a loaded CI box can take
    // several times that. The wait names what it waits for, inside the test's own timeout.
    150_000,
    200,
  );
}

async function checkPipeline(env: Env) {
  const runs = await allDone(env);
  const rows = await env.t.db.rows<{ id: number; source: string; rows_loaded: number; rows_rejected: number; added: number; requested_by: string }>(
    sql`select id::int, source::text, rows_loaded, rows_rejected, added, requested_by from import_runs order by id`,
  );
  for (const r of rows) {
    expect(r.requested_by).toBe('inbox-scan');
    expect(r.rows_loaded, r.source).toBe(env.expected[r.source].okRows);
    expect(r.rows_rejected, r.source).toBe(env.expected[r.source].errorRows);
    expect(r.added).toBe(r.rows_loaded);
  }
  // One reconciliation per import, each finished; the nightly summary holds rows, errors, diff, links, review items.
  const [{ n }] = await env.t.db.rows<{ n: number }>(
    sql`select count(*)::int as n from reconciliation_runs where state = 'done' and import_run_id is not null`,
  );
  expect(n).toBe(4);
  for (const r of runs) {
    const s = r.summary;
    expect(s).toMatchObject({
      state: 'done',
      rowsLoaded: expect.any(Number),
      rowsRejected: expect.any(Number),
      added: expect.any(Number),
      errorsByCode: expect.any(Array),
    });
    expect(s.reconciliation).toMatchObject({ state: 'done', links: expect.any(Number), reviewItems: expect.any(Number), autoLinkRate: expect.any(Number) });
    expect(s.reconciliation.links).toBe(s.reconciliation.autoLinked + s.reconciliation.newPersons);
  }
  const linked = runs.reduce((a, r) => a + r.summary.reconciliation.links, 0);
  const [{ entities }] = await env.t.db.rows<{ entities: number }>(sql`select count(*)::int as entities from source_entities where person_id is not null`);
  expect(linked).toBe(entities);
  return rows;
}

async function rescanChangesNothing(env: Env) {
  const before = await env.t.db.rows(sql`select path, last_seen_at from inbox_files order by path`);
  const scans = await env.runtime.app.services.ops.scanner.scan();
  // The four person sources' files again; the table sources' inboxes (sisben_hogares, oferta) are not set up here.
  expect(scans.map((s) => [s.source, s.files, s.unchanged, s.started.length])).toEqual([
    ...['sisben', 'bdua', 'ruaf', 'ruv'].map((source) => [source, 1, 1, 0]),
    ['sisben_hogares', 0, 0, 0],
    ['oferta', 0, 0, 0],
  ]);
  // Not hashed again: the bookkeeping row was not even touched.
  expect(await env.t.db.rows(sql`select path, last_seen_at from inbox_files order by path`)).toEqual(before);
  // The same bytes under another name: hashed, recognized, no new run; the input is never modified.
  const copy = join(env.inbox.dir, 'ruv', 'copy-of-ruv.txt');
  const [orig] = await env.t.db.rows<{ path: string }>(sql`select path from inbox_files where source = 'ruv'`);
  const { readFile } = await import('node:fs/promises');
  await writeFile(copy, await readFile(orig.path));
  const past = new Date(Date.now() - 60_000);
  await utimes(copy, past, past);
  const [ruv] = await env.runtime.app.services.ops.scanner.scan(['ruv']);
  expect(ruv).toMatchObject({ files: 2, unchanged: 1, duplicates: 1, started: [] });
  const [{ n }] = await env.t.db.rows<{ n: number }>(sql`select count(*)::int as n from import_runs`);
  expect(n).toBe(4);
}

describe('nightly pipeline, embedded (in-process driver, short cron)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setUp('inline');
  });
  afterAll(() => tearDown(env));

  it('scheduled scan → imports → reconciliation → summaries, expected counts; rescans skip unchanged files', async () => {
    const schedulers = await env.runtime.queue.listSchedulers();
    expect(schedulers.map((s) => s.id)).toEqual([
      'inbox-scan-bdua',
      'inbox-scan-oferta',
      'inbox-scan-ruaf',
      'inbox-scan-ruv',
      'inbox-scan-sisben',
      'inbox-scan-sisben_hogares',
      'runs-sweep',
    ]);
    expect(schedulers.find((s) => s.id === 'inbox-scan-sisben')).toMatchObject({ pattern: '* * * * * *', tz: 'America/Bogota' });
    await checkPipeline(env);
    await rescanChangesNothing(env);
  }, 180_000);

  it('/admin/queues answers a clear page in embedded mode (behind operator auth)', async () => {
    const url = `${env.http.url}/admin/queues`;
    const anon = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/admin/login');
    const token = (await env.runtime.app.services.clients.create({ name: 'pipe-operator', role: 'operator', actor: 'test' })).token;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('No queue dashboard in embedded mode');
    expect(html).toMatch(/<td>imports<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>\d+<\/td>/);
  });
});

describe('nightly pipeline on Redis (BullMQ job schedulers, manual trigger)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setUp('bullmq');
  });
  afterAll(() => tearDown(env));

  it('run-now → imports → reconciliation → summaries, expected counts; one scheduler per source', async () => {
    const schedulers = await env.runtime.queue.listSchedulers();
    expect(schedulers.map((s) => [s.id, s.pattern, s.tz, s.everyMs])).toEqual([
      ['inbox-scan-bdua', '0 2 * * *', 'America/Bogota', null],
      ['inbox-scan-oferta', '0 2 * * *', 'America/Bogota', null],
      ['inbox-scan-ruaf', '0 2 * * *', 'America/Bogota', null],
      ['inbox-scan-ruv', '0 2 * * *', 'America/Bogota', null],
      ['inbox-scan-sisben', '0 2 * * *', 'America/Bogota', null],
      ['inbox-scan-sisben_hogares', '0 2 * * *', 'America/Bogota', null],
      ['runs-sweep', null, null, 1000],
    ]);
    // 02:00 in Bogotá (UTC−5) is 07:00 UTC.
    expect(schedulers[0].next!.getUTCHours()).toBe(7);
    await env.runtime.queue.enqueue('inbox.scan', { trigger: 'manual' }, { jobId: 'inbox-scan-manual-test' });
    const rows = await checkPipeline(env);
    await rescanChangesNothing(env);

    // The nightly summary through GraphQL and the CLI.
    const operator = (await env.runtime.app.services.clients.create({ name: 'pipe-operator-2', role: 'operator', actor: 'test' })).token;
    const res = await fetch(`${env.http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body: JSON.stringify({ query: `{ importRun(id: "${rows[0].id}") { state summary } }` }),
    });
    const body = (await res.json()) as any;
    expect(body.data.importRun.summary.reconciliation.state).toBe('done');
    const cli = spawnCli(['runs', 'show', String(rows[0].id)], {
      DATABASE_URL: env.t.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: env.prefix!,
      LOG_LEVEL: 'silent',
    });
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/conciliación done: \d+ registros, \d+ enlaces automáticos, \d+ personas nuevas, \d+ por revisar/);
  }, 180_000);

  it('/metrics: protected; runs by source and state, rows, last success, reconciliation, queue depth, latency', async () => {
    const url = `${env.http.url}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const reader = (await env.runtime.app.services.clients.create({ name: 'pipe-reader', role: 'reader', actor: 'test' })).token;
    expect((await fetch(url, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    const operator = (await env.runtime.app.services.clients.create({ name: 'pipe-operator-3', role: 'operator', actor: 'test' })).token;
    const res = await fetch(url, { headers: { authorization: `Bearer ${operator}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('juntos_import_runs{source="sisben",state="done"} 1');
    expect(text).toContain(`juntos_import_rows_loaded_total{source="bdua"} ${env.expected.bdua.okRows}`);
    expect(text).toContain(`juntos_import_rows_rejected_total{source="ruv"} ${env.expected.ruv.errorRows}`);
    expect(text).toMatch(/juntos_import_last_success_timestamp_seconds\{source="ruaf"\} 1\d{9}/);
    expect(text).toContain('juntos_reconciliation_runs{state="done"} 4');
    expect(text).toMatch(/juntos_reconciliation_records_total\{outcome="auto_linked"\} \d+/);
    expect(text).toMatch(/juntos_reconciliation_last_auto_link_ratio \d/);
    expect(text).toMatch(/juntos_queue_jobs\{queue="imports",state="completed"\} [1-9]/);
    expect(text).toMatch(/juntos_job_duration_seconds_count\{job="import.run",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/juntos_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="2xx"\} [1-9]/);
    expect(text).toMatch(/juntos_graphql_operation_duration_seconds_count\{operation="query",field="importRun",outcome="ok"\} [1-9]/);
    expect(text).not.toMatch(/runId|source_key|doc_number/);
  });

  it('/admin/queues: bull-board behind the login form (cookie) or a bearer token', async () => {
    const base = env.http.url;
    const operator = (await env.runtime.app.services.clients.create({ name: 'pipe-operator-4', role: 'operator', actor: 'test' })).token;
    const reader = (await env.runtime.app.services.clients.create({ name: 'pipe-reader-2', role: 'reader', actor: 'test' })).token;
    expect((await fetch(`${base}/admin/queues/api/queues`)).status).toBe(401);
    const refused = await fetch(`${base}/admin/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: reader }) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const login = await fetch(`${base}/admin/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: operator }) });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/admin/queues');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/juntos_ops=.+; Max-Age=28800; Path=\/admin; Expires=.+; HttpOnly; SameSite=Strict/);
    const pageRes = await fetch(`${base}/admin/queues`, { headers: { cookie: cookie.split(';')[0] } });
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('x-frame-options')).toBe('DENY');
    expect(await pageRes.text()).toContain('<div id="root">');
    const api = await fetch(`${base}/admin/queues/api/queues?activeQueue=imports&status=completed&page=1&jobsPerPage=10`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(api.status).toBe(200);
    const queues = ((await api.json()) as any).queues.map((q: any) => q.name).sort();
    expect(queues).toEqual(['cruce', 'exports', 'imports', 'logros', 'maintenance', 'reconciliation']);
  });
});
