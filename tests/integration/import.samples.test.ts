/**
 * Every connector's committed sample imports end to end on PostgreSQL: the run's counters, row
 * errors, line accounting and canonical rows are exactly what parsing the sample gives.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, emptyParseStats, getConnector, type NormalizedRecord, type RowResult } from '../../connectors';
import { inspectFile, parseFile } from '../../src/imports';
import type { PersonSourceName as SourceName } from '../../src/kernel';
import { municipalityCodes } from '../../src/synthetic';
import { valuesLocation } from '../../src/registry';
import { testHub, type TestHub } from '../harness';

const sample = (p: string) => fileURLToPath(new URL(`../../connectors/${p}`, import.meta.url));

/**
 * The clean samples import on default settings; the `_con_errores` ones show many row faults on few
 * lines, above the default error-rate limit, so they are imported with a raised limit for their
 * exact row errors (samples.defaults.test.ts checks the defaults themselves).
 */
const SAMPLES: { source: SourceName; path: string; settings?: Record<string, string> }[] = [
  { source: 'sisben', path: 'sisben/samples/sisben_iv_personas_muestra.csv' },
  { source: 'bdua', path: 'bdua/samples/900156264-MS0031122024.TXT' },
  { source: 'ruv', path: 'ruv/samples/VICTIMAS_202412.txt' },
  { source: 'ruaf', path: 'ruaf/samples/RUAF_afiliados_muestra.txt' },
  { source: 'ruaf', path: 'ruaf/samples/ARL_maestro_ruaf_muestra.txt' },
  ...(
    [
      { source: 'sisben', path: 'sisben/samples/sisben_iv_personas_muestra_con_errores.csv' },
      { source: 'bdua', path: 'bdua/samples/900156264-MS0031122024_con_errores.TXT' },
      { source: 'ruv', path: 'ruv/samples/VICTIMAS_202412_con_errores.txt' },
      { source: 'ruaf', path: 'ruaf/samples/RUAF_afiliados_muestra_con_errores.txt' },
      { source: 'ruaf', path: 'ruaf/samples/ARL_maestro_ruaf_muestra_con_errores.txt' },
    ] as const
  ).map((s) => ({ ...s, settings: { IMPORT_MAX_ERROR_RATE: '0.5' } })),
];

/** What parsing the sample directly gives (the same `today` as the service: the clock is real). */
async function parsed(source: SourceName, file: string) {
  const info = await inspectFile(file);
  const stats = emptyParseStats();
  const ctx = { fileName: file.split('/').pop()!, today: new Date().toISOString().slice(0, 10), municipalities: municipalityCodes(), stats };
  const rows = await collect(parseFile(file, getConnector(source), ctx, { encoding: info.encoding }));
  // The pipeline loads the first row of each key; later ones are DUPLICATE_KEY row errors.
  const seen = new Set<string>();
  const loaded: { line: number; record: NormalizedRecord }[] = [];
  const duplicates: number[] = [];
  for (const r of rows) {
    if (!r.ok) continue;
    if (seen.has(r.record.sourceKey)) duplicates.push(r.line);
    else {
      seen.add(r.record.sourceKey);
      loaded.push({ line: r.line, record: r.record });
    }
  }
  return { rows, stats, loaded, duplicates };
}

const errorTriples = (rows: RowResult[]) => rows.flatMap((r) => (r.ok ? [] : r.errors.map((e) => `${e.line}|${e.field}|${e.code}`))).sort();

