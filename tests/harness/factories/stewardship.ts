import type { TestHub } from '../hub';

/**
 * Hand-written registry files for stewardship tests: a Sisbén IV extract (households and members)
 * and a RUAF canonical extract (one row per person × subsystem × administrator), in the real
 * layouts, imported through the real pipeline (import → reconciliation) in process; and a small
 * registry with known doubts (PEOPLE, importScenario).
 */
export interface PersonSpec {
  docType: 'CC' | 'TI' | 'RC' | 'CE';
  doc: string;
  first: string;
  second?: string;
  surname1: string;
  surname2?: string;
  /** ISO date. */
  birth: string;
  sex: 'M' | 'F';
  municipality?: string;
}

export interface HouseholdSpec {
  ficha: string;
  municipality: string;
  subgroup?: string;
  members: PersonSpec[];
}

const SISBEN_HEADER =
  'cod_dpto;cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;clasificacion;fec_corte';
const SISBEN_DOC: Record<string, string> = { RC: '1', TI: '2', CC: '3', CE: '4' };
const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function sisbenFile(households: HouseholdSpec[], cut = '2024-12-31'): string {
  const lines = [SISBEN_HEADER];
  for (const h of households) {
    h.members.forEach((p, i) => {
      lines.push(
        [
          h.municipality.slice(0, 2),
          h.municipality,
          '1',
          h.ficha,
          '1',
          String(i + 1),
          p.surname1,
          p.surname2 ?? '',
          p.first,
          p.second ?? '',
          p.sex === 'M' ? '1' : '2',
          SISBEN_DOC[p.docType],
          p.doc,
          dmy(p.birth),
          i === 0 ? '1' : '3',
          h.subgroup ?? 'A3',
          dmy(cut),
        ].join(';'),
      );
    });
  }
  return lines.join('\n') + '\n';
}

const RUAF_HEADER =
  'tipo_documento;numero_documento;primer_apellido;segundo_apellido;primer_nombre;segundo_nombre;fecha_nacimiento;sexo;subsistema;administradora_codigo;administradora_nombre;regimen;tipo_afiliado;estado;fecha_afiliacion;fecha_retiro;municipio_divipola;programa';

export interface RuafRow extends PersonSpec {
  subsystem?: 'SALUD' | 'PENSIONES' | 'RIESGOS_LABORALES';
  administrator?: string;
  state?: 'ACTIVO' | 'RETIRADO';
}

export function ruafFile(rows: RuafRow[]): string {
  const lines = [RUAF_HEADER];
  for (const r of rows) {
    lines.push(
      [
        r.docType,
        r.doc,
        r.surname1,
        r.surname2 ?? '',
        r.first,
        r.second ?? '',
        dmy(r.birth),
        r.sex,
        r.subsystem ?? 'SALUD',
        r.administrator ?? 'EPS037',
        '',
        'CONTRIBUTIVO',
        'COTIZANTE',
        r.state ?? 'ACTIVO',
        '01/02/2015',
        '',
        r.municipality ?? '05001',
        '',
      ].join(';'),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

// --- a small registry with known doubts --------------------------------------------------------

export const PEOPLE = {
  A: { docType: 'CC', doc: '43876512', first: 'MARIA', second: 'DEL CARMEN', surname1: 'MUÑOZ', surname2: 'PEÑA', birth: '1972-03-14', sex: 'F' },
  B: { docType: 'CC', doc: '71234567', first: 'JOSE', second: 'ANTONIO', surname1: 'CASTAÑEDA', surname2: 'ALVAREZ', birth: '1965-11-02', sex: 'M' },
  D: { docType: 'TI', doc: '1034567890', first: 'SANTIAGO', surname1: 'CASTAÑEDA', surname2: 'MUÑOZ', birth: '2010-01-05', sex: 'M' },
  C: {
    docType: 'CC',
    doc: '1023456789',
    first: 'LUISA',
    second: 'FERNANDA',
    surname1: 'GOMEZ',
    surname2: 'RIOS',
    birth: '1995-06-21',
    sex: 'F',
    municipality: '76001',
  },
  E: {
    docType: 'CC',
    doc: '52111222',
    first: 'ANA',
    second: 'LUCIA',
    surname1: 'PEREZ',
    surname2: 'TORRES',
    birth: '1980-07-07',
    sex: 'F',
    municipality: '11001',
  },
} satisfies Record<string, PersonSpec>;

export const SISBEN_HOUSEHOLDS: HouseholdSpec[] = [
  { ficha: '500010000123', municipality: '05001', members: [PEOPLE.A, PEOPLE.B, PEOPLE.D] },
  { ficha: '760010000999', municipality: '76001', members: [PEOPLE.C] },
  { ficha: '110010000777', municipality: '11001', members: [PEOPLE.E] },
];

/**
 * RUAF rows: A exactly (deterministic link); A' and E' (a number with a digit dropped, no second
 * name, birth date a day later: POSSIBLE_MATCH — another full-length number of the same type would be
 * another person, the namesakes guard); C with a keying error in the number (probabilistic link); B exactly.
 */
export const RUAF_ROWS: RuafRow[] = [
  { ...PEOPLE.A },
  { ...PEOPLE.A, doc: '4387659', second: '', birth: '1972-03-15', administrator: 'EPS004' },
  { ...PEOPLE.C, doc: '1023456780', birth: '1995-06-22', administrator: 'EPS002', municipality: '76001' },
  { ...PEOPLE.B, administrator: 'EPS001' },
  { ...PEOPLE.E, doc: '5211129', second: '', birth: '1980-07-08', administrator: 'EPS005', municipality: '11001' },
];

export const KEYS = {
  sisbenA: '500010000123-1-1',
  sisbenB: '500010000123-1-2',
  sisbenC: '760010000999-1-1',
  sisbenE: '110010000777-1-1',
  ruafA: 'CC:43876512:SALUD:EPS037',
  ruafA2: 'CC:4387659:SALUD:EPS004',
  ruafC2: 'CC:1023456780:SALUD:EPS002',
  ruafE2: 'CC:5211129:SALUD:EPS005',
};

/** Imports the small registry (the hub needs workers: each import's reconciliation runs too). */
export async function importScenario(hub: TestHub): Promise<void> {
  await hub.importContent('sisben_iv_personas.csv', sisbenFile(SISBEN_HOUSEHOLDS), 'sisben');
  await hub.importContent('RUAF_afiliados_1.csv', ruafFile(RUAF_ROWS), 'ruaf');
}
