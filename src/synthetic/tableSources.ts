/**
 * Synthetic files of the table sources, consistent with the synthetic Sisbén person file:
 *
 * - `sisben_hogares`: one row per household of the person file generated with the same `rows` and
 *   `seed` (rows = persons, as for `source: 'sisben'`), keyed `ficha-hogar` like the households
 *   that file creates, with its dwelling (shared by the hogares of one ficha) and household
 *   conditions drawn per ficha / household: realistic shares of dirt floors, no aqueduct or sewer,
 *   precarious walls, no energy and overcrowding, worse in rural areas and in Sisbén group A, so every
 *   habitability logro has households in both states;
 * - `oferta`: `rows` programs of a Mapa de Oferta Local over the municipalities where the population
 *   lives (weighted by households), each serving one to three Logros Básicos.
 *
 * Deterministic by seed; `changes` (added / changed / removed) writes a later cut of the same
 * records, as for the person sources.
 */
import { Population, type SyntheticHousehold } from './population';
import { Rng, mix } from './rng';
import { dmy } from './writers';

export interface TableGenerateOptions {
  source: 'sisben_hogares' | 'oferta';
  rows: number;
  seed: number;
  asOf: string;
  /** A later cut of the same records (as `ChangeSpec` of generate.ts). */
  changes: { added?: number; changed?: number; removed?: number };
  eol?: string;
}

export interface TableFile {
  header: string[];
  rows: string[][];
  keys: string[];
  changes?: { added: string[]; changed: string[]; removed: string[] };
  fileName: string;
}

const HOGARES_HEADER = [
  'cod_dpto',
  'cod_mpio',
  'cod_clase',
  'ide_ficha_origen',
  'ide_hogar',
  'tip_vivienda',
  'tip_mat_paredes',
  'tip_mat_pisos',
  'ind_tiene_energia',
  'ind_tiene_alcantarillado',
  'ind_tiene_gas',
  'ind_tiene_recoleccion',
  'ind_tiene_acueducto',
  'num_cuartos_vivienda',
  'num_hogares_vivienda',
  'tip_ocupa_vivienda',
  'num_cuartos_exclusivos',
  'num_cuartos_dormir',
  'tip_sanitario',
  'tip_ubi_sanitario',
  'tip_uso_sanitario',
  'tip_origen_agua',
  'ind_agua_llega_7dias',
  'tip_uso_agua_beber',
  'tip_elimina_basura',
  'ind_tiene_cocina',
  'tip_energia_cocina',
  'num_personas_hogar',
  'fec_corte',
];
const H = Object.fromEntries(HOGARES_HEADER.map((h, i) => [h, i])) as Record<string, number>;

/** String hash (FNV-1a) for per-ficha draws. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const yn = (b: boolean) => (b ? '1' : '2');

/** The dwelling of a ficha: the same for every hogar living in it. */
function dwelling(seed: number, hh: SyntheticHousehold, householdsInFicha: number) {
  const r = new Rng(mix(seed ^ 0x6a09e667, hashOf(hh.ficha)));
  const poor = hh.subgroup.startsWith('A') ? 1 : hh.subgroup.startsWith('B') ? 0.6 : 0.25;
  const rural = hh.zone === 3 ? 1 : hh.zone === 2 ? 0.5 : 0;
  const p = (urban: number, ruralP: number) => Math.min(0.98, (urban + (ruralP - urban) * rural) * (0.6 + poor));
  const aqueduct = !r.chance(p(0.05, 0.45));
  const sewer = !r.chance(p(0.1, 0.75));
  const energy = !r.chance(p(0.01, 0.12));
  const floor = r.chance(p(0.03, 0.22))
    ? 5
    : r.weighted([
        [1, 5],
        [2, 35],
        [3, 50],
        [4, 8],
        [6, 2],
      ] as const);
  const wall = r.chance(p(0.03, 0.15))
    ? r.weighted([
        [5, 40],
        [6, 25],
        [7, 30],
        [8, 5],
      ] as const)
    : r.weighted([
        [1, 80],
        [2, 8],
        [3, 7],
        [4, 5],
      ] as const);
  return {
    type:
      hh.zone === 1
        ? r.weighted([
            [1, 60],
            [2, 30],
            [3, 10],
          ] as const)
        : r.weighted([
            [1, 90],
            [3, 5],
            [5, 5],
          ] as const),
    wall,
    floor,
    energy,
    sewer,
    gas: hh.zone === 1 ? r.chance(0.7) : r.chance(0.15),
    garbage: hh.zone === 1 ? r.chance(0.95) : r.chance(0.3),
    aqueduct,
    rooms: r.int(1, 4) + householdsInFicha,
    households: householdsInFicha,
  };
}

