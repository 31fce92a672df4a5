/**
 * Parse on every core (issue 15, docs/imports.md): a run whose file is parsed by worker threads in
 * byte ranges ends exactly as one parsed in one thread — counts, line accounting, row errors (line,
 * field, code, message), and every record's line and byte range in the archived file — for a first
 * snapshot and the nightly changed extract after it (known lines recognised by the workers), in each
 * source's layout and encoding, with faults. Ranges of a few KiB put many cuts in each file.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonSourceName } from '../../src/kernel';
import { testHub, type TestHub } from '../harness';

const FAULTS = 'bad-date:3,unknown-municipality:2,wrong-columns:2,undecodable:2,missing-name:2,duplicate-line:3,mojibake:2';
const SOURCES: PersonSourceName[] = ['sisben', 'bdua', 'ruaf', 'ruv'];
const ROWS = 400;

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

  /** What a run leaves that parsing decides, without surrogate ids. */
  async function outcome(h: TestHub, runId: number) {
    const run = (await h.imports.getRun(runId))!;
    const summary = run.summary as { lines?: unknown; staged?: { delta?: unknown } };
    const errors = await h.db.rows(sql`select line, field, code, message, severity::text as severity from import_row_errors
      where import_run_id = ${runId} order by line, field, code, message`);
    const records = await h.db
      .rows(sql`select source_key, line_no, byte_offset, byte_length, encode(content_hash, 'hex') as hash, normalized::text as normalized
      from source_records where import_run_id = ${runId} order by line_no`);
    return {
      counts: [run.state, run.rowsTotal, run.rowsLoaded, run.rowsRejected, run.added, run.changed, run.unchanged, run.disappeared],
      lines: summary.lines,
      delta: summary.staged?.delta,
      errors,
      records,
    };
  }

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
