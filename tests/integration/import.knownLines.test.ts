/**
 * Unchanged nightly lines are recognised by their text (issue 15): a clean one-line row remembers the
 * digest of the line it was read from, and a line with that digest is counted unchanged without
 * being parsed. The tests tamper with a record's content digest: a parsed row would then be found
 * changed, a recognised line is not. A new month (the checks compare dates with today) or a row with
 * warnings is always parsed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub, type TestHub } from '../harness';

describe('known lines', () => {
  const ROWS = 200;
  let today = '2026-12-02';
  const clock = { now: () => new Date(`${today}T12:00:00Z`) };
  let h: TestHub;
  let basePath: string;

  const tamper = async (n: number) => {
    await h.db.rows(sql`update source_entities set content_hash = '\\x00000000000000000000000000000000'::bytea
      where id in (select id from source_entities where source = 'sisben' order by id limit ${n})`);
  };

  beforeAll(async () => {
    h = await testHub().clock(clock).config({ IMPORT_CHUNK_SIZE: '50' }).start();
    basePath = (await h.generate('sisben_known.csv', { source: 'sisben', rows: ROWS, seed: 91 })).path;
    expect((await h.importFile(basePath, 'sisben')).state).toBe('done');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores a line digest for clean rows only, and skips the parse of a line it recognises', async () => {
    const [hashes] = await h.db.rows<{ with: number; without: number }>(sql`select
      count(*) filter (where line_hash is not null)::int as with, count(*) filter (where line_hash is null)::int as without
      from source_entities where source = 'sisben'`);
    const [warned] = await h.db.rows<{ n: number }>(sql`select count(distinct line)::int as n from import_row_errors
      where import_run_id = (select max(id) from import_runs) and severity = 'warning'`);
    expect(hashes.with + hashes.without).toBe(ROWS);
    expect(hashes.without).toBe(warned.n);
    expect(hashes.with).toBeGreaterThan(ROWS / 2);

    await tamper(3);
    // CRLF line breaks: the line text (without its break) is the same, so it is still recognised.
    const crlf = basePath.replace(/\.csv$/, '_crlf.csv');
    await writeFile(crlf, (await readFile(basePath, 'utf8')).replace(/\r?\n/g, '\r\n'));
    const run = await h.importFile(crlf, 'sisben');
    // The tampered records: not parsed (their lines are known), hence not found changed — unless a
    // tampered record is one of the rows with warnings, which are always parsed.
    const [tamperedWarned] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities
      where source = 'sisben' and content_hash = '\\x00000000000000000000000000000000'::bytea and line_hash is null`);
    expect([run.state, run.added, run.changed, run.disappeared]).toEqual(['done', 0, tamperedWarned.n, 0]);
    expect(run.unchanged).toBe(ROWS - tamperedWarned.n);
    // Warnings are reported again (their rows were parsed).
    const [again] = await h.db.rows<{ n: number }>(sql`select count(distinct line)::int as n from import_row_errors
      where import_run_id = ${run.id} and severity = 'warning'`);
    expect(again.n).toBe(warned.n);
    const summary = run.summary as { lines: { loaded: number; rejected: number } };
    expect([summary.lines.loaded, summary.lines.rejected]).toEqual([ROWS, 0]);
  });

  it('a new month parses every line again', async () => {
    today = '2027-01-03';
    // The same records (a blank line at the end: another file, the same rows).
    const copy = basePath.replace(/\.csv$/, '_next.csv');
    await writeFile(copy, (await readFile(basePath, 'utf8')) + '\n');
    const run = await h.importFile(copy, 'sisben');
    // The records tampered with earlier are read again and found changed (their true content returns).
    const [left] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities
      where source = 'sisben' and content_hash = '\\x00000000000000000000000000000000'::bytea`);
    expect(left.n).toBe(0);
    expect([run.state, run.added, run.disappeared]).toEqual(['done', 0, 0]);
    expect(run.changed).toBeGreaterThan(0);
  });
});
