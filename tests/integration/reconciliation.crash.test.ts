import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import type { Database } from '../../src/platform/db';
import { generateLinkage } from '../../src/synthetic';
import { clusters, createTestDatabase, databaseUrl, TEST_PG_ADMIN_URL, TEST_RUNTIME_ROLE, testHub, type TestDatabase } from '../harness';

/**
 * Crash safety: the same imported data is reconciled twice — once without interruption, once by a
 * child process killed with SIGKILL at random moments (mid-batch, mid-derivation, mid-merge) and
 * restarted until the runs finish. Both databases must end with the same persons, review queue,
 * golden values and facts.
 */
const CHILD = fileURLToPath(new URL('../harness/children/reconcileRun.ts', import.meta.url));
const SETTINGS = 'RECONCILE_BATCH_SIZE=150,RECONCILE_TRAINING_SAMPLE=4000';

let crashed: TestDatabase;
let cloneName: string;
let clone: Database;
let dir: string;
let runIds: number[] = [];
const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juntos-crash-'));
  const manifest = await generateLinkage({ persons: 4_000, seed: 5, outDir: dir });
  crashed = await createTestDatabase();
  // Imports only: the reconciliation runs they create stay pending.
  const engine = await testHub().database(crashed.db).pipelineDefaults().workers(false).start();
  for (const f of manifest.files) {
    const { run } = await engine.rt.app.services.imports.submit(f.path, { source: f.source, requestedBy: 'test' });
    await engine.rt.app.services.imports.process(run.id);
  }
  runIds = (await crashed.db.rows<{ id: string }>(sql`select id from reconciliation_runs order by id`)).map((r) => Number(r.id));
  await engine.close();
  await crashed.db.close();
  // The uninterrupted twin: a clone of the database before any reconciliation.
  cloneName = `${crashed.name}_twin`;
  await admin.unsafe(`create database "${cloneName}" template "${crashed.name}"`);
  // The hub's runtime role, like every other test database.
  clone = createPostgresDatabase({ url: databaseUrl(cloneName, TEST_RUNTIME_ROLE), poolMax: 4 });
  const reference = await testHub()
    .database(clone)
    .pipelineDefaults()
    .config(Object.fromEntries(SETTINGS.split(',').map((kv) => kv.split('='))))
    .workers(false)
    .start();
  for (const id of runIds) await reference.rt.app.services.reconciliation.process(id);
  await reference.close();
}, 180_000);

afterAll(async () => {
  await clone?.close();
  if (cloneName) await admin.unsafe(`drop database if exists "${cloneName}" with (force)`);
  await crashed?.drop();
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts the child; resolves with whether it finished. `kill`: after how many ms from start-up to
 * kill it (null: never), or 'merging' to kill it a few ms after a run enters its final phase
 * (derivation of facts and golden records, merges), which is short and rarely hit by a timer.
 */
function attempt(kill: number | null | { merging: number }): Promise<{ finished: boolean; killed: boolean }> {
  return new Promise((resolve, reject) => {
    let watcher: ReturnType<typeof postgres> | null = null;
    const stopWatching = () => void watcher?.end().catch(() => undefined);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, crashed.url, ...runIds.map(String), '--set', SETTINGS], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (kill === null || !out.includes('ready') || killed) return;
      killed = true;
      if (typeof kill === 'number') {
        setTimeout(() => child.kill('SIGKILL'), kill);
        return;
      }
      watcher = postgres(crashed.url, { max: 1, onnotice: () => {} });
      const poll = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const [r] = await watcher!`select count(*)::int as n from reconciliation_runs where state = 'merging'`;
        if (r.n > 0) setTimeout(() => child.kill('SIGKILL'), kill.merging);
        else setTimeout(() => void poll().catch(() => undefined), 2);
      };
      void poll().catch(() => undefined);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      stopWatching();
      if (signal === 'SIGKILL') return resolve({ finished: false, killed: true });
      if (code !== 0) return reject(new Error(`child failed (${code}): ${err.slice(-2000)}`));
      resolve({ finished: out.includes('done'), killed: false });
    });
  });
}

