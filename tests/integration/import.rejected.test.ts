/**
 * A record whose row is rejected in this month's extract (a bad date, an unknown municipality…)
 * is still in the extract: it keeps its previous version instead of disappearing, and is counted
 * as keptRejected. A row whose key itself is unusable (wrong column count, broken key field)
 * names no record: every absent record is then held back from disappearing (issue 17).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, getConnector, parseBytes, type RowResult } from '../../connectors';
import type { PersonSourceName as SourceName } from '../../src/kernel';
import { municipalityCodes, generateBytes } from '../../src/synthetic';
import { testHub, type TestHub } from '../harness';

const ctx = (fileName: string) => ({ fileName, today: '2026-01-01', municipalities: municipalityCodes() });

describe('connectors name the record of a rejected row when its key parsed', () => {
  const FILE: Record<SourceName, string> = { sisben: 'sisben.csv', bdua: '90000-MS0031122024.TXT', ruaf: 'RUAF_afiliados.csv', ruv: 'VICTIMAS_202412.txt' };
  for (const source of ['sisben', 'bdua', 'ruaf', 'ruv'] as const) {
    it(`${source}`, async () => {
      const clean = await generateBytes({ source, rows: 60, seed: 51 });
      const faulty = await generateBytes({ source, rows: 60, seed: 51, faults: 'bad-date:3,unknown-municipality:2,missing-name:2,wrong-columns:2' });
      const ok = await collect(parseBytes(clean.bytes, getConnector(source), ctx(FILE[source])));
      const bad = await collect(parseBytes(faulty.bytes, getConnector(source), ctx(FILE[source])));
      const keyAt = new Map(ok.map((r) => [r.line, r.ok ? r.record.sourceKey : null]));
      const errors = bad.filter((r): r is Extract<RowResult, { ok: false }> => !r.ok);
      expect(errors).toHaveLength(9);
      for (const r of errors) {
        const fault = faulty.expected.errors.find((e) => e.line === r.line)!.fault;
        if (fault === 'wrong-columns') expect(r.sourceKey).toBeUndefined();
        // RUV keys include the occurrence municipality: a broken one makes the key unusable.
        else if (source === 'ruv' && fault === 'unknown-municipality') expect(r.sourceKey).toBeUndefined();
        else expect(r.sourceKey, `${fault} on line ${r.line}`).toBe(keyAt.get(r.line));
      }
    });
  }

  it('sisben: a broken key field (empty ficha) gives no key', async () => {
    const text =
      'cod_mpio;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;cod_clase;clasificacion\n' +
      '05001;;1;1;PEREZ;;ANA;;2;3;43876512;31/02/1970;1;1;A1\n' +
      '05001;5000100;1;1;PEREZ;;ANA;;2;3;43876512;31/02/1970;1;1;A1\n';
    const rows = await collect(parseBytes(Buffer.from(text), getConnector('sisben'), ctx('sisben.csv')));
    expect(rows.map((r) => (r.ok ? 'ok' : (r.sourceKey ?? null)))).toEqual([null, '5000100-1-1']);
  });
});

describe('a rejected row keeps its record', () => {
  const ROWS = 300;
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().config({ IMPORT_CHUNK_SIZE: '40' }).start();
  });
  afterAll(async () => {
    await h.close();
  });

  it('is not counted as disappeared; keeps its previous version and facts; counted as keptRejected', async () => {
    const base = await h.generate('sisben_month1.csv', { source: 'sisben', rows: ROWS, seed: 52 });
    const first = await h.importFile(base.path, 'sisben');
    expect(first.state).toBe('done');

    // Month 2: the same records, five rows rejected for a bad date or municipality (keys intact),
    // two for a wrong column count (keys unusable).
    const month2 = await h.generate('sisben_month2.csv', {
      source: 'sisben',
      rows: ROWS,
      seed: 52,
      faults: 'bad-date:3,unknown-municipality:2,wrong-columns:2',
    });
    const kept = month2.expected.errors.filter((e) => e.fault !== 'wrong-columns');
    const lost = month2.expected.errors.filter((e) => e.fault === 'wrong-columns');
    const keyOfLine = async (line: number) =>
      (await h.db.rows<{ k: string }>(sql`select source_key as k from source_records where import_run_id = ${first.id} and line_no = ${line}`))[0].k;
    const keptKeys = await Promise.all(kept.map((e) => keyOfLine(e.line)));
    const lostKeys = await Promise.all(lost.map((e) => keyOfLine(e.line)));
    const versionsBefore = await h.db.rows<{ k: string; rec: number }>(sql`select source_key as k, current_record_id::int as rec from source_entities
      where source_key = any(${`{${keptKeys.join(',')}}`}::text[]) order by 1`);

    const run = await h.importFile(month2.path, 'sisben');
    expect(run.state).toBe('done');
    const summary = await h.imports.summary(run);
    expect({
      added: run.added,
      changed: run.changed,
      unchanged: run.unchanged,
      disappeared: run.disappeared,
      keptRejected: summary.keptRejected,
      heldBack: summary.heldBack,
    }).toEqual({
      added: 0,
      changed: 0,
      unchanged: ROWS - 7,
      disappeared: 0,
      keptRejected: 5,
      heldBack: { records: 2, reasons: [{ code: 'UNREADABLE_ROWS', rows: 2 }] },
    });

    // Kept: active, same current version, facts active, membership open.
    const keptNow = await h.db.rows<{ k: string; rec: number }>(sql`select e.source_key as k, e.current_record_id::int as rec from source_entities e
      where e.source_key = any(${`{${keptKeys.join(',')}}`}::text[]) and e.status = 'active' and e.vanished_run_id is null
        and exists (select 1 from sisben_classifications f where f.source_entity_id = e.id and f.status = 'active')
        and exists (select 1 from household_memberships m where m.source_entity_id = e.id and m.valid_to is null)
      order by 1`);
    expect(keptNow).toEqual(versionsBefore);
    // Unreadable: the wrong-column rows name no record, so no absent record disappears (held back).
    const [held] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities
      where source_key = any(${`{${lostKeys.join(',')}}`}::text[]) and status = 'active'`);
    expect(held.n).toBe(2);

    // A dry run of the same month reports the same.
    const second = await h.generate('sisben_month2_again.csv', {
      source: 'sisben',
      rows: ROWS,
      seed: 52,
      faults: 'bad-date:3,unknown-municipality:2,wrong-columns:2',
      eol: 'crlf',
    });
    const dry = await h.imports.dryRun(second.path, { source: 'sisben' });
    expect({ disappeared: dry.disappeared, keptRejected: dry.keptRejected, unchanged: dry.unchanged, heldBack: dry.heldBack }).toEqual({
      disappeared: 0,
      keptRejected: 5,
      unchanged: ROWS - 7,
      heldBack: { records: 2, reasons: [{ code: 'UNREADABLE_ROWS', rows: 2 }] },
    });
  });

  it('keeps records out of the mass-disappearance guard', async () => {
    // Month 3: a quarter of the rows rejected for a bad date (keys intact) with a generous error limit:
    // nothing disappears, so the 20 % disappearance guard does not trip.
    const loose = await testHub().config({ IMPORT_MAX_ERROR_RATE: '0.5', IMPORT_MAX_DISAPPEARED_RATE: '0.2' }).start();
    try {
      const base = await loose.generate('sisben_m1.csv', { source: 'sisben', rows: 200, seed: 53 });
      expect((await loose.importFile(base.path, 'sisben')).state).toBe('done');
      const m3 = await loose.generate('sisben_m3.csv', { source: 'sisben', rows: 200, seed: 53, faults: 'bad-date:25%' });
      const run = await loose.importFile(m3.path, 'sisben');
      expect([run.state, run.failureCode, run.disappeared]).toEqual(['done', null, 0]);
      expect((await loose.imports.summary(run)).keptRejected).toBe(50);
    } finally {
      await loose.close();
    }
  });
});
