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

  const lineHashes = async () =>
    new Map(
      (
        await h.db.rows<{ key: string; line: string | null }>(sql`select source_key as key, encode(line_hash, 'hex') as line
          from source_entities where source = 'sisben'`)
      ).map((r) => [r.key, r.line]),
    );
  let lastMonth: Map<string, string | null>;

  it('in a new month, a dry run and a refused run write no line digest', async () => {
    today = '2027-01-03';
    lastMonth = await lineHashes();
    const content = await readFile(basePath, 'utf8');
    const dry = await h.imports.dryRun(basePath, { source: 'sisben' });
    expect(dry.wouldFail).toBe(false);
    // Refused after its plan: half the records would disappear (its unchanged half is parsed and found unchanged).
    const lines = content.split('\n');
    const half = basePath.replace(/\.csv$/, '_half.csv');
    await writeFile(half, lines.slice(0, 1 + ROWS / 2).join('\n') + '\n');
    const cut = await h.imports.submit(half, { source: 'sisben', maxDisappearedRate: 0.1 });
    const refused = await h.processRun(cut.run.id);
    expect([refused.state, refused.failureCode]).toEqual(['failed', 'DISAPPEARANCE_LIMIT_EXCEEDED']);
    // Refused after staging: one rejected row over a zero error rate.
    const bad = basePath.replace(/\.csv$/, '_bad.csv');
    await writeFile(bad, content + 'not;a;record\n');
    const rejected = await h.processRun((await h.imports.submit(bad, { source: 'sisben', maxErrorRate: 0 })).run.id);
    expect([rejected.state, rejected.failureCode]).toEqual(['failed', 'ERROR_RATE_EXCEEDED']);
    expect(await lineHashes()).toEqual(lastMonth);
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

  it('the nightly after a new month refreshes the line digests of unchanged rows (not of rows with warnings), and the next one recognises them', async () => {
    const now = await lineHashes();
    const [warned] = await h.db.rows<{ n: number }>(sql`select count(distinct line)::int as n from import_row_errors
      where import_run_id = (select max(id) from import_runs where state = 'done') and severity = 'warning'`);
    const clean = [...now.values()].filter((v) => v !== null).length;
    expect(now.size - clean).toBe(warned.n);
    // Every clean record has this month's digest, not last month's.
    expect([...now].filter(([k, v]) => v !== null && v === lastMonth.get(k))).toEqual([]);

    await tamper(20);
    const [tampered] = await h.db.rows<{ warned: number; clean: number }>(sql`select
      count(*) filter (where line_hash is null)::int as warned, count(*) filter (where line_hash is not null)::int as clean
      from source_entities where source = 'sisben' and content_hash = '\\x00000000000000000000000000000000'::bytea`);
    expect(tampered.clean).toBeGreaterThan(0);
    const again = basePath.replace(/\.csv$/, '_again.csv');
    await writeFile(again, (await readFile(basePath, 'utf8')) + '\n\n');
    const run = await h.importFile(again, 'sisben');
    // The tampered clean records are recognised by their lines, not parsed: not found changed.
    expect([run.state, run.added, run.changed, run.disappeared]).toEqual(['done', 0, tampered.warned, 0]);
    expect(run.unchanged).toBe(ROWS - tampered.warned);
    const summary = run.summary as { lines: { loaded: number; rejected: number } };
    expect([summary.lines.loaded, summary.lines.rejected]).toEqual([ROWS, 0]);
    // Nothing left to refresh: the same digests.
    const after = await lineHashes();
    expect([...after].filter(([k, v]) => v !== now.get(k))).toEqual([]);
  });

  it('a run stopped before its end writes no digest, and on resume none for a record whose content changed meanwhile', async () => {
    today = '2027-02-05';
    const before = await lineHashes();
    // The earlier test's tampered records that were recognised by their lines: parsed this month, found changed.
    const [stale] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities
      where source = 'sisben' and content_hash = '\\x00000000000000000000000000000000'::bytea`);
    expect(stale.n).toBeGreaterThan(0);
    const copy = basePath.replace(/\.csv$/, '_feb.csv');
    await writeFile(copy, (await readFile(basePath, 'utf8')) + '\n\n\n');
    const { run } = await h.imports.submit(copy, { source: 'sisben' });
    // Released before its first chunk (a worker shutting down): staged and planned, nothing applied.
    await expect(h.imports.process(run.id, AbortSignal.abort())).rejects.toThrow();
    expect((await h.imports.getRun(run.id))!.state).toBe('staged');
    expect(await lineHashes()).toEqual(before);
    // A record's content is no longer the one its line was read as (written by hand in between).
    const [victim] = await h.db.rows<{ key: string; line: string }>(sql`update source_entities
      set content_hash = '\\x00000000000000000000000000000000'::bytea
      where id = (select id from source_entities where source = 'sisben' and line_hash is not null
        and content_hash <> '\\x00000000000000000000000000000000'::bytea order by id limit 1)
      returning source_key as key, encode(line_hash, 'hex') as line`);
    const done = await h.processRun(run.id);
    expect([done.state, done.added, done.changed, done.disappeared]).toEqual(['done', 0, stale.n, 0]);
    const after = await lineHashes();
    expect(after.get(victim.key)).toBe(victim.line);
    const clean = [...before].filter(([k, v]) => v !== null && k !== victim.key);
    expect(clean.filter(([k, v]) => after.get(k) === v)).toEqual([]);
    // Its stale digest is not recognised: the next nightly parses its line and restores its content.
    const next = basePath.replace(/\.csv$/, '_feb2.csv');
    await writeFile(next, (await readFile(basePath, 'utf8')) + '\n\n\n\n');
    const again = await h.importFile(next, 'sisben');
    expect([again.state, again.added, again.changed, again.disappeared]).toEqual(['done', 0, 1, 0]);
  });
});
