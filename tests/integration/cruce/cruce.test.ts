import { readFile, stat } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { spawnCli, testHub, type TestHub } from '../../harness';
import type { CruceAccess, CruceLine } from '../../../src/cruce';
import { importRegistry, LAYOUT_HEADER, LIST, LIST_ROWS, P } from './fixture';

const admin: CruceAccess = { actor: 'test:admin', role: 'admin', scope: null, clientId: null };
const reader: CruceAccess = { actor: 'test:reader', role: 'reader', scope: null, clientId: null };
const antioquia: CruceAccess = { actor: 'test:antioquia', role: 'reader', scope: { departments: ['05'], municipalities: [] }, clientId: null };

let hub: TestHub;
const personId = async (doc: string, first: string) => {
  const [r] = await hub.db.rows<{ public_id: string }>(
    sql`select p.public_id::text from persons p join source_entities e on e.person_id = p.id where p.status = 'active' and coalesce(e.doc_number, '') = ${doc} and e.first_name = ${first} limit 1`,
  );
  return r?.public_id;
};
const answer = async (access: CruceAccess, content: string | Buffer, name = 'lista.csv', agency = 'icbf') => {
  const path = await hub.file(name, content);
  const run = await hub.app.services.cruce.runLocalFile(access, { agency, purpose: 'prueba' }, path);
  return { run, csv: run.outputCsv ? await readFile(hub.app.services.cruce.outputPath(run, 'csv')!, 'utf8') : null };
};
/** The answer CSV as objects by header name. */
const parseCsv = (csv: string) => {
  const [header, ...lines] = csv
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(';'));
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
};
const rowsOf = async (access: CruceAccess, rows: string[]) => {
  const header = LAYOUT_HEADER.split(';');
  const values = rows.map((r) => Object.fromEntries(r.split(';').map((v, i) => [header[i], v])));
  return (await hub.app.services.cruce.matchRows(access, { agency: 'icbf' }, values)).lines;
};

beforeAll(async () => {
  hub = await testHub().pipelineDefaults().workers().start();
  await importRegistry(hub);
});
afterAll(async () => hub?.close());

describe('cruce against the registry (PostgreSQL)', () => {
  let lines: Record<string, string>[];
  let run: Awaited<ReturnType<typeof answer>>['run'];

  beforeAll(async () => {
    const a = await answer(admin, LIST);
    run = a.run;
    lines = parseCsv(a.csv!);
  });

  it('answers one line per input line, in order, with its line number', () => {
    expect(run.state).toBe('done');
    expect(lines.map((l) => Number(l.linea))).toEqual(LIST_ROWS.map((_, i) => i + 2));
    expect(run).toMatchObject({ rowsTotal: 10, rowsRejected: 1, encoding: 'utf-8', delimiter: ';' });
  });

  it('Documento on the number (formatting ignored), with distance 0 and the person id', async () => {
    expect(lines[0]).toMatchObject({ tipo_cruce: 'Documento', id_persona: await personId(P.maria.doc, 'MARIA'), distancia_nombres: '0', marcas: '' });
  });

  it('Documento along the life cycle: CC in the list, TI in the registry', async () => {
    expect(lines[1]).toMatchObject({ tipo_cruce: 'Documento', id_persona: await personId(P.santiago.doc, 'SANTIAGO'), marcas: 'DOCUMENT_EVOLUTION' });
  });

  it('Fonético without a document (accents lost), and for a registry person who has none', async () => {
    expect(lines[2]).toMatchObject({ tipo_cruce: 'Fonético', id_persona: await personId(P.maria.doc, 'MARIA') });
    expect(lines[4]).toMatchObject({ tipo_cruce: 'Fonético', id_persona: await personId('', 'PEDRO') });
  });

  it('ambiguous holders of one number: the smallest name distance wins, flagged', async () => {
    const jose = await personId(P.jose.doc, 'JOSE');
    const juan = await personId(P.juan.doc, 'JUAN');
    expect(jose).not.toBe(juan); // the engine kept father and son apart (shared cédula)
    expect(lines[3]).toMatchObject({ tipo_cruce: 'Documento', id_persona: jose });
    expect(lines[3].marcas).toContain('AMBIGUOUS');
  });

  it('No cruzó for an absent person; a number held by someone with other names is flagged and set aside', () => {
    expect(lines[5]).toMatchObject({ tipo_cruce: 'No cruzó', id_persona: '', marcas: '' });
    expect(lines[8]).toMatchObject({ tipo_cruce: 'No cruzó', id_persona: '', marcas: 'DOCUMENT_NAME_MISMATCH' });
  });

  it('row errors carry line, field and code while the good rows answer', () => {
    expect(lines[7]).toMatchObject({ linea: '9', tipo_cruce: 'Error', id_persona: '' });
    expect(lines[7].errores.split(' ')).toEqual(['tipo_documento:INVALID_DOCUMENT_TYPE', 'primer_apellido:MISSING_REQUIRED', 'fecha_nacimiento:INVALID_DATE']);
    expect(run.rowsDocument + run.rowsPhonetic + run.rowsUnmatched).toBe(9);
  });

  it('facts: Sisbén group, health state and regime, displaced; victim events for admins only', async () => {
    expect(lines[0]).toMatchObject({
      sisben_grupo: 'A',
      sisben_subgrupo: 'A3',
      salud_estado: 'ACTIVO',
      salud_regimen: 'SUBSIDIADO',
      victima: 'SI',
      desplazado: 'SI',
    });
    expect(lines[0].hechos_victimizantes).toBe('5');
    const asReader = parseCsv((await answer(reader, LIST)).csv!);
    expect(Object.keys(asReader[0])).not.toContain('hechos_victimizantes');
    expect(asReader[0]).toMatchObject({ tipo_cruce: 'Documento', salud_estado: 'ACTIVO', victima: 'SI' });
    const sync = await rowsOf(reader, [LIST_ROWS[0]]);
    expect(sync[0].facts).toMatchObject({ healthState: 'ACTIVO', isDisplaced: true, victimEvents: null });
  });

  it('the XLSX answer has the same cells as the CSV', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(hub.app.services.cruce.outputPath(run, 'xlsx')!);
    const ws = wb.getWorksheet('cruce')!;
    expect(ws.rowCount).toBe(11);
    expect(ws.getRow(2).getCell(1).value).toBe(2);
    expect(ws.getRow(2).getCell(2).value).toBe('Documento');
    expect(ws.getRow(2).getCell(3).value).toBe(lines[0].id_persona);
    const mode = (await stat(hub.app.services.cruce.outputPath(run, 'xlsx')!)).mode & 0o777;
    expect(mode).toBe(0o600);
  });
});

