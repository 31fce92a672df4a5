import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRuafConnector, FileFormatError, getConnector, parseLayout, parseText, RUAF_LAYOUTS } from '../../../connectors';
import { loadLayout } from '../../../src/imports';
import { RUAF_CANONICAL_LAYOUT } from '../../../connectors/ruaf';
import { collect, ctx, tempFile } from './helpers';

async function refused(p: Promise<unknown>): Promise<FileFormatError> {
  const e = await p.catch((x) => x);
  expect(e).toBeInstanceOf(FileFormatError);
  return e as FileFormatError;
}

describe('layouts are data', () => {
  it('validates a layout and lists every problem', () => {
    expect(() =>
      parseLayout({ id: 'x', source: 'ruaf', title: 't', header: 'none', delimiters: [';'], fields: { docType: { names: ['a'] } }, requiredFields: ['nope'] }),
    ).toThrow(/required field "nope".*columnCount|columnCount.*required field "nope"/);
  });

  it('an agency loads its own RUAF annex version from JSON (other names, order, codes)', async () => {
    const path = tempFile('', 'layout.json');
    writeFileSync(
      path,
      JSON.stringify({
        id: 'ruaf-agencia-2025',
        source: 'ruaf',
        title: 'RUAF extract as our ministry sends it',
        header: 'required',
        delimiters: ['|'],
        documentCodes: 'sisben',
        fields: {
          docType: { names: ['TIPO_ID'] },
          docNumber: { names: ['NUM_ID'] },
          firstSurname: { names: ['APELLIDO_1'] },
          firstName: { names: ['NOMBRE_1'] },
          subsystem: { names: ['SUBSISTEMA'] },
          administratorCode: { names: ['COD_ADMIN'] },
          state: { names: ['EST'] },
          municipality: { names: ['MPIO'] },
        },
        requiredFields: ['docType', 'docNumber', 'firstSurname', 'firstName', 'subsystem', 'administratorCode', 'state'],
        codes: { state: { V: 'ACTIVO', NV: 'RETIRADO' }, subsystem: { '9': 'ASISTENCIA_SOCIAL' } },
      }),
    );
    const layout = loadLayout(path);
    const rows = await collect(
      parseText(
        'TIPO_ID|NUM_ID|APELLIDO_1|NOMBRE_1|SUBSISTEMA|COD_ADMIN|EST|MPIO\n3|1.023.456|PEÑA|ANA|9|DPS|V|5001\n2|77|RÍOS|JUAN|1|EPS037|NV|11001\n',
        createRuafConnector(layout),
        ctx(),
      ),
    );
    expect(rows.map((r) => r.ok)).toEqual([true, true]);
    const [a, b] = rows;
    expect(a.ok && a.record.identity).toMatchObject({ docType: 'CC', docNumber: '1023456', firstSurname: 'PEÑA' });
    expect(a.ok && a.record.affiliation).toMatchObject({ subsystem: 'ASISTENCIA_SOCIAL', state: 'ACTIVO', stateCode: 'V', municipalityCode: '05001' });
    expect(b.ok && b.record.affiliation).toMatchObject({ subsystem: 'SALUD', state: 'RETIRADO' });
  });

  it('the RUAF connector picks the canonical or the ARL layout per file', async () => {
    expect(RUAF_LAYOUTS.map((l) => l.id)).toEqual(['ruaf-canonical-v1', 'ruaf-arl-maestro-v1']);
    const headerless = 'CC;43876512;MUÑOZ;PEÑA;MARÍA;;14/03/1972;F;SALUD;EPSS41;;SUBSIDIADO;COTIZANTE;AC;01/02/2010;;05001;\n';
    const rows = await collect(parseText(headerless, getConnector('ruaf'), ctx()));
    expect(rows[0].ok && rows[0].record.sourceKey).toBe('CC:43876512:SALUD:EPSS41');
    expect(RUAF_CANONICAL_LAYOUT.columnCount).toBe(18);
  });
});

describe('whole-file refusals (FileFormatError, nothing loaded)', () => {
  it('missing required header columns are listed by name', async () => {
    const e = await refused(collect(parseText('cod_mpio;ide_hogar;pri_nombre\n05001;1;ANA\n', getConnector('sisben'), ctx())));
    expect(e.code).toBe('MISSING_COLUMNS');
    expect(e.message).toContain('ide_ficha_origen');
    expect(e.message).toContain('clasificacion');
  });

  it('most of the first records with the wrong column count: wrong layout', async () => {
    const bad = Array.from({ length: 12 }, (_, i) => `${i},EPS037,CC,1,CC,1,A,B,C,D,01/01/1990,M`).join('\r\n');
    const e = await refused(collect(parseText(bad, getConnector('bdua'), ctx('23678-MS0021032024.TXT'))));
    expect(e.code).toBe('WRONG_COLUMN_COUNT');
    expect(e.message).toContain('expected 43 columns');
    expect(e.message).toContain('found 12');
  });

  it('no delimiter on the first line', async () => {
    const e = await refused(collect(parseText('just some text\nmore text\n', getConnector('ruv'), ctx())));
    expect(e.code).toBe('NO_DELIMITER');
  });

  it('an empty or blank file', async () => {
    expect((await refused(collect(parseText('\r\n  \r\n', getConnector('sisben'), ctx())))).code).toBe('EMPTY_FILE');
  });

  it('a header-only file yields no rows and no error', async () => {
    const header =
      'cod_mpio;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;pri_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;clasificacion\n';
    expect(await collect(parseText(header, getConnector('sisben'), ctx()))).toEqual([]);
  });
});

describe('Sisbén classification variants and mallas', () => {
  const head =
    'cod_mpio;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;pri_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;ind_grupo_sisben_4;ind_nivel_sisben_4;fec_corte\n';
  const run = async (rows: string[]) => collect(parseText(head + rows.join('\n'), getConnector('sisben'), ctx()));

  it('accepts group + level columns (B + 4, or the level alone as B4) and rejects inconsistent ones', async () => {
    const rows = await run([
      '05001;1;1;1;A;B;1;3;123;01/01/1980;1;B;4;31/12/2024',
      '05001;2;1;1;A;B;1;3;124;01/01/1980;1;;C18;31/12/2024',
      '05001;3;1;1;A;B;1;3;125;01/01/1980;1;A;C2;31/12/2024',
      '05001;4;1;1;A;B;1;3;126;01/01/1980;1;D;22;31/12/2024',
    ]);
    expect(rows.map((r) => (r.ok ? r.record.sisben?.subgroup : r.errors[0].code))).toEqual(['B4', 'C18', 'INVALID_SUBGROUP', 'INVALID_SUBGROUP']);
  });

  it('warns on parentesco vs order and age; errors on dates before 1900', async () => {
    const rows = await run([
      '05001;1;1;2;A;B;1;3;123;01/01/1980;1;B;4;31/12/2024',
      '05001;1;1;3;A;B;1;1;124;01/01/2020;2;B;4;31/12/2024',
      '05001;1;1;4;A;B;1;3;125;31/12/1899;3;B;4;31/12/2024',
    ]);
    expect(rows[0].warnings.map((w) => w.code)).toEqual(['KINSHIP_ORDER_MISMATCH']);
    expect(rows[1].warnings.map((w) => w.code)).toEqual(['KINSHIP_AGE_MISMATCH']);
    expect(!rows[2].ok && rows[2].errors.map((e) => e.code)).toEqual(['DATE_TOO_OLD']);
  });
});
