/**
 * Reliability promise 11: the same file bytes submitted twice — one after the other, at the same
 * time, or from two processes — give one run and zero extra row changes. The rows one import of a
 * file writes are measured on a separate, empty control database.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceName } from '../../src/kernel';
import { importCounts, spawnCli, testHub, type TestHub } from '../harness';

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));

describe('the same bytes submitted twice', () => {
  let h: TestHub;
  let control: TestHub;
  beforeAll(async () => {
    [h, control] = await Promise.all([testHub().start(), testHub().start()]);
  });
  afterAll(async () => {
    await Promise.all([h.close(), control.close()]);
  });

  /** The rows one import of the file writes (imported alone into the empty control database). */
  async function rowsOfOneImport(path: string, source: SourceName) {
    const before = await importCounts(control.db);
    const run = await control.importFile(path, source);
    expect(run.state).toBe('done');
    return diff(await importCounts(control.db), before);
  }

  it('one after the other: the second submission returns the first run and changes nothing', async () => {
    const { path } = await h.generate('sisben_twice.csv', { source: 'sisben', rows: 300, faults: 'bad-date:3,duplicate-line:2', seed: 21 });
    const first = await h.importFile(path, 'sisben');
    expect(first.state).toBe('done');
    const after = await importCounts(h.db);

    const again = await h.imports.submit(path, { source: 'sisben' });
    expect(again.created).toBe(false);
    expect(again.run.id).toBe(first.id);
    // The same bytes under another name are the same file.
    const copy = join(h.dir, 'renamed_sisben.csv');
    await copyFile(path, copy);
    const renamed = await h.imports.submit(copy, { source: 'sisben' });
    expect([renamed.created, renamed.run.id]).toEqual([false, first.id]);
    // Advancing the finished run again is a no-op.
    await h.processRun(first.id);
    expect(await importCounts(h.db)).toEqual(after);
    expect(await rowsOfOneImport(path, 'sisben')).toEqual(diff(after, {}));
  });

  it('at the same time: two submissions and two workers advancing the run give one run and the rows of one import', async () => {
    const { path } = await h.generate('90000-MS0031122024.TXT', { source: 'bdua', rows: 300, faults: 'bad-date:2,duplicate-line:2', seed: 22 });
    const before = await importCounts(h.db);
    const [a, b] = await Promise.all([h.imports.submit(path, { source: 'bdua' }), h.imports.submit(path, { source: 'bdua' })]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.run.id).toBe(b.run.id);
    // Two workers picking up the run at once: one advances it, the other waits for the run lock.
    const [ra, rb] = await Promise.all([h.processAsWorker(a.run.id), h.processAsWorker(b.run.id)]);
    const run = (await h.imports.getRun(a.run.id))!;
    expect([ra.state, rb.state, run.state]).toContain('done');
    expect(run.state).toBe('done');
    expect(run.chunksDone).toBe(run.chunksTotal);
    expect(diff(await importCounts(h.db), before)).toEqual(await rowsOfOneImport(path, 'bdua'));
  });

  it('from two processes at once (the CLI and this process): one run, the rows of one import', async () => {
    const { path } = await h.generate('RUAF_afiliados_twice.csv', { source: 'ruaf', rows: 300, faults: 'bad-date:2', seed: 23 });
    const before = await importCounts(h.db);
    const cli = spawnCli(['import', path, '--source', 'ruaf', '--json'], {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: h.database!.url,
      RECONCILE_TRAINING_SAMPLE: '0',
    });
    // This process submits the same bytes while the CLI starts, then advances the run as a worker
    // would (the CLI's own in-process worker may be advancing it: one waits for the other).
    const mine = await h.imports.submit(path, { source: 'ruaf' });
    await h.processAsWorker(mine.run.id);
    const exit = await cli.exited;
    expect(exit.code, cli.output()).toBe(0);
    const printed = JSON.parse(cli.output().trim().split('\n').pop()!) as { runId: number; state: string };
    expect(printed.runId).toBe(mine.run.id);
    expect(printed.state).toBe('done');
    const [{ n }] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from import_runs where sha256 = ${mine.run.sha256}`);
    expect(n).toBe(1);
    expect(diff(await importCounts(h.db), before)).toEqual(await rowsOfOneImport(path, 'ruaf'));
  });
});