describe('scope', () => {
  it('a person outside the client’s territory answers exactly as an absent one', async () => {
    const luisa = LIST_ROWS[6];
    const absent = LIST_ROWS[9]; // same municipality, nobody in the registry
    const unscoped = await rowsOf(reader, [luisa]);
    expect(unscoped[0].matchType).toBe('DOCUMENTO');
    const [hidden, missing] = await rowsOf(antioquia, [luisa, absent]);
    const { line: _a, ...h } = hidden;
    const { line: _b, ...m } = missing;
    expect(h).toEqual(m);
    expect(hidden).toMatchObject({ matchType: 'NO_CRUZO', personPublicId: null, flags: [], facts: null });
    // Inside the territory everything still answers.
    expect((await rowsOf(antioquia, [LIST_ROWS[0]]))[0].matchType).toBe('DOCUMENTO');
  });

  it('a scoped file answer has the same cells for the hidden and the absent person', async () => {
    const { csv } = await answer(antioquia, LAYOUT_HEADER + '\n' + LIST_ROWS[6] + '\n' + LIST_ROWS[9] + '\n');
    const [a, b] = parseCsv(csv!);
    expect({ ...a, linea: '' }).toEqual({ ...b, linea: '' });
  });
});

describe('encodings and delimiters', () => {
  it.each([
    ['utf8', ','],
    ['win1252', '|'],
    ['latin1', '\t'],
  ] as const)('%s with %j answers as the UTF-8 ; file', async (encoding, delimiter) => {
    const text = LIST.replace(/;/g, delimiter);
    const bytes = encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding);
    const { run, csv } = await answer(admin, bytes, `lista-${encoding}.txt`);
    expect(run).toMatchObject({ state: 'done', delimiter, encoding: encoding === 'utf8' ? 'utf-8' : 'windows-1252' });
    const got = parseCsv(csv!).map((l) => [l.tipo_cruce, l.id_persona, l.marcas]);
    const { csv: reference } = await answer(admin, LIST);
    expect(got).toEqual(parseCsv(reference!).map((l) => [l.tipo_cruce, l.id_persona, l.marcas]));
  });
});

