import type { SourceName } from '../kernel';
import { BDUA_LAYOUT } from '../../connectors/bdua/layout';
import { nameValue } from '../../connectors/common/values';
import { anonymousPersonKey } from '../../connectors/ruv/connector';
import type { SyntheticHousehold, SyntheticPerson } from './population';
import { Rng } from './rng';

export type FaultField = 'birthDate' | 'municipality' | 'firstName' | 'firstSurname' | 'docNumber' | 'subgroup';

export interface RowWriter {
  source: SourceName;
  encoding: 'utf-8' | 'windows-1252';
  delimiter: string;
  eol: string;
  header: string[] | null;
  fileName(seed: number): string;
  /** The rows (field arrays) one person contributes. */
  rows(p: SyntheticPerson, h: SyntheticHousehold, r: Rng): string[][];
  /** sourceKey the connector will compute for a row. */
  keyOf(row: string[]): string;
  /** Column index and connector label of the fields faults act on (absent: fault not applicable). */
  fields: Partial<Record<FaultField, { index: number; label: string }>>;
  /** A plausible change of a row that keeps its sourceKey (for changed extracts). */
  change(row: string[], r: Rng): void;
}

export const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const SISBEN_DOC: Record<string, string> = { RC: '1', TI: '2', CC: '3', CE: '4', PE: '8' };
const RUV_DOC: Record<string, string> = { RC: 'RC', TI: 'TI', CC: 'CC', CE: 'CE', PE: 'PEP' };
const ALT_SECOND_NAMES = ['ANDREA', 'JOSÉ', 'DEL PILAR', 'ESTEBAN', 'LUCÍA', 'MANUEL'];

function dateBetween(r: Rng, fromIso: string, toIso: string): string {
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  return new Date(a + Math.floor(r.next() * Math.max(0, b - a))).toISOString().slice(0, 10);
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}

