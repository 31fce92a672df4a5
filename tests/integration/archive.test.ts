/**
 * Issue 15: the received file is the provenance of its raw lines. Every imported file is kept in the
 * archive, unchanged and content-addressed; source records store where their line is (byte offset
 * and length) instead of a copy; the raw line a steward reads comes from the archive, verified, and
 * a missing or altered archive file is a typed error. `archive verify` and `archive gc` check and
 * clean the archive.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, getConnector, type NormalizedRecord } from '../../connectors';
import { ArchiveStore } from '../../src/archive';
import { parseFile } from '../../src/imports';
import { municipalityCodes } from '../../src/synthetic';
import { bearer, testHub, type ApiHub } from '../harness';

let hub: ApiHub;
let archiveDir: string;
let steward: string;
let admin: string;
const runs: { sha256: string; path: string; encoding: 'utf-8' | 'windows-1252'; source: 'sisben' | 'bdua'; name: string }[] = [];

const linesOf = (bytes: Buffer, encoding: string) =>
  (encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'win1252')).replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);

beforeAll(async () => {
  archiveDir = await mkdtemp(join(tmpdir(), 'juntos-archive-'));
  hub = await testHub().config({ ARCHIVE_DIR: archiveDir, IMPORT_CHUNK_SIZE: '50' }).workers().http().start();
  steward = await hub.token('steward');
  admin = await hub.token('admin');
  // A UTF-8 Sisbén file with a byte-order mark and CRLF, and a Windows-1252 BDUA file (bulk and chunked paths).
  for (const [name, opts] of [
    ['sisben_archivo.csv', { source: 'sisben', rows: 120, seed: 81, eol: 'crlf', bom: true }],
    ['90000-MS0031122024.TXT', { source: 'bdua', rows: 80, seed: 82 }],
  ] as const) {
    const g = await hub.generate(name, opts);
    const run = await hub.importFile(g.path, opts.source);
    expect(run.state).toBe('done');
    runs.push({ sha256: run.sha256, path: g.path, encoding: g.expected.encoding, source: opts.source, name });
  }
});
afterAll(async () => {
  await hub?.close();
  await rm(archiveDir, { recursive: true, force: true });
});

const rawOf = (id: string) =>
  hub.gql<{ person: { sourceRecords: { line: number; raw: string }[] } }>(
    `query($id: ID!) { person(id: $id) { sourceRecords { line raw } } }`,
    { id },
    bearer(steward),
  );

describe('the archive of received files', () => {
  it('keeps every received file unchanged, content-addressed and read-only, recorded in archive_files', async () => {
    for (const r of runs) {
      const path = join(archiveDir, r.sha256.slice(0, 2), r.sha256.slice(2, 4), r.sha256);
      expect(await readFile(path)).toEqual(await readFile(r.path));
      expect((await stat(path)).mode & 0o777).toBe(0o444);
    }
    const rows = await hub.db.rows<{ sha256: string }>(sql`select sha256 from archive_files order by 1`);
    expect(rows.map((r) => r.sha256)).toEqual(runs.map((r) => r.sha256).sort());
  });

  it('source records store where their line is, not a copy; every raw line read back equals the file’s', async () => {
    const [copies] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from source_records where raw is not null or byte_offset is null`);
    expect(copies.n).toBe(0);
    for (const r of runs) {
      const lines = linesOf(await readFile(r.path), r.encoding);
      const records = await hub.db.rows<{ line_no: number; byte_offset: string; byte_length: number }>(
        sql`select s.line_no, s.byte_offset, s.byte_length from source_records s join import_runs i on i.id = s.import_run_id where i.sha256 = ${r.sha256}`,
      );
      expect(records.length).toBeGreaterThan(50);
      for (const rec of records) {
        const raw = await hub.app.services.archive.rawLine({
          sha256: r.sha256,
          encoding: r.encoding,
          offset: Number(rec.byte_offset),
          length: rec.byte_length,
        });
        expect(raw).toBe(lines[rec.line_no - 1]);
      }
    }
  });

  it('a steward reads the raw line through the API (audited as before)', async () => {
    const [p] = await hub.db.rows<{ public_id: string; id: string }>(
      sql`select p.public_id, p.id from persons p join source_entities e on e.person_id = p.id where e.source = 'sisben' order by p.id limit 1`,
    );
    const res = await hub.gql<{ person: { sourceRecords: { source: string; line: number; raw: string }[] } }>(
      `query($id: ID!) { person(id: $id) { sourceRecords { source line raw } } }`,
      { id: p.public_id },
      bearer(steward),
    );
    expect(res.errors).toBeUndefined();
    const files = { SISBEN: linesOf(await readFile(runs[0].path), runs[0].encoding), BDUA: linesOf(await readFile(runs[1].path), runs[1].encoding) };
    const records = res.data!.person.sourceRecords;
    expect(records.length).toBeGreaterThan(0);
    for (const s of records) expect(s.raw).toBe(files[s.source as 'SISBEN' | 'BDUA'][s.line - 1]);
    const audit = await hub.db.rows(sql`select 1 from audit_events where person_id = ${p.id} and field = 'SourceRecord.raw'`);
    expect(audit).toHaveLength(records.length);
  });

  it('normalized values are not stored: SourceRecord.normalized and the dossier re-derive the connector’s values from the archived line (audited)', async () => {
    const [stored] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from source_records where normalized is not null`);
    expect(stored.n).toBe(0);
    // The connector's own normalization of each file, by physical line.
    const byLine = new Map<string, NormalizedRecord>();
    for (const r of runs) {
      const ctx = { fileName: r.name, today: new Date().toISOString().slice(0, 10), municipalities: municipalityCodes() };
      for (const row of await collect(parseFile(r.path, getConnector(r.source), ctx, { encoding: r.encoding })))
        if (row.ok) byLine.set(`${r.source.toUpperCase()}:${row.line}`, JSON.parse(JSON.stringify(row.record)));
    }
    // Persons of both files (the bulk path wrote the Sisbén records, the chunked path the BDUA ones).
    const persons = await hub.db.rows<{ public_id: string; id: string }>(
      sql`(select p.public_id, p.id from persons p join source_entities e on e.person_id = p.id where e.source = 'sisben' order by p.id limit 2)
        union all (select p.public_id, p.id from persons p join source_entities e on e.person_id = p.id where e.source = 'bdua' order by p.id limit 2)`,
    );
    const seen = new Set<string>();
    for (const p of persons) {
      const res = await hub.gql<{ person: { sourceRecords: { source: string; line: number; normalized: unknown }[] } }>(
        `query($id: ID!) { person(id: $id) { sourceRecords { source line normalized } } }`,
        { id: p.public_id },
        bearer(steward),
      );
      expect(res.errors).toBeUndefined();
      const records = res.data!.person.sourceRecords;
      expect(records.length).toBeGreaterThan(0);
      for (const s of records) {
        seen.add(s.source);
        expect(s.normalized).toEqual(byLine.get(`${s.source}:${s.line}`));
      }
      const audit = await hub.db.rows(sql`select 1 from audit_events where person_id = ${p.id} and field = 'SourceRecord.normalized'`);
      expect(audit).toHaveLength(records.length);

      // The titular's dossier: every stored version, the same values.
      const d = await hub.gql<{ personDossier: { sourceRecords: { source: string; line: number; normalized: unknown }[] } }>(
        `query($id: ID!) { personDossier(id: $id) { sourceRecords { source line normalized } } }`,
        { id: p.public_id },
        bearer(admin),
      );
      expect(d.errors).toBeUndefined();
      expect(d.data!.personDossier.sourceRecords.length).toBeGreaterThanOrEqual(records.length);
      for (const s of d.data!.personDossier.sourceRecords) expect(s.normalized).toEqual(byLine.get(`${s.source}:${s.line}`));
    }
    expect(seen).toEqual(new Set(['SISBEN', 'BDUA']));
  });

  it('values that no longer match the record’s content digest are RECORD_VALUES_CHANGED, never other values', async () => {
    const [r] = await hub.db.rows<{ id: string; public_id: string; h: Buffer }>(
      sql`select s.id, p.public_id, s.content_hash as h from source_records s join source_entities e on e.id = s.source_entity_id
        join persons p on p.id = e.person_id where s.source = 'sisben' order by s.id limit 1`,
    );
    // As if the connector now read that line otherwise: the digest stored at import no longer matches.
    await hub.db.rows(sql`update source_records set content_hash = ${Buffer.alloc(16)} where id = ${r.id}`);
    try {
      const res = await hub.gql(`query($id: ID!) { person(id: $id) { sourceRecords { source normalized } } }`, { id: r.public_id }, bearer(steward));
      expect(res.errors?.map((e) => e.extensions?.code)).toContain('RECORD_VALUES_CHANGED');
    } finally {
      await hub.db.rows(sql`update source_records set content_hash = ${r.h} where id = ${r.id}`);
    }
    const ok = await hub.gql(`query($id: ID!) { person(id: $id) { sourceRecords { source normalized } } }`, { id: r.public_id }, bearer(steward));
    expect(ok.errors).toBeUndefined();
  });

  it('an altered archive file is ARCHIVE_CORRUPT, a missing one ARCHIVE_MISSING; archive verify reports both', async () => {
    const [p] = await hub.db.rows<{ public_id: string }>(
      sql`select p.public_id from persons p join source_entities e on e.person_id = p.id where e.source = 'sisben' order by p.id limit 1`,
    );
    const store = new ArchiveStore(archiveDir);
    const sisben = store.pathOf(runs[0].sha256);
    const original = await readFile(sisben);
    const altered = Buffer.from(original);
    altered[altered.length - 5] ^= 0x01;
    await chmod(sisben, 0o644);
    await writeFile(sisben, altered);
    const corrupt = await rawOf(p.public_id);
    expect(corrupt.errors?.[0]?.extensions?.code).toBe('ARCHIVE_CORRUPT');
    expect(JSON.stringify(corrupt.errors)).not.toContain(original.subarray(200, 230).toString('utf8'));
    // The normalized values come from the same verified file: the same typed error.
    const corruptValues = await hub.gql(`query($id: ID!) { person(id: $id) { sourceRecords { normalized } } }`, { id: p.public_id }, bearer(steward));
    expect(corruptValues.errors?.[0]?.extensions?.code).toBe('ARCHIVE_CORRUPT');

    const bdua = store.pathOf(runs[1].sha256);
    const bduaBytes = await readFile(bdua);
    await rm(bdua, { force: true });
    const report = await hub.app.services.archive.verify();
    expect({ checked: report.checked, ok: report.ok, corrupt: report.corrupt, missing: report.missing }).toEqual({
      checked: 2,
      ok: 0,
      corrupt: [runs[0].sha256],
      missing: [runs[1].sha256],
    });
    const [b] = await hub.db.rows<{ public_id: string }>(
      sql`select p.public_id from persons p join source_entities e on e.person_id = p.id where e.source = 'bdua' order by p.id limit 1`,
    );
    const missing = await hub.gql(`query($id: ID!) { person(id: $id) { sourceRecords { source raw } } }`, { id: b.public_id }, bearer(steward));
    expect(missing.errors?.map((e) => e.extensions?.code)).toContain('ARCHIVE_MISSING');
    const missingValues = await hub.gql(`query($id: ID!) { person(id: $id) { sourceRecords { source normalized } } }`, { id: b.public_id }, bearer(steward));
    expect(missingValues.errors?.map((e) => e.extensions?.code)).toContain('ARCHIVE_MISSING');
    expect(missingValues.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');

    // Restored from the backup: intact again.
    await writeFile(sisben, original);
    await writeFile(bdua, bduaBytes);
    expect((await hub.app.services.archive.verify()).ok).toBe(2);
    expect((await rawOf(p.public_id)).errors).toBeUndefined();
  });

  it('archive gc lists files no record references (a failed run’s), removes them only when asked', async () => {
    const bad = await hub.file('sisben_vacio.csv', 'cod_mpio;ide_ficha_origen\n');
    const run = await hub.importFile(bad, 'sisben');
    expect(run.state).toBe('failed');
    const dry = await hub.app.services.archive.gc(false);
    expect(dry.unreferenced.map((f) => f.sha256)).toEqual([run.sha256]);
    expect(await new ArchiveStore(archiveDir).has(run.sha256)).toBe(true);
    const done = await hub.app.services.archive.gc(true);
    expect(done.unreferenced.map((f) => f.sha256)).toEqual([run.sha256]);
    expect(await new ArchiveStore(archiveDir).has(run.sha256)).toBe(false);
    // The files records point at are never collected.
    for (const r of runs) expect(await new ArchiveStore(archiveDir).has(r.sha256)).toBe(true);
  });
});