describe('bad files', () => {
  it('a file without the layout’s columns fails its run with a code, answers nothing and is audited', async () => {
    const { run } = await answer(admin, 'nombre;apellido\nANA;LOPEZ\n', 'mala.csv');
    expect(run).toMatchObject({ state: 'failed', failureCode: 'MISSING_COLUMNS', outputCsv: null });
    expect(run.failureReason).not.toMatch(/ANA|LOPEZ/);
  });

  it('a binary file fails with BINARY_FILE', async () => {
    const { run } = await answer(admin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'lista.xlsx');
    expect(run).toMatchObject({ state: 'failed', failureCode: 'BINARY_FILE' });
  });

  it('operators cannot run a cruce (personal data)', async () => {
    await expect(hub.app.services.cruce.matchRows({ ...admin, role: 'operator' }, { agency: 'icbf' }, [{}])).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('audit', () => {
  it('every cruce writes one audit event with who, how many rows and the purpose, and no personal data', async () => {
    const { run } = await answer(admin, LIST, 'auditada.csv', 'sena');
    const rows = await hub.db.rows<{ actor: string; action: string; reason: string; after: any; subject_id: string }>(
      sql`select actor, action, reason, after, subject_id from audit_events where subject_type = 'CruceRun' and subject_id = ${run.publicId}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'test:admin', action: 'cruce', reason: 'prueba' });
    expect(rows[0].after).toMatchObject({ agency: 'sena', origin: 'cli', rows: 10, rejected: 1 });
    const text = JSON.stringify(rows[0]);
    for (const canary of ['43876512', 'MARIA', 'MUÑOZ', '1972', 'CHAVERRA']) expect(text).not.toContain(canary);
    const runRow = JSON.stringify((await hub.db.rows(sql`select * from cruce_runs where id = ${run.id}`))[0]);
    for (const canary of ['43876512', 'MARIA', 'CHAVERRA']) expect(runRow).not.toContain(canary);
  });
});

describe('delivered services', () => {
  const services = (agency: string) =>
    hub.db.rows<{
      program: string;
      logro_id: number | null;
      attention_date: string | null;
      status: string;
      first_run_id: string;
      last_run_id: string;
      first_line: number;
      person: string;
    }>(
      sql`select d.program, d.logro_id, d.attention_date::text, d.status, d.first_run_id, d.last_run_id, d.first_line, p.public_id::text as person
        from delivered_services d join persons p on p.id = d.person_id where d.agency = ${agency} order by d.program, d.attention_date`,
    );

  it('the service columns of matched rows become facts with provenance; unmatched rows keep nothing', async () => {
    const { run } = await answer(admin, LIST, 'servicios.csv', 'svc');
    const rows = await services('svc');
    expect(rows.map((r) => [r.program, r.logro_id, r.attention_date, r.status, r.first_line])).toEqual([
      ['FAMILIAS EN ACCION', 13, '2025-10-15', 'active', 2],
      ['JOVENES EN ACCION', null, '2025-09-01', 'active', 6],
    ]);
    expect(rows[0].person).toBe(await personId(P.maria.doc, 'MARIA'));
    expect(rows.every((r) => Number(r.first_run_id) === run.id)).toBe(true);
    expect(run.servicesRecorded).toBe(2);
  });

  it('re-sending the same file adds nothing: the services keep their first run and take the last one', async () => {
    const first = (await services('svc'))[0].first_run_id;
    const { run } = await answer(admin, LIST, 'servicios-otra-vez.csv', 'svc');
    const rows = await services('svc');
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.first_run_id)).toEqual([first, first]);
    expect(rows.map((r) => Number(r.last_run_id))).toEqual([run.id, run.id]);
  });

  it('snapshot per agency and programme: a later list of the programme makes the services it no longer carries vanish', async () => {
    const later = LAYOUT_HEADER + '\n' + LIST_ROWS[0].replace('15/10/2025', '20/11/2025') + '\n';
    await answer(admin, later, 'servicios-noviembre.csv', 'svc');
    const rows = await services('svc');
    expect(rows.map((r) => [r.program, r.attention_date, r.status])).toEqual([
      ['FAMILIAS EN ACCION', '2025-10-15', 'vanished'],
      ['FAMILIAS EN ACCION', '2025-11-20', 'active'],
      ['JOVENES EN ACCION', '2025-09-01', 'active'], // another programme: untouched
    ]);
    // Another agency's services are its own.
    await rowsOf(admin, [LIST_ROWS[0]]);
    expect(await services('svc')).toHaveLength(3);
  });
});

describe('CLI', () => {
  it('juntos-hub cruce FILE --agency A --out F --json answers the file and prints the counts', async () => {
    const path = await hub.file('cli.csv', LIST);
    const out = `${hub.dir}/respuesta.xlsx`;
    const cli = spawnCli(['cruce', path, '--agency', 'icbf', '--role', 'reader', '--out', out, '--json'], {
      DATABASE_URL: hub.database!.url,
      DATA_DIR: hub.dir,
      LOG_LEVEL: 'silent',
    });
    expect((await cli.exited).code).toBe(0);
    const summary = JSON.parse(cli.output().trim().split('\n').pop()!);
    expect(summary).toMatchObject({ state: 'done', rows: 10, document: 4, phonetic: 2, unmatched: 3, rejected: 1, ambiguous: 1 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.getWorksheet('cruce')!.getRow(1).values).not.toContain('hechos_victimizantes');
    const bad = spawnCli(['cruce', path, '--agency', 'NOT VALID'], { DATABASE_URL: hub.database!.url, DATA_DIR: hub.dir, LOG_LEVEL: 'silent' });
    expect((await bad.exited).code).toBe(2);
  });
});

export type { CruceLine };
