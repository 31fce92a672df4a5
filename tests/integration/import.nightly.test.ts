/**
 * The nightly case (issue 15): a file is compared in Node with the source's key → digest map, so an
 * unchanged row costs no staged row; only added and changed rows are staged, with the keys no row
 * named. The map must never be stale: a run staged while an earlier run of the source was still
 * unfinished is compared again once that run has applied.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaitForEarlierRunError } from '../../src/imports';
import { testHub, type TestHub } from '../harness';

describe('nightly delta staging', () => {
  const ROWS = 300;
  const SEED = 77;
  let h: TestHub;
  let basePath: string;

  beforeAll(async () => {
    h = await testHub().config({ IMPORT_CHUNK_SIZE: '40' }).start();
    basePath = (await h.generate('sisben_base.csv', { source: 'sisben', rows: ROWS, seed: SEED })).path;
    expect((await h.importFile(basePath, 'sisben')).state).toBe('done');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stages no row for an unchanged extract; a run staged before an earlier one applied is compared again', async () => {
    const changed = await h.generate('sisben_c1.csv', { source: 'sisben', rows: ROWS, seed: SEED, changes: { added: 10, changed: 20, removed: 5 } });
    const again = await h.generate('sisben_again.csv', { source: 'sisben', rows: ROWS, seed: SEED, eol: 'crlf' });
    const { run: earlier } = await h.imports.submit(changed.path, { source: 'sisben' });
    const { run: later } = await h.imports.submit(again.path, { source: 'sisben' });

    // The later run stages against the source as it is now (the base): every row unchanged, none staged.
    await expect(h.imports.process(later.id)).rejects.toBeInstanceOf(WaitForEarlierRunError);
    const [staged] = await h.db.rows<{ rows: number; absent: number }>(sql`select
      (select count(*)::int from ${sql.raw(`juntos_staging.import_staging_${later.id}`)}) as rows,
      (select count(*)::int from ${sql.raw(`juntos_staging.import_staging_${later.id}_absent`)} where source_key is not null) as absent`);
    expect(staged).toEqual({ rows: 0, absent: 0 });
    const waiting = (await h.imports.getRun(later.id))!;
    expect(waiting.state).toBe('staged');
    const delta = (waiting.summary as { staged: { delta: { unchangedByChunk: number[] } } }).staged.delta;
    expect(delta.unchangedByChunk.reduce((a, n) => a + n, 0)).toBe(ROWS);
    expect(delta.unchangedByChunk).toHaveLength(waiting.chunksTotal);

    // The earlier run applies first; the later one then sees a source changed since its staging.
    const e = await h.processRun(earlier.id);
    expect([e.state, e.added, e.changed, e.unchanged, e.disappeared]).toEqual(['done', 10, 20, ROWS - 25, 5]);
    const l = await h.processRun(later.id);
    // Against the earlier run's snapshot: the 5 removed reappear, the 20 changed revert, the 10 added vanish.
    expect([l.state, l.added, l.changed, l.unchanged, l.disappeared]).toEqual(['done', 5, 20, ROWS - 25, 10]);
    const [chunks] = await h.db.rows<{ unchanged: number; n: number }>(
      sql`select sum(unchanged)::int as unchanged, count(*)::int as n from import_chunks where import_run_id = ${later.id}`,
    );
    expect(chunks).toEqual({ unchanged: ROWS - 25, n: l.chunksTotal });
  });

  it('a repeated key whose first row is unchanged: DUPLICATE_KEY naming the first line, the first row wins', async () => {
    const text = (await readFile(basePath, 'utf8')).replace(/\r?\n$/, '');
    const lines = text.split(/\r?\n/);
    // The first data row again at the end.
    const repeat = lines[1];
    const path = basePath.replace(/\.csv$/, '_dup.csv');
    await writeFile(path, [...lines, repeat].join('\n') + '\n');
    const run = await h.importFile(path, 'sisben');
    expect([run.state, run.rowsLoaded, run.rowsRejected, run.added, run.changed, run.unchanged, run.disappeared]).toEqual(['done', ROWS, 1, 0, 0, ROWS, 0]);
    const errors = await h.db.rows<{ line: number; code: string; message: string }>(
      sql`select line, code, message from import_row_errors where import_run_id = ${run.id}`,
    );
    expect(errors).toEqual([
      { line: lines.length + 1, code: 'DUPLICATE_KEY', message: 'The record key of this row repeats line 2 of the same file; only the first is loaded.' },
    ]);
    const summary = run.summary as { lines: { loaded: number; rejected: number } };
    expect([summary.lines.loaded, summary.lines.rejected]).toEqual([ROWS, 1]);
  });
});
