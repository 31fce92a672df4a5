/**
 * Parse on every core (issue 15, docs/imports.md): a run whose file is parsed by worker threads in
 * byte ranges ends exactly as one parsed in one thread — counts, line accounting, row errors (line,
 * field, code, message), and every record's line and byte range in the archived file — for a first
 * snapshot and the nightly changed extract after it (known lines recognised by the workers), in each
 * source's layout and encoding, with faults. Ranges of a few KiB put many cuts in each file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PersonSourceName } from '../../src/kernel';
import { ParsePool } from '../../src/imports/parallelParse';
import { testHub, type TestHub } from '../harness';

const FAULTS = 'bad-date:3,unknown-municipality:2,wrong-columns:2,undecodable:2,missing-name:2,duplicate-line:3,mojibake:2';
const SOURCES: PersonSourceName[] = ['sisben', 'bdua', 'ruaf', 'ruv'];
const ROWS = 400;

/** What a run leaves that parsing decides, without surrogate ids. */
async function outcome(h: TestHub, runId: number) {
  const run = (await h.imports.getRun(runId))!;
  const summary = run.summary as { lines?: unknown; staged?: { delta?: unknown } };
  const errors = await h.db.rows(sql`select line, field, code, message, severity::text as severity from import_row_errors
    where import_run_id = ${runId} order by line, field, code, message`);
  const records = await h.db.rows(sql`select source_key, line_no, byte_offset, byte_length, encode(content_hash, 'hex') as hash, normalized::text as normalized
    from source_records where import_run_id = ${runId} order by line_no`);
  return {
    counts: [run.state, run.rowsTotal, run.rowsLoaded, run.rowsRejected, run.added, run.changed, run.unchanged, run.disappeared],
    lines: summary.lines,
    delta: summary.staged?.delta,
    errors,
    records,
  };
}

describe('parallel parse: the same run as one thread', () => {
  let one: TestHub;
  let many: TestHub;

  beforeAll(async () => {
    one = await testHub().config({ IMPORT_CHUNK_SIZE: '60', IMPORT_PARSE_THREADS: '1' }).start();
    many = await testHub()
      .config({ IMPORT_CHUNK_SIZE: '60', IMPORT_PARSE_THREADS: '2', IMPORT_PARSE_PARALLEL_MIN_BYTES: '0', IMPORT_PARSE_RANGE_BYTES: '4096' })
      .start();
  });
  afterAll(async () => {
    await one?.close();
    await many?.close();
  });

  for (const source of SOURCES) {
    it(`${source}: first snapshot and nightly changed extract`, async () => {
      const base = { source, rows: ROWS, seed: 31, faults: FAULTS } as const;
      const files = [
        await one.generate(`${source}_base.txt`, base),
        await one.generate(`${source}_changed.txt`, { ...base, changes: { added: 8, changed: 15, removed: 4 } }),
      ];
      for (const f of files) {
        const a = await one.importFile(f.path, source);
        const b = await many.importFile(f.path, source);
        const [oa, ob] = [await outcome(one, a.id), await outcome(many, b.id)];
        expect(oa.counts[0]).toBe('done');
        expect(oa.errors.length).toBeGreaterThan(0);
        expect(ob).toEqual(oa);
      }
      // The nightly run recognised known lines (most rows unchanged, not staged) on both sides.
      const [{ unchanged }] = await many.db.rows<{ unchanged: number }>(
        sql`select unchanged from import_runs where source = ${source} order by id desc limit 1`,
      );
      expect(unchanged).toBeGreaterThan(ROWS / 2);
    });
  }
});

describe("parallel parse: a month's first nightly in one thread", () => {
  // The line digests' seed holds the month: in the next one no line is known, every row would cross
  // threads whole, and the file is parsed in one thread instead (knownShareOfHead).
  let today = '2026-12-02';
  const clock = { now: () => new Date(`${today}T12:00:00Z`) };
  let one: TestHub;
  let many: TestHub;

  beforeAll(async () => {
    one = await testHub().clock(clock).config({ IMPORT_CHUNK_SIZE: '60', IMPORT_PARSE_THREADS: '1' }).start();
    many = await testHub()
      .clock(clock)
      .config({ IMPORT_CHUNK_SIZE: '60', IMPORT_PARSE_THREADS: '2', IMPORT_PARSE_PARALLEL_MIN_BYTES: '0', IMPORT_PARSE_RANGE_BYTES: '4096' })
      .start();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await one?.close();
    await many?.close();
  });

  it("parses the nightly of known lines on workers, the next month's in one thread, and ends as one thread does", async () => {
    const parses = vi.spyOn(ParsePool.prototype, 'parse');
    const base = { source: 'sisben', rows: ROWS, seed: 37, faults: FAULTS } as const;
    const first = await one.generate('sisben_month_base.txt', base);
    const changed = await one.generate('sisben_month_changed.txt', { ...base, changes: { added: 8, changed: 15, removed: 4 } });
    const runs = async (path: string) => [await one.importFile(path, 'sisben'), await many.importFile(path, 'sisben')];
    const same = async ([a, b]: { id: number }[]) => {
      const [oa, ob] = [await outcome(one, a.id), await outcome(many, b.id)];
      expect(oa.counts[0]).toBe('done');
      expect(ob).toEqual(oa);
      return oa;
    };
    await same(await runs(first.path));
    expect(parses).not.toHaveBeenCalled(); // a first snapshot: one thread
    await same(await runs(changed.path));
    expect(parses).toHaveBeenCalledTimes(1); // the nightly: workers

    today = '2027-01-04';
    // The first snapshot's file again (a blank line more: other bytes, the same rows), a month on: its
    // changes undone, no line known.
    const again = async (name: string, extra: string) => {
      const path = first.path.replace('sisben_month_base', name);
      await writeFile(path, Buffer.concat([await readFile(first.path), Buffer.from(extra)])); // bytes: the file has undecodable ones
      return same(await runs(path));
    };
    const monthFirst = await again('sisben_month_first', '\n');
    expect(parses).toHaveBeenCalledTimes(1);
    expect(monthFirst.counts[5]).toBeGreaterThan(0); // changed back (the added ones are held back: the faults include unreadable rows)
    // The same extract again that month: its lines were refreshed, and the workers recognise them.
    const next = await again('sisben_month_next', '\n\n');
    expect(parses).toHaveBeenCalledTimes(2);
    expect([next.counts[4], next.counts[5], next.counts[7]]).toEqual([0, 0, 0]);
  });
});
