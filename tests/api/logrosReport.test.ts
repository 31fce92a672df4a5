import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedLogroFixtures, type LogroPersonSpec } from '../harness/factories/logros';
import { bearer, createTestDatabase, testHub, type ApiHub, type GqlResponse, type TestDatabase } from '../harness';

/**
 * The territorial report, faceted counts and exports over HTTP: demand from the maintained aggregates,
 * territorial scopes, disclosure control for readers (primary and secondary suppression, exact figures
 * for stewards), exports as jobs with progress and audit.
 */
let t: TestDatabase;
let api: ApiHub;
let exportDir: string;

/** One adult per household; LB 13 pending (retired) or reached (active). */
function households(prefix: string, municipality: string, n: number, state: string, displaced = 0): LogroPersonSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${i}`,
    municipality,
    names: { first: 'ANA', surname1: `P${prefix}${i}` },
    birthDate: '1980-01-01',
    sisben: [{ household: `${prefix}H${i}`, docType: 'CC', docNumber: `${prefix.charCodeAt(0)}${i}00` }],
    bdua: { docType: 'CC', docNumber: `${prefix.charCodeAt(0)}${i}00`, state },
    ...(i < displaced ? { ruv: { docType: 'CC', docNumber: `${prefix.charCodeAt(0)}${i}00`, eventCode: 5 } } : {}),
  }));
}

beforeAll(async () => {
  t = await createTestDatabase();
  exportDir = await mkdtemp(join(tmpdir(), 'logros-exports-'));
  await seedLogroFixtures(t.db, [
    ...households('m', '05001', 7, 'RETIRADO', 2),
    ...households('b', '05088', 3, 'RETIRADO'),
    ...households('c', '11001', 6, 'ACTIVO'),
  ]);
  api = await testHub().database(t.db).config({ EXPORT_DIR: exportDir }).http().start();
  const run = await api.app.services.logros.requestFull('manual');
  await api.app.services.logros.process(run.id);
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
  await rm(exportDir, { recursive: true, force: true });
});

const ok = (res: GqlResponse) => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
};
const REPORT = `query($level: TerritoryLevel!, $logros: [Int!]) { territorialReport(level: $level, logros: $logros) {
  level disclosureThreshold
  lines { department { code name } municipality { code name } logroId demand { value suppressed } supply gap { value suppressed }
    reached { value suppressed } demandBySisbenGroup { group households { value suppressed } }
    demandDisplaced { value suppressed } demandNotDisplaced { value suppressed } }
} }`;
const v = (d: { value: number | null; suppressed: boolean }) => (d.suppressed ? 'hidden' : d.value);

describe('territorialReport', () => {
  it('gives stewards exact demand against supply per municipality and logro', async () => {
    const steward = await api.token('steward');
    const data = ok(await api.gql(REPORT, { level: 'MUNICIPALITY', logros: [13] }, bearer(steward)));
    expect(data.territorialReport.disclosureThreshold).toBeNull();
    const lines = data.territorialReport.lines.map((l: any) => [l.municipality.code, l.logroId, v(l.demand), l.supply, v(l.gap), v(l.reached)]);
    expect(lines).toEqual([
      ['05001', 13, 7, 0, 7, 0],
      ['05088', 13, 3, 0, 3, 0],
      ['11001', 13, 0, 0, 0, 6],
    ]);
    const medellin = data.territorialReport.lines[0];
    expect(medellin.municipality.name).toBe('Medellín');
    expect([v(medellin.demandDisplaced), v(medellin.demandNotDisplaced)]).toEqual([2, 5]);
    expect(medellin.demandBySisbenGroup.map((g: any) => [g.group, v(g.households)])).toEqual([
      ['A', 7],
      ['B', 0],
      ['C', 0],
      ['D', 0],
      [null, 0],
    ]);
  });

  it('answers operators too (they plan the offer), under disclosure control', async () => {
    const operator = await api.token('operator');
    const data = ok(await api.gql(REPORT, { level: 'MUNICIPALITY', logros: [13] }, bearer(operator)));
    expect(data.territorialReport.disclosureThreshold).toBe(5);
    expect(JSON.stringify(data)).not.toMatch(/"value":[1-4]\b/);
    expect(data.territorialReport.lines.map((l: any) => l.municipality.code)).toEqual(['05001', '05088', '11001']);
  });

  it('suppresses small counts for readers, and the cells that would give them away', async () => {
    const reader = await api.token('reader');
    const data = ok(await api.gql(REPORT, { level: 'MUNICIPALITY', logros: [13] }, bearer(reader)));
    expect(data.territorialReport.disclosureThreshold).toBe(5);
    const [medellin, bello, bogota] = data.territorialReport.lines;
    // Bello's 3 is under the threshold; Medellín's 7 would give it away from the department's 10.
    expect([v(bello.demand), v(bello.gap), v(medellin.demand), v(medellin.gap)]).toEqual(['hidden', 'hidden', 'hidden', 'hidden']);
    expect(medellin.demandBySisbenGroup.every((g: any) => g.households.suppressed)).toBe(true);
    expect([v(bogota.demand), v(bogota.reached)]).toEqual([0, 6]);
    // No exact small count anywhere in the answer.
    expect(JSON.stringify(data)).not.toMatch(/"value":[1-4]\b/);

    const dept = ok(await api.gql(REPORT, { level: 'DEPARTMENT', logros: [13] }, bearer(reader)));
    expect(dept.territorialReport.lines.map((l: any) => [l.department.code, v(l.demand), v(l.demandDisplaced), v(l.demandNotDisplaced)])).toEqual([
      ['05', 10, 'hidden', 'hidden'],
      ['11', 0, 0, 0],
    ]);
  });

  it('follows the client’s territory: a municipal client sees its municipality only', async () => {
    const bello = await api.token('steward', ['05088']);
    const data = ok(await api.gql(REPORT, { level: 'MUNICIPALITY', logros: [13] }, bearer(bello)));
    expect(data.territorialReport.lines.map((l: any) => [l.municipality.code, v(l.demand)])).toEqual([['05088', 3]]);
    const dept = ok(await api.gql(REPORT, { level: 'DEPARTMENT', logros: [13] }, bearer(bello)));
    expect(dept.territorialReport.lines.map((l: any) => [l.department.code, v(l.demand)])).toEqual([['05', 3]]);
  });
});

describe('logroCounts', () => {
  const COUNTS = `query($unit: LogroCountUnit!, $filter: LogroCountFilter, $groupBy: [LogroFacet!]!) {
    logroCounts(unit: $unit, filter: $filter, groupBy: $groupBy) { unit disclosureThreshold total { value suppressed }
      groups { municipality logroId state displaced count { value suppressed } } } }`;

  it('counts households by facets, with disclosure control for readers', async () => {
    const steward = await api.token('steward');
    const exact = ok(await api.gql(COUNTS, { unit: 'HOUSEHOLDS', filter: { logro: 13 }, groupBy: ['MUNICIPALITY', 'STATE'] }, bearer(steward)));
    expect(exact.logroCounts.groups.map((g: any) => [g.municipality, g.state, v(g.count)])).toEqual([
      ['05001', 'POR_ALCANZAR', 7],
      ['05088', 'POR_ALCANZAR', 3],
      ['11001', 'ALCANZADO', 6],
    ]);
    expect(v(exact.logroCounts.total)).toBe(16);
    const reader = await api.token('reader');
    const masked = ok(await api.gql(COUNTS, { unit: 'HOUSEHOLDS', filter: { logro: 13 }, groupBy: ['MUNICIPALITY', 'STATE'] }, bearer(reader)));
    expect(masked.logroCounts.groups.map((g: any) => v(g.count))).toEqual([7, 'hidden', 'hidden']);
    expect(v(masked.logroCounts.total)).toBe(16);
  });

  it('counts persons, filtered by displaced', async () => {
    const steward = await api.token('steward');
    const data = ok(await api.gql(COUNTS, { unit: 'PERSONS', filter: { logro: 45, displaced: true }, groupBy: ['STATE'] }, bearer(steward)));
    expect(data.logroCounts.groups.map((g: any) => [g.state, v(g.count)])).toEqual([['POR_ALCANZAR', 2]]);
  });

  it('refuses counts that would mix logros, and health state for households', async () => {
    const steward = await api.token('steward');
    const mixed = await api.gql(COUNTS, { unit: 'HOUSEHOLDS', groupBy: ['STATE'] }, bearer(steward));
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const health = await api.gql(COUNTS, { unit: 'HOUSEHOLDS', filter: { logro: 13 }, groupBy: ['HEALTH_STATE'] }, bearer(steward));
    expect(health.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('exports', () => {
  const EXPORT = `query($id: ID!) { logroExport(id: $id) { id state rowsDone rowsTotal fileName requestedBy } }`;

  it('writes the territorial report as CSV with the reader’s disclosure control, with progress and audit', async () => {
    const reader = await api.token('reader');
    const req = ok(await api.gql('mutation { exportTerritorialReport(format: CSV, logros: [13]) { id state kind format } }', undefined, bearer(reader)));
    expect(req.exportTerritorialReport).toMatchObject({ state: 'PENDING', kind: 'TERRITORIAL_REPORT', format: 'CSV' });
    const id = req.exportTerritorialReport.id;
    await api.app.services.logroExports.process(Number(id));
    const done = ok(await api.gql(EXPORT, { id }, bearer(reader))).logroExport;
    expect(done).toMatchObject({ state: 'DONE', rowsDone: 3, rowsTotal: 3 });
    const path = join(exportDir, done.fileName);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const lines = (await readFile(path, 'utf8'))
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0].split(',').slice(0, 8)).toEqual(['cod_dpto', 'departamento', 'cod_mpio', 'municipio', 'logro', 'hogares_por_alcanzar', 'cupos', 'brecha']);
    expect(lines[1].split(',').slice(2, 8)).toEqual(['05001', 'Medellín', '13', '<5', '0', '<5']);
    // A name with a comma is quoted (RFC 4180).
    expect(lines[3].startsWith('11,"Bogotá, D.C.",11001,"Bogotá, D.C.",13,0,0,0,6,')).toBe(true);
    // Another client does not see it; the request and the file are in the audit log.
    const other = await api.token('reader');
    expect(ok(await api.gql(EXPORT, { id }, bearer(other))).logroExport).toBeNull();
    const audit = await t.db.rows<any>(sql`select action from audit_events where subject_type = 'logro_export' and subject_id = ${id} order by id`);
    expect(audit.map((a) => a.action)).toEqual(['logros.export.requested', 'logros.export.written']);
  });

  it('writes the households POR ALCANZAR of a municipality as XLSX, for stewards inside their territory', async () => {
    const steward = await api.token('steward', ['05']);
    const req = ok(
      await api.gql('mutation { exportPendingHouseholds(format: XLSX, logro: 13, municipality: "05001") { id } }', undefined, bearer(steward)),
    ).exportPendingHouseholds;
    await api.app.services.logroExports.process(Number(req.id));
    const done = ok(await api.gql(EXPORT, { id: req.id }, bearer(steward))).logroExport;
    expect(done).toMatchObject({ state: 'DONE', rowsDone: 7 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(exportDir, done.fileName));
    const sheet = wb.worksheets[0];
    expect(sheet.rowCount).toBe(8);
    expect(sheet.getRow(1).getCell(1).value).toBe('id_hogar');
    expect(sheet.getRow(2).getCell(3).value).toBe('05001');

    const outside = await api.token('steward', ['11']);
    const refused = await api.gql('mutation { exportPendingHouseholds(format: CSV, logro: 13, municipality: "05001") { id } }', undefined, bearer(outside));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reader = await api.token('reader');
    const denied = await api.gql('mutation { exportPendingHouseholds(format: CSV, logro: 13, municipality: "05001") { id } }', undefined, bearer(reader));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
