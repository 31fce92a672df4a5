/**
 * Reliability promise 15 (encodings): Windows-1252 and Latin-1 names (Ñ, á, ü) round-trip into the
 * database; NFC and NFD spellings of the same name give the same stored value, the same key and the
 * same content digest (a re-sent extract in the other form changes nothing).
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writerFor } from '../../src/synthetic';
import { testHub, type TestHub } from '../harness';

const NAMES = ['NÚÑEZ', 'MÜLLER', 'ÁLVAREZ', 'PEÑA', 'GÜIZA', 'ÍÑIGO', 'ÑUSTES', 'CASTAÑO'];

describe('encodings', () => {
  let h: TestHub;
  beforeAll(async () => {
    h = await testHub().start();
  });
  afterAll(async () => {
    await h.close();
  });

  /** Rewrites the first surname of the first data rows of a generated file, in the given encoding. */
  async function withSurnames(path: string, source: 'bdua' | 'ruv' | 'sisben', encoding: 'win1252' | 'latin1' | 'utf8', names: string[]) {
    const w = writerFor(source, '2024-12-31');
    const eol = w.eol;
    const text = encoding === 'utf8' ? await readFile(path, 'utf8') : iconv.decode(await readFile(path), 'win1252');
    const lines = text.split(eol);
    const first = w.header ? 1 : 0;
    const at = w.fields.firstSurname!.index;
    names.forEach((name, i) => {
      const cells = lines[first + i].split(w.delimiter);
      cells[at] = name;
      lines[first + i] = cells.join(w.delimiter);
    });
    const out = lines.join(eol);
    return encoding === 'utf8' ? Buffer.from(out, 'utf8') : iconv.encode(out, encoding);
  }

  async function storedSurnames(runId: number, lines: number[]): Promise<string[]> {
    const rows = await h.db.rows<{ s: string }>(sql`select e.first_surname as s from source_records r join source_entities e on e.id = r.source_entity_id
      where r.import_run_id = ${runId} and r.line_no = any(${`{${lines.join(',')}}`}::int[]) order by r.line_no`);
    return rows.map((r) => r.s);
  }

  it('Windows-1252 (BDUA) names round-trip', async () => {
    const { path } = await h.generate('90000-MS0031122024.TXT', { source: 'bdua', rows: 20, seed: 81 });
    const bytes = await withSurnames(path, 'bdua', 'win1252', NAMES);
    expect(bytes.includes(0xd1)).toBe(true); // Ñ as one byte: not UTF-8
    const run = await h.importFile(await h.file('90001-MS0031122024.TXT', bytes), 'bdua');
    expect([run.state, run.rowsRejected]).toEqual(['done', 0]);
    expect(await storedSurnames(run.id, [1, 2, 3, 4, 5, 6, 7, 8])).toEqual(NAMES);
    const [{ enc }] = await h.db.rows<{ enc: string }>(sql`select encoding as enc from import_runs where id = ${run.id}`);
    expect(enc).toBe('windows-1252');
  });

  it('Latin-1 (RUV, » delimiter) names round-trip', async () => {
    const { path } = await h.generate('VICTIMAS_202411.txt', { source: 'ruv', rows: 200, seed: 82 });
    const bytes = await withSurnames(path, 'ruv', 'latin1', NAMES);
    expect(bytes.includes(0xbb)).toBe(true); // » as one byte
    const run = await h.importFile(await h.file('VICTIMAS_202412.txt', bytes), 'ruv');
    expect([run.state, run.rowsRejected]).toEqual(['done', 0]);
    expect(await storedSurnames(run.id, [2, 3, 4, 5, 6, 7, 8, 9])).toEqual(NAMES);
  });

  it('NFD and NFC spellings store the same value and digest: re-sending the other form changes nothing', async () => {
    const { path } = await h.generate('sisben_nfd.csv', { source: 'sisben', rows: 30, seed: 83 });
    const nfd = NAMES.map((n) => n.normalize('NFD'));
    expect(nfd.join('')).not.toBe(NAMES.join(''));
    const first = await h.importFile(await h.file('sisben_nfd_form.csv', await withSurnames(path, 'sisben', 'utf8', nfd)), 'sisben');
    expect([first.state, first.rowsRejected]).toEqual(['done', 0]);
    expect(await storedSurnames(first.id, [2, 3, 4, 5, 6, 7, 8, 9])).toEqual(NAMES);

    const second = await h.importFile(await h.file('sisben_nfc_form.csv', await withSurnames(path, 'sisben', 'utf8', NAMES)), 'sisben');
    expect(second.state).toBe('done');
    expect({ added: second.added, changed: second.changed, disappeared: second.disappeared, unchanged: second.unchanged }).toEqual({
      added: 0,
      changed: 0,
      disappeared: 0,
      unchanged: 30,
    });
    const [at] = await h.db.rows<{ sha256: string; encoding: string | null; offset: number; length: number }>(
      sql`select u.sha256, u.encoding, r.byte_offset::int as "offset", r.byte_length as "length"
        from source_records r join import_runs u on u.id = r.import_run_id where r.import_run_id = ${first.id} and r.line_no = 2`,
    );
    // The raw line, read back from the archived file, is as the file spelled it (NFD here); the normalized values are NFC.
    expect(await h.app.services.archive.rawLine(at)).toContain(nfd[0]);
  });
});