function hogarRow(seed: number, hh: SyntheticHousehold, householdsInFicha: number, asOf: string): string[] {
  const d = dwelling(seed, hh, householdsInFicha);
  const r = new Rng(mix(seed ^ 0xbb67ae85, hh.index));
  const persons = hh.members.length;
  // Overcrowding (more than three persons per bedroom) in about one poor household in six.
  const crowded = persons >= 4 && r.chance(hh.subgroup.startsWith('A') ? 0.35 : 0.12);
  const bedrooms = crowded ? Math.max(1, Math.floor(persons / 4)) : Math.max(1, Math.min(d.rooms, Math.ceil(persons / r.int(1, 2))));
  const rooms = Math.max(bedrooms, Math.min(d.rooms, bedrooms + r.int(0, 2)));
  const toilet = d.sewer
    ? 1
    : r.weighted([
        [2, 50],
        [3, 20],
        [4, 15],
        [5, 15],
      ] as const);
  const water = d.aqueduct
    ? 1
    : r.weighted([
        [2, 20],
        [3, 15],
        [4, 10],
        [5, 30],
        [6, 5],
        [7, 10],
        [8, 5],
        [9, 5],
      ] as const);
  const row = new Array<string>(HOGARES_HEADER.length).fill('');
  row[H.cod_dpto] = hh.department;
  row[H.cod_mpio] = hh.municipality;
  row[H.cod_clase] = String(hh.zone);
  row[H.ide_ficha_origen] = hh.ficha;
  row[H.ide_hogar] = String(hh.hogar);
  row[H.tip_vivienda] = String(d.type);
  row[H.tip_mat_paredes] = String(d.wall);
  row[H.tip_mat_pisos] = String(d.floor);
  row[H.ind_tiene_energia] = yn(d.energy);
  row[H.ind_tiene_alcantarillado] = yn(d.sewer);
  row[H.ind_tiene_gas] = yn(d.gas);
  row[H.ind_tiene_recoleccion] = yn(d.garbage);
  row[H.ind_tiene_acueducto] = yn(d.aqueduct);
  row[H.num_cuartos_vivienda] = String(d.rooms);
  row[H.num_hogares_vivienda] = String(d.households);
  row[H.tip_ocupa_vivienda] = String(
    r.weighted([
      [1, 30],
      [2, 8],
      [3, 40],
      [4, 12],
      [5, 10],
    ] as const),
  );
  row[H.num_cuartos_exclusivos] = String(rooms);
  row[H.num_cuartos_dormir] = String(bedrooms);
  row[H.tip_sanitario] = String(toilet);
  row[H.tip_ubi_sanitario] = toilet === 5 ? '' : String(r.chance(hh.zone === 1 ? 0.95 : 0.6) ? 1 : 2);
  row[H.tip_uso_sanitario] = toilet === 5 ? '' : r.chance(0.9) ? '1' : '2';
  row[H.tip_origen_agua] = String(water);
  row[H.ind_agua_llega_7dias] = water === 1 ? yn(r.chance(0.85)) : '9';
  row[H.tip_uso_agua_beber] = String(
    r.weighted([
      [1, 40],
      [2, 35],
      [3, 5],
      [4, 10],
      [5, 2],
      [6, 8],
    ] as const),
  );
  row[H.tip_elimina_basura] = d.garbage
    ? '1'
    : String(
        r.weighted([
          [2, 20],
          [3, 50],
          [4, 15],
          [5, 10],
          [7, 5],
        ] as const),
      );
  row[H.ind_tiene_cocina] = yn(r.chance(0.9));
  row[H.tip_energia_cocina] = String(
    d.gas
      ? 2
      : r.weighted([
          [1, 40],
          [3, 20],
          [5, 40],
        ] as const),
  );
  row[H.num_personas_hogar] = String(persons);
  row[H.fec_corte] = dmy(asOf);
  return row;
}

/** A plausible change of a household between two cuts, keeping its key (an improvement or a move down). */
function changeHogar(row: string[], r: Rng): void {
  const k = r.int(0, 3);
  if (k === 0) row[H.tip_mat_pisos] = row[H.tip_mat_pisos] === '5' ? '3' : '5';
  else if (k === 1) row[H.ind_tiene_acueducto] = row[H.ind_tiene_acueducto] === '1' ? '2' : '1';
  else if (k === 2) {
    const bedrooms = Number(row[H.num_cuartos_dormir]);
    row[H.num_cuartos_dormir] = String(bedrooms > 1 && r.chance(0.5) ? bedrooms - 1 : bedrooms + 1);
    row[H.num_cuartos_exclusivos] = String(Math.max(Number(row[H.num_cuartos_exclusivos]), Number(row[H.num_cuartos_dormir])));
  } else row[H.ind_tiene_energia] = row[H.ind_tiene_energia] === '1' ? '2' : '1';
}

