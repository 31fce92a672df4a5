/**
 * Reliability promise 12: a file with K malformed rows loads every valid row and reports exactly K
 * row errors with line, field and code (the generator's expected.json says which); a key repeated
 * inside a file is a DUPLICATE_KEY error on the later line; every physical line is accounted for.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { PersonSourceName as SourceName } from '../../src/kernel';
import { valuesLocation } from '../../src/registry';
import { testHub, type TestHub } from '../harness';

const COMMON = 'bad-date:4,future-date:2,unknown-municipality:3,wrong-columns:2,undecodable:2,missing-name:3,bad-document:2,duplicate-line:3,mojibake:2';
const CASES: { source: SourceName; rows: number; faults: string }[] = [
  { source: 'sisben', rows: 400, faults: `${COMMON},invalid-subgroup:3` },
  { source: 'bdua', rows: 300, faults: COMMON },
  { source: 'ruaf', rows: 300, faults: COMMON },
  { source: 'ruv', rows: 600, faults: COMMON },
];

// A source's first snapshot takes the bulk path when it has at least max(IMPORT_CHUNK_SIZE, 10,000)
// rows: a few hundred rows are applied chunk by chunk, ten thousand in chunks of 500 take the bulk path.
describe.each([
  { path: 'chunked', chunkSize: '50', scale: 1 },
  { path: 'bulk', chunkSize: '500', scale: 0 },
])('a file with injected bad rows ($path apply)', ({ path: applyPath, chunkSize, scale }) => {
  // One database per source: each file is its source's first snapshot and the only data in the hub.
  const harnesses: TestHub[] = [];
  afterAll(async () => {
    await Promise.all(harnesses.map((x) => x.close()));
  });

  for (const c of CASES) {
    it(`${c.source}: loads every valid row and reports exactly the injected errors`, async () => {
      const h = await testHub().config({ IMPORT_CHUNK_SIZE: chunkSize }).start();
      harnesses.push(h);
      const rows = scale ? c.rows : 10_500;
      const { path, expected } = await h.generate(`faults-${c.source}-${expected_name(c.source)}`, { source: c.source, rows, faults: c.faults, seed: 11 });
      const k = expected.errors.length;
      expect(k).toBeGreaterThan(15);
      const run = await h.importFile(path, c.source);

      expect([run.state, run.failureCode]).toEqual(['done', null]);
      expect(Boolean((run.summary as { bulkLoad?: boolean }).bulkLoad)).toBe(applyPath === 'bulk');
      expect(run.chunksDone).toBe(run.chunksTotal);
      const dups = expected.duplicates.length;
      expect(dups).toBe(3);
      expect(run.rowsTotal).toBe(expected.dataLines);
      expect(run.rowsLoaded).toBe(expected.okRows - dups);
      expect(run.rowsRejected).toBe(k + dups);
      expect(run.added).toBe(expected.okRows - dups);

      // Exactly one error per injected fault: same line, same field, same code; and DUPLICATE_KEY on the later line.
      const stored = await h.db.rows<{ line: number; field: string; code: string }>(
        sql`select line, field, code from import_row_errors where import_run_id = ${run.id} and severity = 'error' order by line, code`,
      );
      const want = [
        ...expected.errors.map((e) => ({ line: e.line, field: e.field, code: e.code })),
        ...expected.duplicates.map((d) => ({ line: d.line, field: '(row)', code: 'DUPLICATE_KEY' })),
      ].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
      expect(stored).toEqual(want);
      const [dupMessage] = await h.db.rows<{ message: string }>(
        sql`select message from import_row_errors where import_run_id = ${run.id} and code = 'DUPLICATE_KEY' and line = ${expected.duplicates[0].line}`,
      );
      expect(dupMessage.message).toContain(`line ${expected.duplicates[0].of}`);

      // The error summary counts by code match the generator's.
      const summary = await h.imports.summary(run);
      const byCode: Record<string, number> = {};
      for (const e of summary.errorsByCode.filter((x) => x.severity === 'error')) byCode[e.code] = (byCode[e.code] ?? 0) + e.count;
      expect(byCode).toEqual({ ...expected.errorsByCode, DUPLICATE_KEY: dups });

      // Line accounting: header + blank + loaded + rejected = every physical line.
      expect(summary.lines).toEqual({
        physical: expected.physicalLines,
        header: expected.header ? 1 : 0,
        blank: 0,
        loaded: expected.okRows - dups,
        rejected: k + dups,
      });

      // Loaded rows are in the canonical tables; rejected lines are not.
      const lines = await h.db.rows<{ line_no: number }>(sql`select line_no from source_records where import_run_id = ${run.id} order by 1`);
      const rejected = new Set([...expected.errors.map((e) => e.line), ...expected.duplicates.map((d) => d.line)]);
      const firstLine = expected.header ? 2 : 1;
      const all = Array.from({ length: expected.dataLines }, (_, i) => firstLine + i);
      expect(lines.map((l) => l.line_no)).toEqual(all.filter((l) => !rejected.has(l)));

      // Double-encoded surnames come out repaired (in the record's entity, and in its values re-derived from the archived line).
      for (const r of expected.repaired) {
        const [row] = await h.db.rows<{ s: string; id: number }>(
          sql`select e.first_surname as s, r.id::int from source_records r join source_entities e on e.id = r.source_entity_id
            where r.import_run_id = ${run.id} and r.line_no = ${r.line}`,
        );
        expect(row.s).toBe(r.value);
        const [view] = await h.app.repositories.facts.sourceRecordsByIds([row.id]);
        const values = (await h.app.services.recordValues.normalized(valuesLocation(view)!)) as { identity: { firstSurname: string } };
        expect(values.identity.firstSurname).toBe(r.value);
      }
    });
  }
});

/** A distinct file name per source that the connector still recognizes (BDUA needs its MS pattern). */
function expected_name(source: SourceName): string {
  return { sisben: 'sisben_iv.csv', bdua: '90000-MS0031122024.TXT', ruaf: 'RUAF_afiliados.csv', ruv: 'VICTIMAS_202412.txt' }[source];
}
