/**
 * The embedded path: the same imports on an in-memory PGlite give the same counts — indeed the same
 * canonical tables, business column for business column — as on PostgreSQL (the bulk path for the
 * first snapshot, the chunked path for the changed one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase } from '../../src/platform/db/pglite';
import type { Database } from '../../src/platform/db';
import { generateFile } from '../../src/synthetic';
import { canonicalDigest, importCounts, testHub, type TestHub } from '../harness';

describe('PGlite', () => {
  // 10,500 rows in chunks of 2,000: the first snapshot takes the bulk path, the changed one 5 chunks.
  const CONFIG = { IMPORT_CHUNK_SIZE: '2000', IMPORT_MAX_ERROR_RATE: '0.2' };
  let pg: TestHub;
  let lite: Database & { close(): Promise<void> };
  let onPglite: TestHub;
  let dir: string;
  const files: { base: string; changed: string } = { base: '', changed: '' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'juntos-pglite-import-'));
    files.base = join(dir, 'sisben_base.csv');
    files.changed = join(dir, 'sisben_changed.csv');
    const faults = 'bad-date:4,duplicate-line:2,mojibake:1,wrong-columns:1';
    await generateFile({ source: 'sisben', rows: 10_500, seed: 91, faults, out: files.base });
    await generateFile({ source: 'sisben', rows: 10_500, seed: 91, faults, changes: { added: 100, changed: 120, removed: 80 }, out: files.changed });
    pg = await testHub().config(CONFIG).start();
    lite = await createPgliteDatabase();
    await lite.migrate();
    onPglite = await testHub().database(lite).config(CONFIG).start();
  });
  afterAll(async () => {
    await onPglite?.close();
    await lite?.close();
    await pg?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a first snapshot (bulk path) and a changed one (chunks) exactly as PostgreSQL does', async () => {
    for (const [i, file] of [files.base, files.changed].entries()) {
      const onPg = await pg.importFile(file, 'sisben');
      const onLite = await onPglite.importFile(file, 'sisben');
      expect(onLite.state).toBe('done');
      expect(Boolean((onLite.summary as { bulkLoad?: boolean }).bulkLoad)).toBe(i === 0);
      const pick = (r: typeof onPg) => [r.rowsTotal, r.rowsLoaded, r.rowsRejected, r.added, r.changed, r.unchanged, r.disappeared, r.chunksTotal, r.chunksDone];
      expect(pick(onLite)).toEqual(pick(onPg));
      expect(await importCounts(lite)).toEqual(await importCounts(pg.db));
      expect((await canonicalDigest(lite)).parts).toEqual((await canonicalDigest(pg.db)).parts);
    }
    const last = (await onPglite.imports.listRuns({ first: 1 }))[0];
    expect(last.added + last.changed + last.disappeared).toBeGreaterThan(0);
  });

  it('dry runs on PGlite too', async () => {
    const dry = await onPglite.imports.dryRun(files.base, { source: 'sisben' });
    expect(dry.wouldFail).toBe(false);
    expect(dry.rowsTotal).toBeGreaterThan(0);
  });
});