/** The households of the first `persons` persons of the population (the Sisbén person file of that size). */
function householdsOf(pop: Population, persons: number, from = 0): SyntheticHousehold[] {
  const out: SyntheticHousehold[] = [];
  let n = 0;
  for (let i = from; n < persons; i++) {
    const hh = pop.household(i);
    out.push(hh);
    n += hh.members.length;
  }
  return out;
}

function sisbenHogares(opts: TableGenerateOptions): TableFile {
  const pop = new Population({ seed: opts.seed, asOf: opts.asOf });
  const base = householdsOf(pop, opts.rows);
  const addedN = opts.changes.added ?? 0;
  const extra: SyntheticHousehold[] = [];
  for (let i = base.length; extra.length < addedN; i++) extra.push(pop.household(i));
  const all = [...base, ...extra];
  // Hogares per ficha (the population gives one ficha in ten a second hogar).
  const perFicha = new Map<string, number>();
  for (const hh of all) perFicha.set(hh.ficha, (perFicha.get(hh.ficha) ?? 0) + 1);
  const cr = new Rng(mix(opts.seed, 0x7ab1e5));
  const pickSet = (k: number, taken: Set<number>) => {
    const out = new Set<number>();
    if (k > base.length - taken.size) throw new Error(`Cannot change ${k} of ${base.length} households`);
    while (out.size < k) {
      const x = Math.floor(cr.next() * base.length);
      if (taken.has(x)) continue;
      taken.add(x);
      out.add(x);
    }
    return out;
  };
  const taken = new Set<number>();
  const removed = pickSet(opts.changes.removed ?? 0, taken);
  const changed = pickSet(opts.changes.changed ?? 0, taken);
  const isChanged = removed.size + changed.size + extra.length > 0;
  const changes = isChanged ? { added: [] as string[], changed: [] as string[], removed: [] as string[] } : undefined;
  const rows: string[][] = [];
  const keys: string[] = [];
  all.forEach((hh, i) => {
    const key = `${hh.ficha}-${hh.hogar}`;
    if (i < base.length && removed.has(i)) {
      changes!.removed.push(key);
      return;
    }
    const row = hogarRow(opts.seed, hh, perFicha.get(hh.ficha)!, opts.asOf);
    if (i < base.length && changed.has(i)) {
      changeHogar(row, new Rng(mix(opts.seed ^ 0xc4a96e, i)));
      changes!.changed.push(key);
    }
    if (i >= base.length) changes!.added.push(key);
    rows.push(row);
    keys.push(key);
  });
  return { header: HOGARES_HEADER, rows, keys, changes, fileName: `sisben_iv_hogares_${opts.seed}.csv` };
}

const OFERTA_HEADER = [
  'id_oferta',
  'cod_dpto',
  'cod_mpio',
  'entidad',
  'nit_entidad',
  'programa',
  'logros',
  'cupos',
  'fecha_inicio',
  'fecha_fin',
  'zona',
  'poblacion_objetivo',
];

/** Programs of a typical Mapa de Oferta Local: entity, NIT, program, Logros Básicos served, cupos range. */
const PROGRAMS: readonly { code: string; entity: string; nit: string; program: string; logros: number[]; places: [number, number]; target: string }[] = [
  {
    code: 'RNEC-ID',
    entity: 'Registraduría Nacional del Estado Civil',
    nit: '8999990401',
    program: 'Jornadas de identificación: registro civil, tarjeta de identidad y cédula',
    logros: [1],
    places: [50, 600],
    target: 'Familias sin documentos de identidad',
  },
  {
    code: 'DNP-SIS',
    entity: 'Alcaldía municipal — oficina Sisbén',
    nit: '8000000001',
    program: 'Actualización de la encuesta Sisbén IV',
    logros: [3],
    places: [40, 400],
    target: 'Hogares con datos desactualizados',
  },
  {
    code: 'SSM-AFI',
    entity: 'Secretaría de Salud municipal',
    nit: '8000000002',
    program: 'Afiliación al régimen subsidiado',
    logros: [13],
    places: [30, 500],
    target: 'Personas sin afiliación en salud',
  },
  {
    code: 'MVCT-AGUA',
    entity: 'Ministerio de Vivienda, Ciudad y Territorio',
    nit: '9000000000',
    program: 'Conexiones intradomiciliarias de acueducto y alcantarillado',
    logros: [24],
    places: [20, 300],
    target: 'Viviendas sin acueducto o alcantarillado',
  },
  {
    code: 'IPSE-ENE',
    entity: 'Instituto de Planificación y Promoción de Soluciones Energéticas (IPSE)',
    nit: '8300000001',
    program: 'Soluciones de energía solar para zonas no interconectadas',
    logros: [26],
    places: [10, 150],
    target: 'Viviendas rurales sin energía',
  },
  {
    code: 'DPS-PISO',
    entity: 'Prosperidad Social',
    nit: '9000396802',
    program: 'Pisos dignos',
    logros: [29],
    places: [20, 250],
    target: 'Viviendas con pisos de tierra',
  },
  {
    code: 'DPS-MEJ',
    entity: 'Prosperidad Social',
    nit: '9000396802',
    program: 'Mejoramiento de vivienda',
    logros: [28, 29, 32],
    places: [10, 200],
    target: 'Viviendas con materiales inadecuados o hacinamiento',
  },
  {
    code: 'MVCT-VIS',
    entity: 'Ministerio de Vivienda, Ciudad y Territorio',
    nit: '9000000000',
    program: 'Subsidio familiar de vivienda de interés social',
    logros: [28, 32],
    places: [5, 120],
    target: 'Hogares en hacinamiento',
  },
  {
    code: 'UARIV-ACO',
    entity: 'Unidad para las Víctimas',
    nit: '9004905473',
    program: 'Acompañamiento a hogares víctimas de desplazamiento forzado',
    logros: [45],
    places: [20, 400],
    target: 'Hogares desplazados',
  },
];

