import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testHub, waitFor, type ApiHub } from '../harness';
import { importRegistry, LAYOUT_HEADER, LIST, LIST_ROWS } from '../integration/cruce/fixture';

const FIELDS: Record<string, string> = {
  tipo_documento: 'docType',
  numero_documento: 'docNumber',
  primer_nombre: 'firstName',
  segundo_nombre: 'secondName',
  primer_apellido: 'firstSurname',
  segundo_apellido: 'secondSurname',
  fecha_nacimiento: 'birthDate',
  sexo: 'sex',
  municipio: 'municipality',
  programa: 'program',
  entidad: 'entity',
  logro: 'logro',
  fecha_atencion: 'attentionDate',
  estado: 'state',
};
/** The layout's rows as matchPersons input objects. */
const asRows = (rows: string[]) =>
  rows.map((r) => {
    const header = LAYOUT_HEADER.split(';');
    return Object.fromEntries(r.split(';').map((v, i) => [FIELDS[header[i]], v === '' ? null : v]));
  });

const MATCH = `mutation M($rows: [CruceRowInput!]!, $agency: String) {
  matchPersons(rows: $rows, agency: $agency, purpose: "focalización") {
    run { id state origin agency rowsTotal rowsDocument rowsPhonetic rowsUnmatched rowsRejected servicesRecorded }
    lines { line matchType personId nameDistance flags serviceRecorded errors { line field code } facts { sisbenGroup healthState healthRegime isVictim isDisplaced } }
  }
}`;

