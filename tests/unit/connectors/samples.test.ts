/** Every committed sample parses to exactly these values (real encodings and delimiters). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getConnector, type RowResult } from '../../../connectors';
import { inspectFile, parseFile } from '../../../src/imports';
import type { PersonSourceName as SourceName } from '../../../src/kernel';
import { collect, ctx, errorRows, okRows } from './helpers';

const sample = (p: string) => fileURLToPath(new URL(`../../../connectors/${p}`, import.meta.url));

async function parseSample(source: SourceName, path: string): Promise<{ rows: RowResult[]; encoding: string; stats: ReturnType<typeof ctx>['stats'] }> {
  const file = sample(path);
  const info = await inspectFile(file);
  const c = ctx(path.split('/').pop());
  const rows = await collect(parseFile(file, getConnector(source), c, { encoding: info.encoding }));
  return { rows, encoding: info.encoding, stats: c.stats };
}

const codes = (rows: RowResult[]) => errorRows(rows).map((r) => [r.line, r.errors.map((e) => `${e.code}:${e.field}`).join(',')]);
const byLine = (rows: RowResult[], line: number) => {
  const r = rows.find((x) => x.line === line);
  if (!r?.ok) throw new Error(`line ${line} is not ok`);
  return r.record;
};

describe('Sisbén sample (UTF-8, ";", header)', async () => {
  const { rows, encoding, stats } = await parseSample('sisben', 'sisben/samples/sisben_iv_personas_muestra_con_errores.csv');

  it('is read as UTF-8 and every line is accounted for', () => {
    expect(encoding).toBe('utf-8');
    expect(rows).toHaveLength(16);
    expect(stats).toEqual({ physicalLines: 17, headerLines: 1, blankLines: 0, records: 16 });
  });

  it('maps a person: identity, household, Sisbén classification', () => {
    const r = byLine(rows, 2);
    expect(r.sourceKey).toBe('500010000123-1-1');
    expect(r.identity).toEqual({
      docType: 'CC',
      docNumber: '43876512',
      firstName: 'MARÍA',
      secondName: 'DEL CARMEN',
      firstSurname: 'MUÑOZ',
      secondSurname: 'PEÑA',
      birthDate: '1972-03-14',
      sex: 'F',
    });
    expect(r.municipalityCode).toBe('05001');
    expect(r.household).toEqual({ key: '500010000123-1', municipalityCode: '05001', zone: 'cabecera', ficha: '500010000123', role: 1, order: 1 });
    expect(r.sisben).toEqual({ group: 'A', subgroup: 'A3', cutDate: '2024-12-31', surveyDate: null });
  });

  it('normalizes formats: dotted cédula, 4-digit DIVIPOLA, a1/A01 subgroups, quotes', () => {
    expect(byLine(rows, 3).identity.docNumber).toBe('1023456789');
    expect(byLine(rows, 4).municipalityCode).toBe('05001');
    expect(byLine(rows, 5).sisben?.subgroup).toBe('A1');
    expect(byLine(rows, 6).sisben?.subgroup).toBe('A1');
    expect(byLine(rows, 8).identity.firstSurname).toBe('PEÑA');
  });

  it('repairs mojibake and composes NFD text (NFC)', () => {
    expect(byLine(rows, 6).identity.secondSurname).toBe('NUÑEZ');
    expect(byLine(rows, 7).identity.firstSurname).toBe('GÓMEZ');
  });

  it('keeps compound names and particles as given', () => {
    expect(byLine(rows, 5).identity.firstSurname).toBe('DE LA HOZ');
    expect(byLine(rows, 3).identity.secondName).toBe('DE JESÚS');
  });

  it('handles "no document" (0) and foreign documents (8 = PEP)', () => {
    const none = rows.find((r) => r.line === 9)!;
    expect(none.ok && none.record.identity.docType).toBe('SI');
    expect(none.ok && none.record.identity.docNumber).toBeNull();
    expect(none.warnings.map((w) => w.code)).toEqual(['NO_DOCUMENT']);
    expect(byLine(rows, 10).identity).toMatchObject({ docType: 'PE', docNumber: 'PE123456789012345' });
    expect(byLine(rows, 10).household?.key).toBe('110010000789-2');
  });

  it('warns (does not reject) document type vs age', () => {
    for (const line of [7, 12]) {
      const r = rows.find((x) => x.line === line)!;
      expect(r.ok).toBe(true);
      expect(r.warnings.map((w) => `${w.code}:${w.field}`)).toEqual(['DOCUMENT_AGE_MISMATCH:tip_documento']);
    }
  });

  it('rejects exactly the bad lines, with field and code', () => {
    expect(codes(rows)).toEqual([
      [13, 'INVALID_SUBGROUP:clasificacion'],
      [14, 'UNKNOWN_MUNICIPALITY:cod_mpio'],
      [15, 'INVALID_DATE:fec_nacimiento'],
      [16, 'INVALID_CODE:sexo_persona'],
      [17, 'MISSING_REQUIRED:pri_apellido'],
    ]);
    expect(okRows(rows)).toHaveLength(11);
  });

  it('never quotes personal data in messages', () => {
    for (const r of errorRows(rows)) for (const e of r.errors) expect(e.message).not.toMatch(/ORDÓÑEZ|PALACIOS|99999|31\/02|CUESTA/);
  });
});

describe('BDUA sample (Windows-1252, ",", no header, 43 columns)', async () => {
  const { rows, encoding } = await parseSample('bdua', 'bdua/samples/900156264-MS0031122024_con_errores.TXT');

  it('is read as Windows-1252 with Ñ and accents intact', () => {
    expect(encoding).toBe('windows-1252');
    expect(byLine(rows, 1).identity).toEqual({
      docType: 'CC',
      docNumber: '43876512',
      firstName: 'MARÍA',
      secondName: 'DEL CARMEN',
      firstSurname: 'MUÑOZ',
      secondSurname: 'PEÑA',
      birthDate: '1972-03-14',
      sex: 'F',
    });
  });

  it('produces a SALUD affiliation with régimen from the file name and open end dates', () => {
    const r = byLine(rows, 1);
    expect(r.sourceKey).toBe('100000001');
    expect(r.affiliation).toEqual({
      subsystem: 'SALUD',
      administratorCode: 'EPSS41',
      administratorName: null,
      regime: 'SUBSIDIADO',
      affiliateType: 'C',
      state: 'ACTIVO',
      stateCode: 'AC',
      startDate: '2010-02-01',
      endDate: null,
      municipalityCode: '05001',
      program: null,
    });
    expect(r.extra).toMatchObject({ TPS_IDN_ID_CF: 'CC', HST_IDN_NUMERO_IDENTIFICACION_CF: '43876512', SUB_SISBEN_IV: 'B4' });
  });

  it('maps states, closed dates, padded DPR_ID + MNC_ID, AS/MS numbers', () => {
    expect(byLine(rows, 3).municipalityCode).toBe('05001');
    expect(byLine(rows, 4).affiliation).toMatchObject({ state: 'RETIRADO', endDate: '2023-02-28' });
    expect(byLine(rows, 5).identity).toMatchObject({ docType: 'MS', docNumber: '76001I8125' });
    expect(byLine(rows, 6).affiliation?.state).toBe('SUSPENDIDO');
    expect(byLine(rows, 6).identity.docNumber).toBe('52987654');
    expect(byLine(rows, 8).affiliation?.state).toBe('FALLECIDO');
    const unknown = rows.find((r) => r.line === 9)!;
    expect(unknown.ok && unknown.record.affiliation?.state).toBe('OTRO');
    expect(unknown.warnings.map((w) => w.code)).toEqual(['UNKNOWN_STATE_CODE']);
  });

  it('reports an isolated short row as WRONG_COLUMN_COUNT and the other bad rows by field', () => {
    expect(codes(rows)).toEqual([
      [7, 'WRONG_COLUMN_COUNT:(row)'],
      [10, 'UNKNOWN_MUNICIPALITY:DPR_ID+MNC_ID'],
      [11, 'INVALID_DATE:AFL_FECHA_NACIMIENTO'],
      [12, 'INVALID_DOCUMENT_NUMBER:HST_IDN_NUMERO_IDENTIFICACION'],
      [13, 'INVALID_DOCUMENT_NUMBER:HST_IDN_NUMERO_IDENTIFICACION'],
    ]);
    expect(errorRows(rows)[0].errors[0].message).toBe('Expected 43 columns, found 41.');
  });

  it('takes the régimen from MC files as contributivo', async () => {
    const { regimeFromFileName } = await import('../../../connectors/bdua');
    expect(regimeFromFileName('23678-MC0021032024.TXT')).toBe('CONTRIBUTIVO');
    expect(regimeFromFileName('/inbox/23678-MS0021032024.TXT')).toBe('SUBSIDIADO');
    expect(regimeFromFileName('maestro.txt')).toBeNull();
  });
});

describe('RUV sample (Latin-1, "»", header)', async () => {
  const { rows, encoding } = await parseSample('ruv', 'ruv/samples/VICTIMAS_202412_con_errores.txt');

  it('splits on » and keeps Latin-1 accents', () => {
    expect(encoding).toBe('windows-1252');
    const r = byLine(rows, 2);
    expect(r.identity).toEqual({
      docType: 'CC',
      docNumber: '43876512',
      firstName: 'MARÍA',
      secondName: 'DEL CARMEN',
      firstSurname: 'MUÑOZ',
      secondSurname: 'PEÑA',
      birthDate: '1972-03-14',
      sex: 'F',
    });
    expect(r.victim).toEqual({
      eventCode: 5,
      victimType: null,
      occurrenceDate: '2002-06-15',
      declarationDate: '2002-07-20',
      inclusionDate: null,
      occurrenceMunicipality: '05001',
      declarationMunicipality: '05001',
      arrivalMunicipality: '05001',
      inclusionState: 'INCLUIDO',
    });
    expect(r.sourceKey).toBe('CC:43876512:5:2002-06-15:05001');
  });

  it('normalizes hecho labels: upper case, broken accents, mojibake, variants', () => {
    expect(byLine(rows, 3).victim?.eventCode).toBe(5); // DESPLAZAMIENTO FORZADO
    expect(byLine(rows, 4).victim?.eventCode).toBe(4); // Desaparici?n forzada
    expect(byLine(rows, 5).victim?.eventCode).toBe(7); // Minas Antipersonal…
    expect(byLine(rows, 7).victim?.eventCode).toBe(10); // Reclutamiento ilegal de menores
    expect(byLine(rows, 8).victim?.eventCode).toBe(10); // VinculaciÃ³n de NiÃ±os…
    expect(byLine(rows, 10).victim?.eventCode).toBe(12); // PERDIDA DE BIENES…
  });

  it('maps RUV document codes (NUIP, PEP, DNI) and inclusion states', () => {
    expect(byLine(rows, 4).identity).toMatchObject({ docType: 'NU', docNumber: '1122334455' });
    expect(byLine(rows, 4).victim?.inclusionState).toBe('EN_VALORACION');
    expect(byLine(rows, 6).victim?.inclusionState).toBe('NO_INCLUIDO');
    expect(byLine(rows, 9).identity).toMatchObject({ docType: 'PE', docNumber: '123456789012345' });
    expect(byLine(rows, 13).identity).toMatchObject({ docType: 'DE', docNumber: 'V12345678', sex: null });
    expect(byLine(rows, 13).extra).toMatchObject({ sexo: 'LGBTI' });
  });

  it('rejects an unknown hecho and a future occurrence date', () => {
    expect(codes(rows)).toEqual([
      [11, 'INVALID_CODE:HECHO'],
      [12, 'FUTURE_DATE:FECHAOCURRENCIA'],
    ]);
  });
});

describe('RUAF samples (canonical with header; ARL layout without header)', async () => {
  const canonical = await parseSample('ruaf', 'ruaf/samples/RUAF_afiliados_muestra_con_errores.txt');
  const arl = await parseSample('ruaf', 'ruaf/samples/ARL_maestro_ruaf_muestra_con_errores.txt');

  it('maps one row per person × subsystem × administradora', () => {
    const rows = canonical.rows;
    expect(byLine(rows, 2).affiliation).toEqual({
      subsystem: 'SALUD',
      administratorCode: 'EPSS41',
      administratorName: 'SAVIA SALUD EPS',
      regime: 'SUBSIDIADO',
      affiliateType: 'COTIZANTE',
      state: 'ACTIVO',
      stateCode: 'ACTIVO',
      startDate: '2010-02-01',
      endDate: null,
      municipalityCode: '05001',
      program: null,
    });
    expect(byLine(rows, 3).affiliation).toMatchObject({ subsystem: 'PENSIONES', regime: 'PRIMA_MEDIA' });
    expect(byLine(rows, 4).affiliation).toMatchObject({ subsystem: 'RIESGOS_LABORALES', state: 'RETIRADO', endDate: '2020-06-30' });
    expect(byLine(rows, 7).affiliation).toMatchObject({ subsystem: 'COMPENSACION_FAMILIAR', state: 'ACTIVO', stateCode: 'AC', endDate: null });
    expect(byLine(rows, 8).municipalityCode).toBe('08001');
    expect(byLine(rows, 9).affiliation?.subsystem).toBe('PENSIONADOS');
    expect(byLine(rows, 10).identity).toMatchObject({ docType: 'CE', docNumber: 'E123456' });
  });

  it('keys asistencia social by program too', () => {
    expect(byLine(canonical.rows, 5).sourceKey).toBe('TI:1034567890:ASISTENCIA_SOCIAL:DPS:FAMILIAS EN ACCION');
    expect(byLine(canonical.rows, 6).sourceKey).toBe('TI:1034567890:ASISTENCIA_SOCIAL:DPS:JOVENES EN ACCION');
    expect(byLine(canonical.rows, 6).affiliation?.program).toBe('Jóvenes en Acción');
  });

  it('rejects an unknown subsystem and a CC longer than 10 digits', () => {
    expect(codes(canonical.rows)).toEqual([
      [11, 'INVALID_CODE:subsistema'],
      [13, 'INVALID_DOCUMENT_NUMBER:numero_documento'],
    ]);
  });

  it('reads the ARL layout by position (Windows-1252, no header)', () => {
    expect(arl.encoding).toBe('windows-1252');
    const r = byLine(arl.rows, 1);
    expect(r.identity).toMatchObject({ docType: 'CC', docNumber: '43876512', firstSurname: 'MUÑOZ', firstName: 'MARÍA', sex: 'F' });
    expect(r.affiliation).toMatchObject({
      subsystem: 'RIESGOS_LABORALES',
      administratorCode: '14-23',
      state: 'ACTIVO',
      startDate: '2015-03-01',
      municipalityCode: '05001',
    });
    expect(r.extra).toMatchObject({ razon_social_aportante: 'EMPRESAS PÚBLICAS DE MEDELLÍN' });
    expect(codes(arl.rows)).toEqual([[4, 'UNKNOWN_MUNICIPALITY:departamento+municipio']]);
  });
});