function oferta(opts: TableGenerateOptions): TableFile {
  const pop = new Population({ seed: opts.seed, asOf: opts.asOf });
  // Where the population lives, weighted by households (the first 3,000 households are a fair sample).
  const sample: SyntheticHousehold[] = [];
  for (let i = 0; i < 3000; i++) sample.push(pop.household(i));
  const r = new Rng(mix(opts.seed, 0x0fe27a));
  const year = opts.asOf.slice(0, 4);
  const addedN = opts.changes.added ?? 0;
  const total = opts.rows + addedN;
  const seen = new Set<string>();
  const all: { key: string; row: string[] }[] = [];
  for (let n = 0; all.length < total && n < total * 20; n++) {
    const hh = sample[Math.floor(r.next() * sample.length)];
    const p = r.pick(PROGRAMS);
    const semester = r.chance(0.3) ? r.int(1, 2) : 0;
    const start = semester === 2 ? `${year}-07-01` : `${year}-01-01`;
    const end = semester === 1 ? `${year}-06-30` : `${year}-12-31`;
    const code = `${p.code}-${year}`;
    const key = `${code}-${hh.municipality}-${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [lo, hi] = p.places;
    const zone = p.logros.includes(26) ? '3' : '';
    all.push({
      key,
      row: [
        code,
        hh.department,
        hh.municipality.slice(2),
        p.entity,
        p.nit,
        p.program,
        p.logros.length > 1 ? `"${p.logros.map((l) => `LB${l}`).join(', ')}"` : `LB${p.logros[0]}`,
        String(r.int(lo, hi)),
        dmy(start),
        dmy(end),
        zone,
        p.target,
      ],
    });
  }
  const cr = new Rng(mix(opts.seed, 0x7ab1e6));
  const base = all.slice(0, Math.min(opts.rows, all.length));
  const removed = new Set<number>();
  const changed = new Set<number>();
  while (removed.size < Math.min(opts.changes.removed ?? 0, base.length)) removed.add(Math.floor(cr.next() * base.length));
  while (changed.size < Math.min(opts.changes.changed ?? 0, base.length - removed.size)) {
    const x = Math.floor(cr.next() * base.length);
    if (!removed.has(x)) changed.add(x);
  }
  const isChanged = removed.size + changed.size + addedN > 0;
  const changes = isChanged ? { added: [] as string[], changed: [] as string[], removed: [] as string[] } : undefined;
  const rows: string[][] = [];
  const keys: string[] = [];
  all.forEach(({ key, row }, i) => {
    if (i < base.length && removed.has(i)) return void changes!.removed.push(key);
    if (i < base.length && changed.has(i)) {
      row[7] = String(Number(row[7]) + 10);
      changes!.changed.push(key);
    }
    if (i >= base.length) changes!.added.push(key);
    rows.push(row);
    keys.push(key);
  });
  return { header: OFERTA_HEADER, rows, keys, changes, fileName: `mapa_oferta_local_${opts.seed}.csv` };
}

export function tableFile(opts: TableGenerateOptions): TableFile {
  return opts.source === 'sisben_hogares' ? sisbenHogares(opts) : oferta(opts);
}

/** The file's text (`;`, UTF-8, header) and its rows' keys. */
export function tableFileText(opts: TableGenerateOptions): { text: string; file: TableFile } {
  const file = tableFile(opts);
  const eol = opts.eol ?? '\n';
  return { text: [file.header, ...file.rows].map((r) => r.join(';')).join(eol) + eol, file };
}
