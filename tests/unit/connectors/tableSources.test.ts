/** The table-source connectors (Sisbén IV hogares/viviendas, Mapa de Oferta Local) and their synthetic files. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  collect,
  detectSource,
  getConnector,
  parseBytes,
  parseLogros,
  parsePlaces,
  parseText,
  type RowResult,
  type SisbenHogarRecord,
} from '../../../connectors';
import { generateBytes } from '../../../src/synthetic';
import { ctx } from './helpers';

const HOG_HEADER =
  'cod_dpto;cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;tip_mat_paredes;tip_mat_pisos;ind_tiene_energia;ind_tiene_alcantarillado;ind_tiene_acueducto;num_cuartos_exclusivos;num_cuartos_dormir;tip_sanitario;tip_ubi_sanitario;tip_origen_agua;ind_agua_llega_7dias;tip_ocupa_vivienda;num_personas_hogar';
const hogares = (...rows: string[]) => collect(parseText([HOG_HEADER, ...rows].join('\n') + '\n', getConnector('sisben_hogares'), ctx('hogares.csv')));
const issues = (r: RowResult<unknown>) => [...(r.ok ? [] : r.errors), ...r.warnings].map((i) => `${i.severity}:${i.field}:${i.code}`);

describe('Sisbén IV hogares connector', () => {
  it('maps the DNP codes to typed values; 0 = sin paredes is 8; 9 = no aplica por flujo is empty', async () => {
    const [r] = await hogares('05;5001;3;500010000123;01;0;5;2;2;2;3;1;5;9;5;9;5;6');
    expect(r.ok).toBe(true);
    const rec = (r as { record: SisbenHogarRecord }).record;
    expect(rec).toMatchObject({
      sourceKey: '500010000123-1',
      municipalityCode: '05001',
      zone: 'rural_disperso',
      wallMaterial: 8,
      floorMaterial: 5,
      hasEnergy: false,
      hasSewer: false,
      hasAqueduct: false,
      rooms: 3,
      bedrooms: 1,
      toiletType: 5,
      toiletLocation: null,
      waterSource: 5,
      waterAllWeek: null,
      tenure: 5,
      persons: 6,
      // not in this file: null, never a guess
      dwellingType: null,
      hasGas: null,
      cookingFuel: null,
    });
    expect(r.warnings).toEqual([]);
  });

  it('rejects unknown codes of logro variables but keeps the key; informative codes only warn', async () => {
    const [bad, warned] = await hogares('05;05001;1;500010000123;1;1;7;1;1;1;3;1;1;1;1;1;3;4', '05;05001;1;500010000124;1;1;3;1;1;1;3;1;1;1;1;1;7;4');
    expect(bad.ok).toBe(false);
    expect(issues(bad)).toEqual(['error:tip_mat_pisos:INVALID_CODE']);
    expect(bad.ok ? null : bad.sourceKey).toBe('500010000123-1');
    expect(warned.ok).toBe(true);
    expect(issues(warned)).toEqual(['warning:tip_ocupa_vivienda:INVALID_CODE']);
    expect((warned as { record: SisbenHogarRecord }).record.tenure).toBeNull();
  });

  it('errors on the key and the place; messages never quote the value', async () => {
    const rows = await hogares(
      '05;05999;1;500010000123;1;1;3;1;1;1;3;1;1;1;1;1;3;4',
      '05;05001;4;50001#;1;1;3;1;1;1;3;1;1;1;1;1;3;4',
      '05;05001;1;500010000125;;1;3;1;1;1;3;1;1;1;1;1;3;4',
    );
    expect(rows.map(issues)).toEqual([
      ['error:cod_mpio:UNKNOWN_MUNICIPALITY'],
      ['error:ide_ficha_origen:INVALID_CODE', 'error:cod_clase:INVALID_CODE'],
      ['error:ide_hogar:MISSING_REQUIRED'],
    ]);
    expect(rows[0].ok ? null : rows[0].sourceKey).toBe('500010000123-1');
    expect(rows[1].ok ? null : rows[1].sourceKey).toBeUndefined();
    for (const r of rows) for (const e of r.ok ? [] : r.errors) expect(e.message).not.toMatch(/05999|50001#/);
  });

  it('warns on implausible combinations (bedrooms > rooms; toilet to a sewer the dwelling lacks)', async () => {
    const [r] = await hogares('05;05001;1;500010000123;1;1;3;1;2;1;2;3;1;1;1;1;3;4');
    expect(r.ok).toBe(true);
    expect(issues(r)).toEqual(['warning:num_cuartos_dormir:ROOMS_INCONSISTENT', 'warning:tip_sanitario:INCONSISTENT_SERVICES']);
  });

  it('reads Windows-1252 files and other delimiters like the person connector', async () => {
    const text = [HOG_HEADER.replace(/;/g, '|'), '05|05001|1|500010000123|1|1|3|1|1|1|3|1|1|1|1|1|3|4'].join('\r\n');
    const rows = await collect(parseBytes(iconv.encode(text, 'win1252'), getConnector('sisben_hogares'), ctx('x.txt'), 'windows-1252'));
    expect(rows).toHaveLength(1);
    expect(rows[0].ok).toBe(true);
  });

  it('is detected by its header, not confused with the Sisbén person file', async () => {
    expect(detectSource('base.csv', [HOG_HEADER])?.source).toBe('sisben_hogares');
    expect(detectSource('sisben_iv_hogares.csv', [HOG_HEADER])?.source).toBe('sisben_hogares');
    const personas =
      'cod_dpto;cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;clasificacion';
    expect(detectSource('sisben_hogares.csv', [personas])?.source).toBe('sisben');
  });

  it('refuses a file without any condition column', async () => {
    const e = await collect(parseText('cod_mpio;ide_ficha_origen;ide_hogar\n05001;1;1\n', getConnector('sisben_hogares'), ctx())).catch((x) => x);
    expect(e).toMatchObject({ name: 'FileFormatError', code: 'MISSING_COLUMNS' });
  });
});

const OF_HEADER = 'id_oferta;cod_dpto;cod_mpio;entidad;nit_entidad;programa;logros;cupos;fecha_inicio;fecha_fin;zona;poblacion_objetivo';
const ofertas = (...rows: string[]) => collect(parseText([OF_HEADER, ...rows].join('\n') + '\n', getConnector('oferta'), ctx('oferta.csv')));

describe('Mapa de Oferta Local connector', () => {
  it('parses logro lists in the forms entities write them', () => {
    expect(parseLogros('24;26')).toEqual({ logros: [24, 26], bad: 0 });
    expect(parseLogros('LB29, LB24 / lb24')).toEqual({ logros: [24, 29], bad: 0 });
    expect(parseLogros('LB 13|LOGRO45')).toEqual({ logros: [13, 45], bad: 0 });
    expect(parseLogros('24, 46, X')).toEqual({ logros: [24], bad: 2 });
  });

  it('parses cupos with thousands dots, refuses decimals and words', () => {
    expect(parsePlaces('1.200')).toBe(1200);
    expect(parsePlaces('350')).toBe(350);
    expect(parsePlaces('120.0')).toBe(120);
    expect(parsePlaces('12,5')).toBeNull();
    expect(parsePlaces('cuarenta')).toBeNull();
  });

  it('maps a program: 3-digit municipio with its departamento, NIT normalized, future periods allowed, zone labels', async () => {
    const [r] = await ofertas(
      'DPS-MEJ-2027;5;1;Prosperidad Social;900.039.680-2;Mejoramiento de vivienda;"LB32, LB28";1.200;01/01/2027;2027-12-31;Rural disperso;Hogares',
    );
    expect(r.ok).toBe(true);
    expect(r.ok && r.record).toEqual({
      sourceKey: 'DPS-MEJ-2027-05001-2027-01-01',
      offerCode: 'DPS-MEJ-2027',
      municipalityCode: '05001',
      entity: 'Prosperidad Social',
      entityNit: '9000396802',
      program: 'Mejoramiento de vivienda',
      logros: [28, 32],
      places: 1200,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      zone: 'rural_disperso',
      targetPopulation: 'Hogares',
    });
  });

  it('rejects rows that cannot count as supply, with the key when it parsed', async () => {
    const rows = await ofertas(
      'A-1;;05001;Ent;;Prog;LB99;10;01/01/2025;31/12/2025;;',
      'A-2;;05001;Ent;;Prog;LB24;-3;01/01/2025;31/12/2025;;',
      'A-3;;05001;Ent;;Prog;LB24;10;31/12/2025;01/01/2025;;',
      'A-4;;05001;;;Prog;LB24;10;01/01/2025;31/12/2025;;',
      'A-5;;05001;Ent;12;Prog;LB24;10;01/01/2025;31/12/2025;norte;',
    );
    expect(rows.map(issues)).toEqual([
      ['error:logros:INVALID_CODE'],
      ['error:cupos:INVALID_CODE'],
      ['error:fecha_fin:DATE_ORDER'],
      ['error:entidad:MISSING_REQUIRED'],
      ['warning:nit_entidad:INVALID_CODE', 'warning:zona:INVALID_CODE'],
    ]);
    expect(rows.slice(0, 4).map((r) => (r.ok ? null : r.sourceKey))).toEqual([
      'A-1-05001-2025-01-01',
      'A-2-05001-2025-01-01',
      'A-3-05001-2025-12-31',
      'A-4-05001-2025-01-01',
    ]);
    expect(rows[4].ok && rows[4].record).toMatchObject({ entityNit: null, zone: null });
  });
});

describe('synthetic table-source files', () => {
  it('hogares: one row per household of the Sisbén person file of the same rows and seed, deterministic', async () => {
    const persons = await generateBytes({ source: 'sisben', rows: 400, seed: 5 });
    const personRows = await collect(parseBytes(persons.bytes, getConnector('sisben'), ctx('p.csv')));
    const households = new Set(personRows.flatMap((r) => (r.ok && r.record.household ? [r.record.household.key] : [])));
    const hog = await generateBytes({ source: 'sisben_hogares', rows: 400, seed: 5 });
    const again = await generateBytes({ source: 'sisben_hogares', rows: 400, seed: 5 });
    expect(again.bytes.equals(hog.bytes)).toBe(true);
    const rows = await collect(parseBytes(hog.bytes, getConnector('sisben_hogares'), ctx('h.csv')));
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(new Set(rows.map((r) => (r.ok ? r.record.sourceKey : '')))).toEqual(households);
    expect(hog.expected.keys).toEqual(rows.map((r) => (r.ok ? r.record.sourceKey : '')));
    // Every habitability logro variable has both states in a population this size.
    const recs = rows.map((r) => (r as { record: SisbenHogarRecord }).record);
    expect(new Set(recs.map((r) => r.floorMaterial === 5))).toEqual(new Set([true, false]));
    expect(new Set(recs.map((r) => r.hasAqueduct))).toEqual(new Set([true, false]));
    expect(new Set(recs.map((r) => r.persons! > 3 * r.bedrooms!))).toEqual(new Set([true, false]));
    expect(new Set(recs.map((r) => r.wallMaterial! >= 5))).toEqual(new Set([true, false]));
    // Hogares of one ficha share their dwelling.
    const byFicha = new Map<string, SisbenHogarRecord[]>();
    for (const r of recs) byFicha.set(r.ficha, [...(byFicha.get(r.ficha) ?? []), r]);
    const shared = [...byFicha.values()].find((l) => l.length > 1)!;
    expect(shared[0].wallMaterial).toBe(shared[1].wallMaterial);
    expect(shared[0].hasAqueduct).toBe(shared[1].hasAqueduct);
  });

  it('oferta: programs over the population’s municipalities, every row loads', async () => {
    const { bytes, expected } = await generateBytes({ source: 'oferta', rows: 60, seed: 5 });
    const rows = await collect(parseBytes(bytes, getConnector('oferta'), ctx('o.csv')));
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(expected.keys).toHaveLength(60);
  });
});
