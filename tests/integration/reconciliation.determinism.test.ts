import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db';
import { generateLinkage, type LinkageManifest } from '../../src/synthetic';
import { clusters, createTestDatabase, testHub, type TestDatabase } from '../harness';

/**
 * Issue 17.4: reconciliation results — the review queue included — are a function of the data and
 * the settings only, never of attempt history. Two histories that a crash produces, each compared
 * with the uninterrupted reference: the records got other ids (an import retried after a crash
 * takes a new id block), and a run stopped after two batches and resumed (it must keep the model it
 * trained instead of retraining on partly matched data). Training is on, on a sample smaller than
 * the data, so the sample's choice matters.
 */
const SETTINGS = { RECONCILE_BATCH_SIZE: '200', RECONCILE_TRAINING_SAMPLE: '1500', IMPORT_MAX_ERROR_RATE: '0.5', IMPORT_MAX_DISAPPEARED_RATE: '1' };

let dir: string;
let manifest: LinkageManifest;
const dbs: TestDatabase[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juntos-determinism-'));
  manifest = await generateLinkage({ persons: 2_500, seed: 11, outDir: dir, noise: 2.5 });
}, 120_000);

afterAll(async () => {
  for (const d of dbs) await d.drop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** Imports every file (runs stay pending), optionally after burning ids, then reconciles each run; `stopAfterBatches` interrupts the first run once. */
async function history(opts: { burnIds?: boolean; stopAfterBatches?: number } = {}) {
  const t = await createTestDatabase();
  dbs.push(t);
  if (opts.burnIds) {
    // What a crashed first attempt leaves behind: sequence values taken and never used.
    await t.db.rows(sql`select setval(pg_get_serial_sequence('source_entities', 'id'), 7777777)`);
    await t.db.rows(sql`select setval(pg_get_serial_sequence('source_records', 'id'), 5555555)`);
  }
  const hub = await testHub().database(t).config(SETTINGS).workers(false).start();
  try {
    for (const f of manifest.files) {
      const { run } = await hub.app.services.imports.submit(f.path, { source: f.source, requestedBy: 'test' });
      await hub.app.services.imports.process(run.id);
    }
    const runIds = (await t.db.rows<{ id: string }>(sql`select id from reconciliation_runs order by id`)).map((r) => Number(r.id));
    for (const [i, id] of runIds.entries()) {
      if (i === 0 && opts.stopAfterBatches) {
        // Stops at the start of batch n+1, as a released job does on shutdown.
        let checks = 0;
        const signal = {
          get aborted() {
            return ++checks > opts.stopAfterBatches!;
          },
        } as AbortSignal;
        await expect(hub.app.services.reconciliation.process(id, signal)).rejects.toThrow();
        const [r] = await t.db.rows<{ state: string; n: number }>(
          sql`select state::text as state, records_processed as n from reconciliation_runs where id = ${id}`,
        );
        expect(r.state).toBe('running');
        expect(r.n).toBeGreaterThan(0);
      }
      await hub.app.services.reconciliation.process(id);
    }
  } finally {
    await hub.close();
  }
  return snapshot(t.db);
}

async function snapshot(db: Database) {
  const reviews = await db.rows<{ r: string }>(
    sql`select i.reason::text || ' ' || i.status::text || ' ' || coalesce(e.source || ':' || e.source_key, '-') || ' ' || coalesce(c.source || ':' || c.source_key, '-') as r
        from review_items i left join source_entities e on e.id = i.source_entity_id left join source_entities c on c.id = i.candidate_entity_id order by 1`,
  );
  const models = await db.rows<{ v: string }>(sql`select version as v from linkage_models order by id`);
  const runs = await db.rows<{ state: string; v: string | null }>(sql`select state::text as state, model_version as v from reconciliation_runs order by id`);
  return { reviews: reviews.map((r) => r.r), persons: await clusters(db), models: models.map((m) => m.v), runs };
}

describe('reconciliation is a function of data and settings (issue 17.4)', () => {
  it('other ids, a stopped and resumed run: the same model, persons and review queue as the uninterrupted run', async () => {
    const want = await history();
    expect(want.models).toHaveLength(1); // training did happen
    expect(want.reviews.length).toBeGreaterThan(20);

    const otherIds = await history({ burnIds: true });
    expect(otherIds.models).toEqual(want.models);
    expect(otherIds.reviews).toEqual(want.reviews);
    expect(otherIds.persons).toEqual(want.persons);

    const resumed = await history({ stopAfterBatches: 2 });
    expect(resumed.models).toEqual(want.models); // no retraining on resume
    expect(resumed.runs).toEqual(want.runs);
    expect(resumed.reviews).toEqual(want.reviews);
    expect(resumed.persons).toEqual(want.persons);
  }, 900_000);
});