function ageOf(p: SyntheticPerson, asOf: string): number {
  const y = Number(asOf.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
  return asOf.slice(5) < p.birthDate.slice(5) ? y - 1 : y;
}

/** Formats a cédula the way people type it, with thousands dots (`1.023.456.789`). */
function dotted(n: string): string {
  return n.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

export function sisbenWriter(asOf: string): RowWriter {
  const header = [
    'cod_dpto',
    'cod_mpio',
    'cod_clase',
    'ide_ficha_origen',
    'ide_hogar',
    'ide_persona',
    'pri_apellido',
    'seg_apellido',
    'pri_nombre',
    'seg_nombre',
    'sexo_persona',
    'tip_documento',
    'num_documento',
    'fec_nacimiento',
    'tip_parentesco',
    'clasificacion',
    'fec_corte',
  ];
  const at = (n: string) => header.indexOf(n);
  return {
    source: 'sisben',
    encoding: 'utf-8',
    delimiter: ';',
    eol: '\n',
    header,
    fileName: (seed) => `sisben_iv_personas_${seed}.csv`,
    rows(p, h, r) {
      // Codes arrive without leading zeros now and then (`5001`), and cédulas with dots.
      const mpio = r.chance(0.05) ? String(Number(h.municipality)) : h.municipality;
      const doc = p.docType === 'CC' && r.chance(0.05) ? dotted(p.docNumber) : p.docNumber;
      return [
        [
          h.department,
          mpio,
          String(h.zone),
          h.ficha,
          String(h.hogar),
          String(p.order),
          p.firstSurname,
          p.secondSurname ?? '',
          p.firstName,
          p.secondName ?? '',
          p.sex === 'M' ? '1' : '2',
          SISBEN_DOC[p.docType],
          doc,
          dmy(p.birthDate),
          String(p.role),
          h.subgroup,
          dmy(asOf),
        ],
      ];
    },
    keyOf: (row) => `${row[3]}-${Number(row[4])}-${Number(row[5])}`,
    fields: {
      birthDate: { index: at('fec_nacimiento'), label: 'fec_nacimiento' },
      municipality: { index: at('cod_mpio'), label: 'cod_mpio' },
      firstName: { index: at('pri_nombre'), label: 'pri_nombre' },
      firstSurname: { index: at('pri_apellido'), label: 'pri_apellido' },
      docNumber: { index: at('num_documento'), label: 'num_documento' },
      subgroup: { index: at('clasificacion'), label: 'clasificacion' },
    },
    change(row, r) {
      if (r.chance(0.5)) row[at('clasificacion')] = row[at('clasificacion')] === 'A1' ? 'A2' : 'A1';
      else row[at('seg_nombre')] = r.pick(ALT_SECOND_NAMES.filter((n) => n !== row[at('seg_nombre')]));
    },
  };
}

export function bduaWriter(asOf: string, regime: 'MS' | 'MC' = 'MS'): RowWriter {
  const names = Object.entries(BDUA_LAYOUT.fields)
    .filter(([, f]) => f.position)
    .sort((a, b) => a[1].position! - b[1].position!);
  const pos = (k: string) => BDUA_LAYOUT.fields[k].position! - 1;
  const label = (k: string) => BDUA_LAYOUT.fields[k].names![0];
  return {
    source: 'bdua',
    encoding: 'windows-1252',
    delimiter: ',',
    eol: '\r\n',
    header: null,
    fileName: (seed) => `${String((seed % 90000) + 10000)}-${regime}00${dmy(asOf).replace(/\//g, '')}.TXT`,
    rows(p, h, r) {
      const row = new Array<string>(names.length).fill('');
      const head = h.members[0];
      const set = (k: string, v: string) => (row[pos(k)] = v);
      set('aflId', String(100_000_000 + ((p.serial * 7919 + 17) % 899_999_999)));
      set('administratorCode', h.eps);
      set('headDocType', head.docType);
      set('headDocNumber', head.docNumber);
      set('docType', p.docType === 'PE' ? 'PE' : p.docType);
      set('docNumber', p.docNumber);
      set('firstSurname', p.firstSurname);
      set('secondSurname', p.secondSurname ?? '');
      set('firstName', p.firstName);
      set('secondName', p.secondName ?? '');
      set('birthDate', dmy(p.birthDate));
      set('sex', p.sex);
      set('birthCountry', p.foreign ? '862' : '170');
      set('nationality', p.foreign ? '862' : '170');
      set('affiliateType', p.role === 1 ? 'C' : 'B');
      set('kinship', p.role === 1 ? '' : String(p.role));
      set('populationGroup', r.chance(0.1) ? '6' : '5');
      set('department', h.department);
      set('municipality', h.municipality.slice(2));
      set('zone', h.zone === 1 ? 'U' : 'R');
      const start = dateBetween(r, later(p.birthDate, '1996-01-01'), asOf);
      set('systemAffiliationDate', dmy(start));
      set('startDate', dmy(start));
      const state = r.weighted([
        ['AC', 90],
        ['RE', 4],
        ['SM', 2],
        ['SD', 1],
        ['AF', 2],
        ['PL', 1],
      ] as const);
      set('state', state);
      set('stateStartDate', dmy(start));
      set('endDate', state === 'AC' ? '31/12/2999' : dmy(dateBetween(r, start, asOf)));
      set('ethnicity', r.chance(0.08) ? '1' : '6');
      set('subsidyModality', regime === 'MS' ? 'T' : '');
      set('familyGroupId', head.docNumber);
      set('portability', 'N');
      set('sisbenIvSubgroup', h.subgroup);
      set('sisbenMark', 'S4');
      set('rnecCross', r.chance(0.97) ? 'OK' : 'NE');
      return [row];
    },
    keyOf: (row) => row[0],
    fields: {
      birthDate: { index: pos('birthDate'), label: label('birthDate') },
      municipality: { index: pos('municipality'), label: `${label('department')}+${label('municipality')}` },
      firstName: { index: pos('firstName'), label: label('firstName') },
      firstSurname: { index: pos('firstSurname'), label: label('firstSurname') },
      docNumber: { index: pos('docNumber'), label: label('docNumber') },
    },
    change(row, r) {
      if (r.chance(0.5)) row[pos('state')] = row[pos('state')] === 'AC' ? 'RE' : 'AC';
      else row[pos('secondName')] = r.pick(ALT_SECOND_NAMES.filter((n) => n !== row[pos('secondName')]));
      row[pos('endDate')] = row[pos('state')] === 'AC' ? '31/12/2999' : row[pos('startDate')];
    },
  };
}

const AFP = ['25-14', '230201', '230301', '230901'];
const ARL = ['14-23', '14-28', '14-29', '14-25'];
const CCF = ['CCF22', 'CCF24', 'CCF56', 'CCF67', 'CCF04'];

/**
 * RUAF's health row says the same régimen as the BDUA file of the same population (`regime`, MS by
 * default as BDUA's), so nobody is ACTIVO in subsidiado and contributivo at once.
 */
export function ruafWriter(asOf: string, regime: 'MS' | 'MC' = 'MS'): RowWriter {
  const header = [
    'tipo_documento',
    'numero_documento',
    'primer_apellido',
    'segundo_apellido',
    'primer_nombre',
    'segundo_nombre',
    'fecha_nacimiento',
    'sexo',
    'subsistema',
    'administradora_codigo',
    'administradora_nombre',
    'regimen',
    'tipo_afiliado',
    'estado',
    'fecha_afiliacion',
    'fecha_retiro',
    'municipio_divipola',
    'programa',
  ];
  const at = (n: string) => header.indexOf(n);
  return {
    source: 'ruaf',
    encoding: 'utf-8',
    delimiter: ';',
    eol: '\r\n',
    header,
    fileName: (seed) => `RUAF_afiliados_${seed}.csv`,
    rows(p, h, r) {
      const age = ageOf(p, asOf);
      const base = [p.docType, p.docNumber, p.firstSurname, p.secondSurname ?? '', p.firstName, p.secondName ?? '', p.birthDate, p.sex];
      const since = (from: string) => dateBetween(r, later(p.birthDate, from), asOf);
      const out: string[][] = [
        [
          ...base,
          'SALUD',
          h.eps,
          '',
          regime === 'MS' ? 'SUBSIDIADO' : 'CONTRIBUTIVO',
          p.role === 1 ? 'COTIZANTE' : 'BENEFICIARIO',
          'ACTIVO',
          since('1996-01-01'),
          '',
          h.municipality,
          '',
        ],
      ];
      if (age >= 18 && age < 62 && r.chance(0.4))
        out.push([
          ...base,
          'PENSIONES',
          r.pick(AFP),
          '',
          r.chance(0.3) ? 'PRIMA MEDIA' : 'AHORRO INDIVIDUAL',
          'COTIZANTE',
          r.chance(0.85) ? 'ACTIVO' : 'INACTIVO',
          since('1994-04-01'),
          '',
          h.municipality,
          '',
        ]);
      if (age >= 18 && age < 62 && r.chance(0.25))
        out.push([...base, 'RIESGOS_LABORALES', r.pick(ARL), '', '', 'DEPENDIENTE', 'ACTIVO', since('2000-01-01'), '', h.municipality, '']);
      if (age < 18 && h.subgroup < 'C' && r.chance(0.5))
        out.push([
          ...base,
          'ASISTENCIA_SOCIAL',
          'DPS',
          'PROSPERIDAD SOCIAL',
          '',
          'BENEFICIARIO',
          'ACTIVO',
          since('2012-01-01'),
          '',
          h.municipality,
          'FAMILIAS EN ACCIÓN',
        ]);
      if (age >= 18 && age < 62 && r.chance(0.1)) {
        const from = since('2005-01-01');
        out.push([...base, 'COMPENSACION_FAMILIAR', r.pick(CCF), '', '', 'TRABAJADOR', 'RETIRADO', from, dateBetween(r, from, asOf), h.municipality, '']);
      }
      return out;
    },
    keyOf: (row) =>
      `${row[0]}:${row[1]}:${row[8]}:${row[9]}${row[8] === 'ASISTENCIA_SOCIAL' && row[17] ? `:${row[17].normalize('NFD').replace(/[\u0300-\u036f]/g, '')}` : ''}`,
    fields: {
      birthDate: { index: at('fecha_nacimiento'), label: 'fecha_nacimiento' },
      municipality: { index: at('municipio_divipola'), label: 'municipio_divipola' },
      firstName: { index: at('primer_nombre'), label: 'primer_nombre' },
      firstSurname: { index: at('primer_apellido'), label: 'primer_apellido' },
      docNumber: { index: at('numero_documento'), label: 'numero_documento' },
    },
    change(row, r) {
      row[at('estado')] = row[at('estado')] === 'ACTIVO' ? 'RETIRADO' : 'ACTIVO';
      if (r.chance(0.3)) row[at('segundo_nombre')] = r.pick(ALT_SECOND_NAMES.filter((n) => n !== row[at('segundo_nombre')]));
    },
  };
}

/** Label variants as they really arrive: accented, upper case without accents, broken accents. */
const EVENT_LABELS: Record<number, readonly string[]> = {
  1: ['Acto terrorista / Atentados / Combates / Enfrentamientos / Hostigamientos', 'ACTO TERRORISTA / ATENTADOS / COMBATES / HOSTIGAMIENTOS'],
  2: ['Amenaza', 'AMENAZA'],
  3: ['Delitos contra la libertad y la integridad sexual en desarrollo del conflicto armado'],
  4: ['Desaparición forzada', 'DESAPARICION FORZADA', 'DesapariciÃ³n forzada', 'Desaparici?n forzada'],
  5: ['Desplazamiento forzado', 'DESPLAZAMIENTO FORZADO'],
  6: ['Homicidio', 'HOMICIDIO'],
  7: [
    'Minas Antipersonal, Munición sin Explotar y Artefacto Explosivo improvisado',
    'MINAS ANTIPERSONAL, MUNICION SIN EXPLOTAR Y ARTEFACTO EXPLOSIVO IMPROVISADO',
  ],
  8: ['Secuestro'],
  9: ['Tortura'],
  10: [
    'Vinculación de Niños Niñas y Adolescentes a Actividades Relacionadas con grupos armados',
    'Reclutamiento ilegal de menores',
    'VinculaciÃ³n de NiÃ±os NiÃ±as y Adolescentes',
  ],
  11: ['Abandono o Despojo Forzado de Tierras'],
  12: ['Perdida de Bienes Muebles o Inmuebles', 'PÉRDIDA DE BIENES MUEBLES O INMUEBLES'],
  13: ['Lesiones Personales Físicas'],
  14: ['Lesiones Personales Psicológicas'],
  15: ['Confinamiento'],
};

/** One household in five is registered as victim (RUV). */
export const victimHousehold = (index: number): boolean => index % 5 === 0;

export function ruvWriter(asOf: string, municipalities: readonly string[]): RowWriter {
  const header = [
    'TIPODOCUMENTO',
    'DOCUMENTO',
    'PRIMERNOMBRE',
    'SEGUNDONOMBRE',
    'PRIMERAPELLIDO',
    'SEGUNDOAPELLIDO',
    'FECHANACIMIENTO',
    'SEXO',
    'HECHO',
    'FECHAOCURRENCIA',
    'CODMUNICIPIOOCURRENCIA',
    'FECHADECLARACION',
    'CODMUNICIPIODECLARACION',
    'CODMUNICIPIOLLEGADA',
    'ESTADO',
  ];
  const at = (n: string) => header.indexOf(n);
  const eventOf = new Map<string, number>();
  for (const [code, labels] of Object.entries(EVENT_LABELS)) for (const l of labels) eventOf.set(l, Number(code));
  return {
    source: 'ruv',
    encoding: 'windows-1252',
    delimiter: '\u00bb',
    eol: '\r\n',
    header,
    fileName: () => `VICTIMAS_${asOf.slice(0, 4)}${asOf.slice(5, 7)}.txt`,
    rows(p, h, r) {
      // Every member of a victim household appears, once per hecho.
      if (!victimHousehold(h.index)) return [];
      const hechos = r.chance(0.25)
        ? [
            5,
            r.weighted([
              [2, 5],
              [6, 2],
              [4, 1],
              [1, 1],
              [11, 1],
              [10, 0.5],
              [7, 0.5],
              [12, 1],
            ] as const),
          ]
        : [5];
      return hechos.map((code) => {
        const occurred = dateBetween(r, later(p.birthDate, '1985-01-01'), asOf);
        const declared = dateBetween(r, occurred, asOf);
        const origin = r.pick(municipalities);
        return [
          RUV_DOC[p.docType],
          p.docNumber,
          p.firstName,
          p.secondName ?? '',
          p.firstSurname,
          p.secondSurname ?? '',
          dmy(p.birthDate),
          p.sex === 'M' ? 'Hombre' : 'Mujer',
          r.pick(EVENT_LABELS[code]),
          dmy(occurred),
          origin,
          dmy(declared),
          h.municipality,
          h.municipality,
          r.chance(0.92) ? 'INCLUIDO' : 'NO INCLUIDO',
        ];
      });
    },
    keyOf(row) {
      const type = row[0] === 'PEP' ? 'PE' : row[0] === 'NUIP' ? 'NU' : row[0];
      const occ = row[9].split('/').reverse().join('-');
      // A row without a document (no type and number, or SR without a number) is keyed by names and birth date.
      const who =
        row[1] === ''
          ? anonymousPersonKey(nameValue(row[2]), nameValue(row[3]), nameValue(row[4]), nameValue(row[5]), row[6].split('/').reverse().join('-'))
          : `${type}:${row[1]}`;
      return `${who}:${eventOf.get(row[8])}:${occ}:${row[10]}`;
    },
    fields: {
      birthDate: { index: at('FECHANACIMIENTO'), label: 'FECHANACIMIENTO' },
      municipality: { index: at('CODMUNICIPIOOCURRENCIA'), label: 'CODMUNICIPIOOCURRENCIA' },
      firstName: { index: at('PRIMERNOMBRE'), label: 'PRIMERNOMBRE' },
      firstSurname: { index: at('PRIMERAPELLIDO'), label: 'PRIMERAPELLIDO' },
      docNumber: { index: at('DOCUMENTO'), label: 'DOCUMENTO' },
    },
    change(row, r) {
      row[at('ESTADO')] = row[at('ESTADO')] === 'INCLUIDO' ? 'NO INCLUIDO' : 'INCLUIDO';
      if (r.chance(0.3)) row[at('SEGUNDONOMBRE')] = r.pick(ALT_SECOND_NAMES.filter((n) => n !== row[at('SEGUNDONOMBRE')]));
    },
  };
}
