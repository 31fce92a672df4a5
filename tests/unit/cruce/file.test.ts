import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseCruceFile, validateRow } from '../../../src/cruce';

const ctx = { today: '2026-12-02', municipalities: new Set(['05001', '76001', '11001']) };
const HEADER = [
  'tipo_documento',
  'numero_documento',
  'primer_nombre',
  'segundo_nombre',
  'primer_apellido',
  'segundo_apellido',
  'fecha_nacimiento',
  'sexo',
  'municipio',
];
const ROWS = [
  ['CC', '43.876.512', 'María', 'del Carmen', 'Muñoz', 'Peña', '14/03/1972', 'F', '5001'],
  ['', '', 'PEDRO', 'PABLO', 'RUIZ', 'CHAVERRA', '1950-05-05', '1', ''],
];

function file(delimiter: string, encoding: 'utf8' | 'win1252' | 'latin1', rows = ROWS, header = HEADER): Buffer {
  const text = [header, ...rows].map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
  return encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding);
}

describe('cruce file', () => {
  it.each([
    [';', 'utf8'],
    [',', 'win1252'],
    ['|', 'latin1'],
    ['\t', 'utf8'],
  ] as const)('reads delimiter %j in %s the same way', (delimiter, encoding) => {
    const parsed = parseCruceFile(file(delimiter, encoding), ctx);
    expect(parsed.delimiter).toBe(delimiter);
    expect(parsed.encoding).toBe(encoding === 'utf8' ? 'utf-8' : 'windows-1252');
    expect(parsed.rows).toHaveLength(2);
    const [a, b] = parsed.rows;
    expect(a.ok && a.input).toMatchObject({
      line: 2,
      docType: 'CC',
      docNumber: '43876512',
      firstName: 'MARÍA',
      secondName: 'DEL CARMEN',
      firstSurname: 'MUÑOZ',
      secondSurname: 'PEÑA',
      birthDate: '1972-03-14',
      sex: 'F',
      municipalityCode: '05001',
      service: null,
    });
    expect(b.ok && b.input).toMatchObject({ line: 3, docType: null, docNumber: null, firstName: 'PEDRO', birthDate: '1950-05-05', sex: 'M' });
  });

  it('accepts the header names of the DPS registros administrativos template, in any case and with accents', () => {
    const header = [
      'TIPO DOCUMENTO',
      'NUMERO DOCUMENTO',
      'PRIMER NOMBRE',
      'SEGUNDO NOMBRE',
      'PRIMER APELLIDO',
      'SEGUNDO APELLIDO',
      'FECHA DE NACIMIENTO',
      'SEXO',
      'CODIGO MUNICIPIO DANE',
      'ID OFERTA',
      'FECHA DE LA ATENCIÓN',
      'LOGRO y/o PRIVACIÓN GESTIONADA',
      'ESTADO ACCESO A OFERTA',
    ];
    const rows = [['3', '1.023.456.789', 'LUISA', '', 'GOMEZ', 'RIOS', '21/06/1995', '2', '76001', 'FAMILIAS EN ACCION', '15/10/2025', 'LB13', 'Accedió']];
    const [r] = parseCruceFile(file(';', 'utf8', rows, header), ctx).rows;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.docType).toBe('CC');
    expect(r.input.docNumber).toBe('1023456789');
    expect(r.input.service).toEqual({ program: 'FAMILIAS EN ACCION', entity: null, logro: 'LB13', logroId: 13, attentionDate: '2025-10-15', state: 'ACCEDIÓ' });
  });

  it('reports every bad row with line, field and code, and keeps the good ones', () => {
    const rows = [
      ROWS[0],
      ['ZZ', '123', 'ANA', '', '', '', '32/13/2000', 'Z', '99999'],
      ['CC', '12A45', 'ANA', '', 'LOPEZ', '', '01/01/2000', '', ''],
      ['CC', '52111222', 'ANA'],
      ['', '', 'ANA', '', 'LOPEZ', '', '01/01/2000', '', '', 'x'],
    ];
    const parsed = parseCruceFile(
      file(
        ';',
        'utf8',
        rows.map((r) => r.slice()),
        HEADER,
      ),
      ctx,
    );
    expect(parsed.rows.map((r) => r.ok)).toEqual([true, false, false, false, false]);
    const codes = (i: number) => {
      const r = parsed.rows[i];
      return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.field}:${e.code}`);
    };
    expect(codes(1)).toEqual([
      '3:tipo_documento:INVALID_DOCUMENT_TYPE',
      '3:primer_apellido:MISSING_REQUIRED',
      '3:fecha_nacimiento:INVALID_DATE',
      '3:sexo:INVALID_SEX',
      '3:municipio:UNKNOWN_MUNICIPALITY',
    ]);
    expect(codes(2)).toEqual(['4:numero_documento:INVALID_DOCUMENT_NUMBER']);
    expect(codes(3)).toEqual(['5:(row):WRONG_COLUMN_COUNT']);
    expect(codes(4)).toEqual(['6:(row):WRONG_COLUMN_COUNT']);
    // Messages never quote the value.
    for (const r of parsed.rows) if (!r.ok) for (const e of r.errors) expect(e.message).not.toMatch(/12A45|ANA|99999/);
  });

  it('refuses a file without the required columns, or without a delimiter', () => {
    expect(() => parseCruceFile(Buffer.from('nombre;apellido\nANA;LOPEZ\n'), ctx)).toThrow(/MISSING|required/);
    expect(() => parseCruceFile(Buffer.from('solo una columna\nANA\n'), ctx)).toThrow(/delimiter/);
    expect(() => parseCruceFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), ctx)).toThrow(/ZIP/);
  });

  it('a service row needs its programme; a person needs a document or a birth date to be matchable', () => {
    const r = validateRow(7, { primer_nombre: 'ANA', primer_apellido: 'LOPEZ', fecha_nacimiento: '', logro: 'LB1' }, ctx);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.map((e) => e.field + ':' + e.code)).toEqual(['programa:MISSING_REQUIRED']);
    expect(r.warnings.map((w) => w.code)).toContain('CANNOT_MATCH_WITHOUT_DOCUMENT_OR_BIRTH_DATE');
    const ok = validateRow(
      8,
      { tipo_documento: '0', numero_documento: '', primer_nombre: 'ANA', primer_apellido: 'LOPEZ', fecha_nacimiento: '2001-02-03' },
      ctx,
    );
    expect(ok.ok && ok.input.docType).toBe(null);
  });
});
