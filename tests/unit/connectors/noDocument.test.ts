/**
 * Persons without a document are never dropped (issue 11): RUV rows without TIPODOCUMENTO/DOCUMENTO,
 * `SR` without a number or a placeholder number, and Sisbén IV `Tip_documento` 0 or a type without a
 * number load with a warning and no document.
 */
import { describe, expect, it } from 'vitest';
import { getConnector, type RowResult } from '../../../connectors';
import { inspectFile, parseFile } from '../../../src/imports';
import type { PersonSourceName as SourceName } from '../../../src/kernel';
import { collect, ctx, latin1, tempFile } from './helpers';

async function parse(source: SourceName, name: string, bytes: Buffer | string): Promise<RowResult[]> {
  const file = tempFile(bytes, name);
  const info = await inspectFile(file);
  return collect(parseFile(file, getConnector(source), ctx(name), { encoding: info.encoding }));
}

const RUV_HEADER =
  'TIPODOCUMENTO»DOCUMENTO»PRIMERNOMBRE»SEGUNDONOMBRE»PRIMERAPELLIDO»SEGUNDOAPELLIDO»FECHANACIMIENTO»SEXO»HECHO»FECHAOCURRENCIA»CODMUNICIPIOOCURRENCIA»CODMUNICIPIOLLEGADA';
const ruvRow = (td: string, nd: string, name = 'ROSA»ELENA»MOSQUERA»PALACIOS', dob = '03/04/1979') =>
  `${td}»${nd}»${name}»${dob}»Mujer»Desplazamiento forzado»15/06/2002»27001»05001`;

describe('RUV rows without a document', async () => {
  const rows = await parse(
    'ruv',
    'VICTIMAS_202412.txt',
    latin1(
      [
        RUV_HEADER,
        ruvRow('', ''),
        ruvRow('SR', ''),
        ruvRow('CC', '0000000'),
        ruvRow('CC', '1111111'),
        ruvRow('CC', ''),
        ruvRow('', '', 'LUIS»»MOSQUERA»PALACIOS', '08/09/2001'),
        ruvRow('SR', '4567890'),
        ruvRow('XX', '4567890'),
      ].join('\r\n') + '\r\n',
    ),
  );
  const at = (line: number) => rows.find((r) => r.line === line)!;

  it('load with a warning (never MISSING_REQUIRED) and carry no document', () => {
    for (const line of [2, 3, 4, 5, 6, 7]) {
      const r = at(line);
      expect(r.ok, `line ${line}`).toBe(true);
      if (!r.ok) continue;
      expect(r.record.identity.docType).toBeNull();
      expect(r.record.identity.docNumber).toBeNull();
      expect(r.warnings.map((w) => w.code)).toEqual([line === 4 || line === 5 ? 'PLACEHOLDER_DOCUMENT' : 'NO_DOCUMENT']);
      expect(r.record.identity).toMatchObject({ firstSurname: 'MOSQUERA', secondSurname: 'PALACIOS' });
    }
  });

  it('are keyed by a digest of names and birth date: stable, distinct per person, no personal data', () => {
    const keys = [2, 3, 4, 5, 6, 7].map((l) => {
      const r = at(l);
      return r.ok ? r.record.sourceKey : '';
    });
    // Lines 2–6 are the same person and the same hecho: one key (the import reports the repeats as duplicates).
    expect(new Set(keys.slice(0, 5)).size).toBe(1);
    expect(keys[5]).not.toBe(keys[0]);
    for (const k of keys) {
      expect(k).toMatch(/^SD:[0-9a-f]{20}:5:2002-06-15:27001$/);
      expect(k).not.toMatch(/ROSA|MOSQUERA|1979/);
    }
  });

  it('keeps SR with a number as a salvoconducto (as DPS coded it), and an unknown type stays an error', () => {
    const sr = at(8);
    expect(sr.ok && sr.record.identity).toMatchObject({ docType: 'SC', docNumber: '4567890' });
    const bad = at(9);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.code)).toEqual(['INVALID_DOCUMENT_TYPE']);
  });
});

describe('Sisbén IV persons without a document', async () => {
  const header =
    'cod_dpto;cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;clasificacion;fec_corte';
  const row = (persona: number, td: string, nd: string) =>
    `05;05001;1;500010000123;1;${persona};MOSQUERA;PALACIOS;ROSA;ELENA;2;${td};${nd};03/04/1979;${persona === 1 ? 1 : 3};A3;31/12/2024`;
  const rows = await parse('sisben', 'sisben.csv', [header, row(1, '0', ''), row(2, '3', ''), row(3, '3', '0'), row(4, '3', '43876512')].join('\n') + '\n');

  it('type 0 "no tiene", a type without a number and a zero number load with a warning', () => {
    const [none, empty, zero, ok] = rows;
    expect(none.ok && none.record.identity).toMatchObject({ docType: 'SI', docNumber: null });
    expect(none.warnings.map((w) => w.code)).toEqual(['NO_DOCUMENT']);
    expect(empty.ok && empty.record.identity).toMatchObject({ docType: null, docNumber: null });
    expect(empty.warnings.map((w) => w.code)).toEqual(['NO_DOCUMENT']);
    expect(zero.ok && zero.record.identity).toMatchObject({ docType: null, docNumber: null });
    expect(zero.warnings.map((w) => w.code)).toEqual(['PLACEHOLDER_DOCUMENT']);
    expect(ok.ok && ok.record.identity).toMatchObject({ docType: 'CC', docNumber: '43876512' });
  });
});