describe('committed samples import end to end', () => {
  const harnesses: TestHub[] = [];
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });

  for (const { source, path, settings } of SAMPLES) {
    it(`${path}`, async () => {
      const h = await testHub()
        .config(settings ?? {})
        .start();
      harnesses.push(h);
      const file = sample(path);
      const expected = await parsed(source, file);
      const run = await h.importFile(file, source);

      expect([run.state, run.failureCode]).toEqual(['done', null]);
      const errorRows = expected.rows.filter((r) => !r.ok).length;
      expect(run.rowsTotal).toBe(expected.rows.length);
      expect(run.rowsLoaded).toBe(expected.loaded.length);
      expect(run.rowsRejected).toBe(errorRows + expected.duplicates.length);
      expect(run.added).toBe(expected.loaded.length);
      expect(run.changed + run.unchanged + run.disappeared).toBe(0);

      // Row errors: exactly the parser's, plus DUPLICATE_KEY on each later line of a repeated key.
      const stored = await h.db.rows<{ t: string }>(sql`select line || '|' || field || '|' || code as t from import_row_errors
        where import_run_id = ${run.id} and severity = 'error' order by 1`);
      expect(stored.map((r) => r.t).sort()).toEqual([...errorTriples(expected.rows), ...expected.duplicates.map((l) => `${l}|(row)|DUPLICATE_KEY`)].sort());
      const warnings = expected.rows.reduce((n, r) => n + r.warnings.length, 0);
      const [w] = await h.db.rows<{ n: number }>(
        sql`select count(*)::int as n from import_row_errors where import_run_id = ${run.id} and severity = 'warning'`,
      );
      expect(w.n).toBe(warnings);

      // Every physical line is the header, blank, or part of a loaded or a rejected record.
      const summary = await h.imports.summary(run);
      expect(summary.lines).toEqual({
        physical: expected.stats.physicalLines,
        header: expected.stats.headerLines,
        blank: expected.stats.blankLines,
        loaded: expected.loaded.length,
        rejected: errorRows + expected.duplicates.length,
      });
      expect(summary.lines!.physical).toBe(summary.lines!.header + summary.lines!.blank + summary.lines!.loaded + summary.lines!.rejected);

      // Canonical rows: one entity and one record version per loaded row, with its identity and facts.
      const entities = await h.db.rows<Record<string, string | null>>(sql`select source_key, doc_type, doc_number, first_name, second_name,
          first_surname, second_surname, birth_date::text as birth_date, sex::text as sex, municipality_code, household_key
        from source_entities where source = ${source} and status = 'active' order by source_key`);
      const want = expected.loaded
        .map(({ record: r }) => ({
          source_key: r.sourceKey,
          doc_type: r.identity.docType,
          doc_number: r.identity.docNumber,
          first_name: r.identity.firstName,
          second_name: r.identity.secondName,
          first_surname: r.identity.firstSurname,
          second_surname: r.identity.secondSurname,
          birth_date: r.identity.birthDate,
          sex: r.identity.sex,
          municipality_code: r.municipalityCode,
          household_key: r.household?.key ?? null,
        }))
        .sort((a, b) => (a.source_key < b.source_key ? -1 : 1));
      expect(entities).toEqual(want);

      const records = await h.db.rows<{
        line_no: number;
        raw: string | null;
        normalized: NormalizedRecord | null;
        sha256: string;
        encoding: string | null;
        byte_offset: number;
        byte_length: number;
        id: number;
      }>(
        sql`select r.line_no, r.raw, r.normalized, u.sha256, u.encoding, r.byte_offset::int as byte_offset, r.byte_length, r.id::int
          from source_records r join import_runs u on u.id = r.import_run_id where r.import_run_id = ${run.id} order by r.line_no`,
      );
      expect(records.map((r) => r.line_no)).toEqual(expected.loaded.map((l) => l.line));
      for (const [i, r] of records.entries()) {
        // Neither the raw line nor the normalized values are copied: the record points into the archived file.
        expect(r.raw).toBeNull();
        expect(r.normalized).toBeNull();
        const at = { sha256: r.sha256, encoding: r.encoding, offset: r.byte_offset, length: r.byte_length };
        const line = await h.app.services.archive.rawLine(at);
        expect(line).toBe((expected.rows.find((x) => x.line === r.line_no) as RowResult).raw);
        // The values re-derived from that line are the connector's record, field for field (JSON null for absent values).
        const [view] = await h.app.repositories.facts.sourceRecordsByIds([r.id]);
        const values = await h.app.services.recordValues.normalized(valuesLocation(view)!);
        expect(values).toEqual(JSON.parse(JSON.stringify(expected.loaded[i].record)));
      }

      const [facts] = await h.db.rows<Record<string, number>>(sql`select
        (select count(*)::int from sisben_classifications where status = 'active') as sisben,
        (select count(*)::int from affiliations where status = 'active') as affiliations,
        (select count(*)::int from victim_registrations where status = 'active') as victims,
        (select count(*)::int from households where status = 'active') as households,
        (select count(*)::int from household_memberships where valid_to is null) as memberships`);
      const recs = expected.loaded.map((l) => l.record);
      expect(facts).toEqual({
        sisben: recs.filter((r) => r.sisben).length,
        affiliations: recs.filter((r) => r.affiliation).length,
        victims: recs.filter((r) => r.victim).length,
        households: new Set(recs.filter((r) => r.household).map((r) => r.household!.key)).size,
        memberships: recs.filter((r) => r.household).length,
      });
    });
  }

  it('runs through the job queue too (in-process driver, workers attached)', async () => {
    const hub = await testHub().config({ IMPORT_MAX_ERROR_RATE: '0.5', RECONCILE_TRAINING_SAMPLE: '0' }).workers().closeGrace(0).start();
    try {
      const done = await hub.importFile(sample(SAMPLES[0].path));
      expect(done?.state).toBe('done');
      expect(done?.rowsLoaded).toBeGreaterThan(0);
      expect(done?.source).toBe('sisben');
    } finally {
      await hub.close();
    }
  });
});