let api: ApiHub;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'juntos-cruce-api-'));
  await mkdir(join(dir, 'inbox', 'cruce'), { recursive: true });
  api = await testHub()
    .pipelineDefaults()
    .config({ INBOX_DIR: join(dir, 'inbox'), DATA_DIR: join(dir, 'data') })
    .workers()
    .http()
    .start();
  await importRegistry(api);
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('matchPersons (synchronous)', () => {
  it('answers the rows in order with match types, person ids, facts and row errors', async () => {
    const reader = await api.token('reader');
    const res = await api.gql(MATCH, { rows: asRows(LIST_ROWS), agency: 'dps' }, bearer(reader));
    expect(res.errors).toBeUndefined();
    const { run, lines } = res.data.matchPersons;
    expect(run).toMatchObject({
      state: 'DONE',
      origin: 'rows',
      agency: 'dps',
      rowsTotal: 10,
      rowsDocument: 4,
      rowsPhonetic: 2,
      rowsUnmatched: 3,
      rowsRejected: 1,
      servicesRecorded: 2,
    });
    expect(lines.map((l: any) => l.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines.map((l: any) => l.matchType)).toEqual([
      'DOCUMENTO',
      'DOCUMENTO',
      'FONETICO',
      'DOCUMENTO',
      'FONETICO',
      'NO_CRUZO',
      'DOCUMENTO',
      null,
      'NO_CRUZO',
      'NO_CRUZO',
    ]);
    expect(lines[0]).toMatchObject({
      nameDistance: 0,
      serviceRecorded: true,
      facts: { sisbenGroup: 'A', healthState: 'ACTIVO', healthRegime: 'SUBSIDIADO', isVictim: true, isDisplaced: true },
    });
    expect(lines[1].flags).toEqual(['DOCUMENT_EVOLUTION']);
    expect(lines[3].flags).toEqual(['AMBIGUOUS']);
    expect(lines[7].errors.map((e: any) => `${e.line}:${e.field}:${e.code}`)).toEqual([
      '8:tipo_documento:INVALID_DOCUMENT_TYPE',
      '8:primer_apellido:MISSING_REQUIRED',
      '8:fecha_nacimiento:INVALID_DATE',
    ]);
  });

  it('the delivered services are readable on the person, with their provenance', async () => {
    const res = await api.gql(MATCH, { rows: asRows([LIST_ROWS[0]]), agency: 'dps' });
    const personId = res.data.matchPersons.lines[0].personId;
    const runId = res.data.matchPersons.run.id;
    const q = `query($id: ID!) { person(id: $id) { deliveredServices { source agency program entity logro logroId attentionDate state status firstRunId firstLine lastRunId lastLine } } }`;
    const person = await api.gql(q, { id: personId }, bearer(await api.token('reader')));
    expect(person.errors).toBeUndefined();
    expect(person.data.person.deliveredServices).toEqual([
      {
        source: 'cruce:dps',
        agency: 'dps',
        program: 'FAMILIAS EN ACCION',
        entity: 'PROSPERIDAD SOCIAL',
        logro: 'LB13',
        logroId: 13,
        attentionDate: '2025-10-15',
        state: 'ACCEDIO',
        status: 'ACTIVE',
        firstRunId: expect.any(String),
        firstLine: 1,
        lastRunId: runId,
        lastLine: 1,
      },
    ]);
    // An operator gets no personal data.
    const op = await api.gql(q, { id: personId }, bearer(await api.token('operator')));
    expect(op.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('role decides the facts: a reader may not select victim events; a steward gets them', async () => {
    const q = `mutation($rows: [CruceRowInput!]!) { matchPersons(rows: $rows) { lines { matchType facts { victimEvents } } } }`;
    const rows = asRows([LIST_ROWS[0]]);
    const asReader = await api.gql(q, { rows }, bearer(await api.token('reader')));
    expect(asReader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const asSteward = await api.gql(q, { rows }, bearer(await api.token('steward')));
    expect(asSteward.errors).toBeUndefined();
    expect(asSteward.data.matchPersons.lines[0].facts.victimEvents).toEqual([5]);
    const asOperator = await api.gql(
      `mutation($rows: [CruceRowInput!]!) { matchPersons(rows: $rows) { lines { line } } }`,
      { rows },
      bearer(await api.token('operator')),
    );
    expect(asOperator.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a scoped client gets No cruzó for a person outside its territory, the same answer as for an absent one', async () => {
    const scoped = await api.token('reader', ['05']);
    const q = `mutation($rows: [CruceRowInput!]!) { matchPersons(rows: $rows) { lines { matchType personId nameDistance flags reasons facts { sisbenGroup } serviceRecorded errors { code } warnings { code } } } }`;
    const res = await api.gql(q, { rows: asRows([LIST_ROWS[6], LIST_ROWS[9]]) }, bearer(scoped));
    expect(res.errors).toBeUndefined();
    const [hidden, absent] = res.data.matchPersons.lines;
    expect(hidden).toEqual(absent);
    expect(hidden.matchType).toBe('NO_CRUZO');
  });

  it('more than 1,000 rows is a BAD_USER_INPUT error', async () => {
    const rows = Array.from({ length: 1001 }, () => ({ firstName: 'ANA', firstSurname: 'LOPEZ', birthDate: '01/01/2000' }));
    const res = await api.gql(`mutation($rows: [CruceRowInput!]!) { matchPersons(rows: $rows) { run { id } } }`, { rows });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('startCruce (job) and the answer files', () => {
  it('answers an inbox file in a job; cruce(id) shows progress and links; the download needs the token of the client that ran it', async () => {
    await writeFile(join(dir, 'inbox', 'cruce', 'beneficiarios.csv'), LIST);
    const reader = await api.token('reader');
    const started = await api.gql(`mutation { startCruce(path: "cruce/beneficiarios.csv", agency: "icbf") { id state } }`, {}, bearer(reader));
    expect(started.errors).toBeUndefined();
    const id = started.data.startCruce.id;
    const q = `query($id: ID!) { cruce(id: $id) { state progress rowsTotal rowsDocument csvUrl xlsxUrl } }`;
    let run: any;
    await waitFor('cruce done', async () => {
      run = (await api.gql(q, { id }, bearer(reader))).data?.cruce;
      return run?.state === 'DONE';
    });
    expect(run).toMatchObject({ progress: 1, rowsTotal: 10, rowsDocument: 4, csvUrl: `/cruce/${id}/respuesta.csv`, xlsxUrl: `/cruce/${id}/respuesta.xlsx` });

    const csv = await fetch(api.http.url + run.csvUrl, { headers: bearer(reader) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const text = await csv.text();
    expect(text.split('\r\n')[1]).toMatch(/^2;Documento;/);
    const xlsx = await fetch(api.http.url + run.xlsxUrl, { headers: bearer(reader) });
    expect(xlsx.status).toBe(200);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    // Another client sees neither the run nor the file; no token is 401.
    const other = await api.token('reader');
    expect((await api.gql(q, { id }, bearer(other))).data.cruce).toBeNull();
    expect((await fetch(api.http.url + run.csvUrl, { headers: bearer(other) })).status).toBe(404);
    expect((await fetch(api.http.url + run.csvUrl)).status).toBe(401);
    const downloads = await api.db.rows(sql`select 1 from audit_events where action = 'cruce.download' and subject_id = ${id}`);
    expect(downloads).toHaveLength(2);
  });

  it('only inbox files: a path outside the inbox is refused', async () => {
    const res = await api.gql(`mutation { startCruce(path: "../../etc/passwd") { id } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