async function snapshot(db: Database) {
  const persons = await clusters(db);
  const reviews = await db.rows<{
    r: string;
  }>(sql`select i.reason::text || ' ' || coalesce(e.source || ':' || e.source_key, '-') || ' ' || coalesce(c.source || ':' || c.source_key, '-') as r
    from review_items i left join source_entities e on e.id = i.source_entity_id left join source_entities c on c.id = i.candidate_entity_id order by 1`);
  // Golden values per person, keyed by the person's first record.
  const golden = await db.rows<
    Record<string, unknown>
  >(sql`select min(e.source || ':' || e.source_key) as k, p.first_name, p.second_name, p.first_surname, p.second_surname,
      p.birth_date::text, p.sex::text, p.municipality_code, p.sisben_group, p.is_victim, p.health_state::text,
      (select string_agg(i.doc_type || i.doc_number || 'x' || i.seen_count, ',' order by i.doc_type, i.doc_number) from person_identifiers i where i.person_id = p.id) as ids
    from persons p join source_entities e on e.person_id = p.id where p.status = 'active'
    group by p.id order by 1`);
  const [facts] = await db.rows<{ n: number }>(sql`select
      (select count(*) from affiliations f join source_entities e on e.id = f.source_entity_id where f.person_id is distinct from e.person_id)
    + (select count(*) from sisben_classifications f join source_entities e on e.id = f.source_entity_id where f.person_id is distinct from e.person_id)
    + (select count(*) from household_memberships f join source_entities e on e.id = f.source_entity_id where f.person_id is distinct from e.person_id)
    + (select count(*) from victim_registrations f join source_entities e on e.id = f.source_entity_id where f.person_id is distinct from e.person_id) as n`);
  const runs = await db.rows<{ state: string; records_processed: number; merges_applied: number }>(
    sql`select state::text, records_processed, merges_applied from reconciliation_runs order by id`,
  );
  const [pending] = await db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities where match_pending`);
  return { persons, reviews: reviews.map((r) => r.r), golden, factsOff: Number(facts.n), runs, pending: pending.n };
}

describe('a reconciliation killed at random moments', () => {
  it('ends exactly like an uninterrupted run', async () => {
    let kills = 0;
    let killsWhileMerging = 0;
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const db = createPostgresDatabase({ url: crashed.url, poolMax: 2 });
    const merging = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from reconciliation_runs where state = 'merging'`))[0].n > 0;
    for (let i = 0; ; i++) {
      // Attempts die within 0.35 s of start-up (a few batches); from the eighth on, every third one a
      // few ms into a run's final phase. After 40 attempts the child may finish.
      const plan = i >= 40 ? null : i >= 8 && i % 3 === 2 ? { merging: Math.floor(random() * 40) } : Math.floor(random() * 350);
      const { finished, killed } = await attempt(plan);
      if (killed) {
        kills++;
        if (await merging()) killsWhileMerging++;
      }
      if (finished) break;
      if (i > 80) throw new Error('the runs never finished');
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(killsWhileMerging).toBeGreaterThanOrEqual(1);
    try {
      const got = await snapshot(db);
      const want = await snapshot(clone);
      expect(got.runs.map((r) => r.state)).toEqual(want.runs.map((r) => r.state));
      expect(got.pending).toBe(0);
      expect(got.factsOff).toBe(0);
      expect(got.persons.length).toBeGreaterThan(1_000);
      expect(got.persons).toEqual(want.persons);
      expect(got.reviews).toEqual(want.reviews);
      expect(got.golden).toEqual(want.golden);
      expect(got.runs).toEqual(want.runs);
    } finally {
      await db.close();
    }
  }, 600_000);
});
