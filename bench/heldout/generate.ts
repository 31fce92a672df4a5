/**
 * Held-out linkage population for bench/linkage.ts (`--population heldout`): written apart from the
 * project's generator (src/synthetic) — its own name lists, its own random source, its own household
 * model and error model, its own file writers — so that the engine is measured on data it was not
 * tuned on. Nothing under src/ imports it; do not tune rules on it (tune on the project's generator,
 * report both).
 *
 * What it contains that a real cross of Sisbén IV, BDUA and RUV shows (issue 11):
 *  - persons without any document (Sisbén `Tip_documento` 0, not in BDUA) and RUV rows without
 *    TIPODOCUMENTO/DOCUMENTO or with `SR` and no number, though other registers know the document;
 *  - namesakes: another person elsewhere with the same full name and birth date, another cédula;
 *  - twins registered the same day: consecutive document numbers, same household and surnames,
 *    compound or similar given names;
 *  - adjacent transposed digits combined with a name typo or swapped surnames;
 *  - the same document and names with the birth date a few days off, or day and month swapped;
 *  - surnames swapped together with one other difference.
 * Every record carries class tags in the truth; a person's tags are the classes it belongs to.
 *
 *   npx tsx bench/heldout/generate.ts --persons 20000 --out /tmp/heldout [--seed 101]
 *
 * Writes sisben_iv_personas_<seed>.csv (UTF-8, `;`), <EPS>-MS00<date>.TXT (Windows-1252, 43 columns,
 * no header) and VICTIMAS_<yyyymm>.txt (ISO-8859-1, `»`), truth.tsv (source, source_key, person,
 * tags; keys as the connectors derive them, read back through the connectors) and manifest.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';

// ---------------------------------------------------------------------------------------------
// Random source: splitmix32 per stream, seeded by (seed, stream, index) — not the project's Rng.

function hash32(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Dice {
  private s: number;
  constructor(...seed: number[]) {
    this.s = hash32(...seed);
  }
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  }
  p(prob: number): boolean {
    return this.next() < prob;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  of<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** Rank-weighted pick (rank^-s): common names first in each list. */
  zipf<T>(xs: readonly T[], s = 0.85): T {
    const key = `${xs.length}:${s}`;
    let cdf = CDF.get(key);
    if (!cdf) {
      let acc = 0;
      const w = xs.map((_, k) => (acc += (k + 1) ** -s));
      cdf = w.map((x) => x / acc);
      CDF.set(key, cdf);
    }
    const u = this.next();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return xs[lo];
  }
}
const CDF = new Map<string, number[]>();

// ---------------------------------------------------------------------------------------------
// Name lists (ordered roughly by frequency; independent of src/synthetic/names.ts).

const SURNAMES = [
  'RODRÍGUEZ',
  'MARTÍNEZ',
  'GARCÍA',
  'GÓMEZ',
  'LÓPEZ',
  'GONZÁLEZ',
  'HERNÁNDEZ',
  'SÁNCHEZ',
  'PÉREZ',
  'DÍAZ',
  'RAMÍREZ',
  'MUÑOZ',
  'ROJAS',
  'MORENO',
  'VARGAS',
  'ORTIZ',
  'JIMÉNEZ',
  'CASTRO',
  'GUTIÉRREZ',
  'ÁLVAREZ',
  'TORRES',
  'RUIZ',
  'SUÁREZ',
  'ROMERO',
  'HERRERA',
  'QUINTERO',
  'VALENCIA',
  'ARIAS',
  'RESTREPO',
  'CARDONA',
  'OSPINA',
  'GIRALDO',
  'MARÍN',
  'OCAMPO',
  'SALAZAR',
  'BETANCUR',
  'AGUDELO',
  'HENAO',
  'ZULUAGA',
  'ARANGO',
  'MOSQUERA',
  'RENTERÍA',
  'PALACIOS',
  'CÓRDOBA',
  'MURILLO',
  'VALOYES',
  'IBARGÜEN',
  'CUESTA',
  'LLOREDA',
  'PEREA',
  'CAICEDO',
  'ANGULO',
  'QUIÑONES',
  'CASTILLO',
  'HURTADO',
  'RIASCOS',
  'GRUESO',
  'ORTEGA',
  'CUERO',
  'BANGUERA',
  'PADILLA',
  'BARRIOS',
  'JULIO',
  'MERCADO',
  'PACHECO',
  'POLO',
  'ACOSTA',
  'BARRAZA',
  'CANTILLO',
  'OROZCO',
  'VILLAMIZAR',
  'JAIMES',
  'SUAREZ',
  'PABÓN',
  'ORTEGÓN',
  'CASTAÑEDA',
  'BECERRA',
  'CHAPARRO',
  'BONILLA',
  'CUBIDES',
  'NARVÁEZ',
  'BOLAÑOS',
  'ERAZO',
  'CHAMORRO',
  'BURBANO',
  'MUÑOZ',
  'GUERRERO',
  'ROSERO',
  'PANTOJA',
  'DELGADO',
  'YATE',
  'CHOCUÉ',
  'PITO',
  'TROCHEZ',
  'IPIA',
  'MESTRE',
  'EPIAYÚ',
  'URIANA',
  'PUSHAINA',
  'JUSAYÚ',
  'DE LA HOZ',
  'DE LA CRUZ',
  'DEL CASTILLO',
  'DE LOS RÍOS',
  'DE ÁVILA',
  'SAN JUAN',
  'DE LA ROSA',
  'DEL RÍO',
];
const FEMALE = [
  'MARÍA',
  'LUZ',
  'ANA',
  'MARTHA',
  'GLORIA',
  'SANDRA',
  'CLAUDIA',
  'BLANCA',
  'NUBIA',
  'ROSA',
  'YOLANDA',
  'LILIANA',
  'DIANA',
  'ADRIANA',
  'PATRICIA',
  'ELIZABETH',
  'MARLENY',
  'DORA',
  'CARMEN',
  'AMPARO',
  'ERIKA',
  'YURANI',
  'YURLEY',
  'DAYANA',
  'KAREN',
  'LEIDY',
  'JOHANA',
  'YESENIA',
  'YENNY',
  'YULI',
  'MARCELA',
  'ALEJANDRA',
  'KATHERINE',
  'ESTEFANÍA',
  'LORENA',
  'XIMENA',
  'DANIELA',
  'MARIANA',
  'SARA',
  'LAURA',
  'ISABELLA',
  'SALOMÉ',
  'SOFÍA',
  'EMILY',
  'SAMANTHA',
  'LUCIANA',
  'ANTONELLA',
  'DULCE',
  'MIRYAM',
  'OLGA',
  'FANNY',
  'BERTHA',
  'EDILMA',
  'ARACELLY',
  'NELLY',
  'OMAIRA',
  'FLOR',
  'ESPERANZA',
  'INÉS',
  'TERESA',
  'MARÍA JOSÉ',
  'MARÍA FERNANDA',
  'LUZ DARY',
  'LUZ MERY',
  'ANA MILENA',
  'MARÍA CAMILA',
  'LUZ ÁNGELA',
];
const MALE = [
  'JOSÉ',
  'LUIS',
  'CARLOS',
  'JUAN',
  'JORGE',
  'JAIRO',
  'HÉCTOR',
  'ÁLVARO',
  'FERNANDO',
  'RICARDO',
  'EDWIN',
  'WILSON',
  'WILLIAM',
  'JHON',
  'FREDDY',
  'DIEGO',
  'ANDRÉS',
  'CAMILO',
  'SEBASTIÁN',
  'SANTIAGO',
  'NICOLÁS',
  'SAMUEL',
  'MATÍAS',
  'EMMANUEL',
  'JERÓNIMO',
  'THIAGO',
  'DILAN',
  'BRAYAN',
  'KEVIN',
  'STIVEN',
  'YEFERSON',
  'YEISON',
  'DUVÁN',
  'ARLEY',
  'NELSON',
  'OSCAR',
  'RUBÉN',
  'GUSTAVO',
  'HUMBERTO',
  'ORLANDO',
  'EDGAR',
  'HERNANDO',
  'ALIRIO',
  'ARCÁNGEL',
  'REINALDO',
  'EUCLIDES',
  'ANÍBAL',
  'OMAR',
  'EDUAR',
  'ROBINSON',
  'JUAN DAVID',
  'JUAN CAMILO',
  'JUAN PABLO',
  'JUAN JOSÉ',
  'LUIS ALBERTO',
  'JOSÉ LUIS',
  'CARLOS ANDRÉS',
  'JOSÉ ANTONIO',
];
const SECOND_F = ['ALEJANDRA', 'PATRICIA', 'ELENA', 'ISABEL', 'CRISTINA', 'MILENA', 'YANETH', 'ESTELLA', 'VALENTINA', 'SOFÍA', 'DEL CARMEN', 'DE JESÚS'];
const SECOND_M = ['ANDRÉS', 'ALBERTO', 'ENRIQUE', 'ANTONIO', 'DAVID', 'FELIPE', 'ESTEBAN', 'ALONSO', 'DE JESÚS', 'EDUARDO', 'MAURICIO', 'ALFONSO'];
// Twins' given names: pairs that share a first word, or sound alike.
const TWIN_NAMES: Record<'M' | 'F', [string, string][]> = {
  M: [
    ['JUAN DAVID', 'JUAN DIEGO'],
    ['JUAN CAMILO', 'JUAN CARLOS'],
    ['JOSÉ LUIS', 'JOSÉ MIGUEL'],
    ['YEISON', 'YEFERSON'],
    ['BRAYAN', 'BRYAN STIVEN'],
    ['SAMUEL', 'SAMUEL DAVID'],
  ],
  F: [
    ['MARÍA JOSÉ', 'MARÍA PAULA'],
    ['MARÍA FERNANDA', 'MARÍA ALEJANDRA'],
    ['LUZ DARY', 'LUZ MERY'],
    ['YURANI', 'YULIANA'],
    ['ANA SOFÍA', 'ANA LUCÍA'],
    ['DANIELA', 'DANIELA ANDREA'],
  ],
};

// ---------------------------------------------------------------------------------------------
// Population.

interface Person {
  id: number;
  household: number;
  order: number;
  role: number;
  sex: 'M' | 'F';
  given: string;
  second: string | null;
  s1: string;
  s2: string | null;
  birth: string;
  docType: 'RC' | 'TI' | 'CC' | null;
  doc: string | null;
  classes: string[];
}
interface Household {
  id: number;
  ficha: string;
  municipality: string;
  members: Person[];
  victim: boolean;
  eps: string;
}

const AS_OF = '2025-03-31';
const EPS = ['EPSS40', 'EPSS41', 'ESSC62', 'CCFC55', 'EPSS37', 'EPSIC6', 'ESSC07'];

function municipalities(): string[] {
  const path = process.env.DIVIPOLA_CSV ?? '/work/shared/data/divipola.csv';
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[2])
      .filter((c) => /^\d{5}$/.test(c ?? ''));
  } catch {
    return ['05001', '11001', '76001', '08001', '13001', '27001', '52001', '54001', '68001', '19001'];
  }
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
function dateIn(r: Dice, fromYear: number, toYear: number): string {
  const a = Date.UTC(fromYear, 0, 1);
  const b = Math.min(Date.UTC(toYear, 11, 31), Date.parse(AS_OF) - 86400000);
  return iso(new Date(a + Math.floor(r.next() * ((b - a) / 86400000)) * 86400000));
}
const ageOf = (birth: string) => Number(AS_OF.slice(0, 4)) - Number(birth.slice(0, 4)) - (AS_OF.slice(5) < birth.slice(5) ? 1 : 0);

/** Document numbers: a per-type counter mapped through a bijection, so no two persons share one by accident. */
class Registraduria {
  private n = 0;
  constructor(private readonly seed: number) {}
  /** A fresh number for a person born on `birth`; `twin` returns the next consecutive one. */
  issue(type: 'RC' | 'TI' | 'CC', birth: string): string {
    const k = ++this.n;
    const scrambled = (Math.imul(k, 2654435761) ^ this.seed) >>> 0;
    const year = Number(birth.slice(0, 4));
    if (type === 'CC' && year < 1975) return String(1_000_000 + (scrambled % 98_999_999)); // old cédula, 7–8 digits
    if (type === 'CC' && year < 1995) return String(1_000_000_000 + (scrambled % 99_999_999) * 10 + (k % 10)).slice(0, 10);
    // NUIP era: 10 digits, the same number on RC, TI and CC.
    return String(1_000_000_000 + (scrambled % 150_000_000) * 7 + (k % 7)).slice(0, 10);
  }
}

function docTypeFor(birth: string): 'RC' | 'TI' | 'CC' {
  const age = ageOf(birth);
  return age < 7 ? 'RC' : age < 18 ? 'TI' : 'CC';
}

interface Options {
  persons: number;
  seed: number;
  outDir: string;
}

function buildPopulation(o: Options): Household[] {
  const munis = municipalities();
  const reg = new Registraduria(o.seed);
  const households: Household[] = [];
  const adults: Person[] = [];
  let pid = 0;
  for (let h = 0; pid < o.persons; h++) {
    const r = new Dice(o.seed, 1, h);
    const municipality = r.p(0.35) ? r.of(munis.slice(0, 40)) : r.of(munis);
    const hh: Household = { id: h, ficha: String(7_000_000_000 + h * 13), municipality, members: [], victim: r.p(0.25), eps: r.of(EPS) };
    const fatherS1 = r.zipf(SURNAMES);
    const motherS1 = r.zipf(SURNAMES);
    const size = r.p(0.15) ? 1 : r.int(2, 7);
    const headSex: 'M' | 'F' = r.p(0.45) ? 'F' : 'M';
    const headBirth = dateIn(r, 1945, 2000);
    const add = (p: Omit<Person, 'id' | 'household' | 'order' | 'classes' | 'docType' | 'doc'> & { docType?: Person['docType'] }): Person => {
      const docType = p.docType === undefined ? docTypeFor(p.birth) : p.docType;
      const person: Person = {
        ...p,
        id: ++pid,
        household: h,
        order: hh.members.length + 1,
        classes: [],
        docType,
        doc: docType ? reg.issue(docType, p.birth) : null,
      };
      hh.members.push(person);
      return person;
    };
    const name = (sex: 'M' | 'F', d: Dice) => {
      const g = d.zipf(sex === 'F' ? FEMALE : MALE);
      return { given: g, second: g.includes(' ') || d.p(0.3) ? null : d.of(sex === 'F' ? SECOND_F : SECOND_M) };
    };
    const head = add({
      role: 1,
      sex: headSex,
      ...name(headSex, r),
      s1: headSex === 'M' ? fatherS1 : motherS1,
      s2: r.p(0.95) ? r.zipf(SURNAMES) : null,
      birth: headBirth,
    });
    adults.push(head);
    if (size >= 2 && r.p(0.7)) {
      const sx: 'M' | 'F' = headSex === 'M' ? 'F' : 'M';
      const spouse = add({
        role: 2,
        sex: sx,
        ...name(sx, r),
        s1: sx === 'M' ? fatherS1 : motherS1,
        s2: r.zipf(SURNAMES),
        birth: dateIn(r, Number(headBirth.slice(0, 4)) - 6, Math.min(2002, Number(headBirth.slice(0, 4)) + 6)),
      });
      adults.push(spouse);
    }
    const childS1 = head.sex === 'M' ? head.s1 : fatherS1;
    const childS2 = head.sex === 'M' ? motherS1 : head.s1;
    const from = Math.max(Number(headBirth.slice(0, 4)) + 17, 1985);
    while (hh.members.length < size) {
      const sx: 'M' | 'F' = r.p(0.5) ? 'F' : 'M';
      const birth = dateIn(r, from, 2024);
      // Twins: registered the same day, consecutive numbers, similar or compound names.
      if (hh.members.length + 2 <= size + 1 && r.p(0.04)) {
        const [a, b] = r.of(TWIN_NAMES[sx]);
        const t1 = add({ role: 3, sex: sx, given: a, second: null, s1: childS1, s2: childS2, birth });
        const t2: Person = { ...t1, id: ++pid, order: hh.members.length + 1, given: b, classes: [] };
        if (t1.doc) t2.doc = String(Number(t1.doc) + 1);
        hh.members.push(t2);
        t1.classes.push('twins');
        t2.classes.push('twins');
        continue;
      }
      add({ role: 3, sex: sx, ...name(sx, r), s1: childS1, s2: childS2, birth });
    }
    // Namesakes: an adult who carries the full name and birth date of an adult elsewhere.
    if (adults.length > 200 && r.p(0.012)) {
      const donor = adults[r.int(0, adults.length - 100)];
      const target = hh.members[0];
      if (donor.household !== h && households[donor.household]?.municipality !== municipality && donor.sex === target.sex) {
        Object.assign(target, { given: donor.given, second: donor.second, s1: donor.s1, s2: donor.s2, birth: donor.birth });
        target.docType = docTypeFor(target.birth);
        target.doc = reg.issue(target.docType, target.birth);
        target.classes.push('namesake');
        donor.classes.push('namesake');
      }
    }
    // Persons without any document: more common among victims and the youngest.
    for (const m of hh.members) {
      if (r.p(hh.victim ? 0.05 : 0.01) || (ageOf(m.birth) < 2 && r.p(0.1))) {
        m.docType = null;
        m.doc = null;
        m.classes.push('no-document');
      }
    }
    households.push(hh);
  }
  return households;
}

// ---------------------------------------------------------------------------------------------
// Error model: per appearance, errors drawn per field (rates differ by register).

interface Rates {
  typo: number;
  dropSecondName: number;
  dropSecondSurname: number;
  swapSurnames: number;
  accents: number;
  dobDays: number;
  dobSwap: number;
  transpose: number;
  digit: number;
  /** Combined hard cases (issue 11). */
  transposePlus: number;
  swapPlus: number;
  /** RUV: row without the document, though the person has one. */
  docMissing: number;
}
const RATES: Record<'sisben' | 'bdua' | 'ruv', Rates> = {
  sisben: {
    typo: 0.025,
    dropSecondName: 0.12,
    dropSecondSurname: 0.04,
    swapSurnames: 0.006,
    accents: 0.3,
    dobDays: 0.006,
    dobSwap: 0.006,
    transpose: 0.005,
    digit: 0.003,
    transposePlus: 0.003,
    swapPlus: 0.003,
    docMissing: 0,
  },
  bdua: {
    typo: 0.01,
    dropSecondName: 0.06,
    dropSecondSurname: 0.02,
    swapSurnames: 0.003,
    accents: 0.9,
    dobDays: 0.003,
    dobSwap: 0.003,
    transpose: 0.002,
    digit: 0.001,
    transposePlus: 0.0015,
    swapPlus: 0.0015,
    docMissing: 0,
  },
  ruv: {
    typo: 0.035,
    dropSecondName: 0.15,
    dropSecondSurname: 0.06,
    swapSurnames: 0.01,
    accents: 0.6,
    dobDays: 0.008,
    dobSwap: 0.01,
    transpose: 0.006,
    digit: 0.004,
    transposePlus: 0.004,
    swapPlus: 0.004,
    docMissing: 0.04,
  },
};

const KEYBOARD: Record<string, string> = {
  A: 'SQ',
  E: 'WR',
  I: 'UO',
  O: 'IP',
  U: 'YI',
  N: 'BM',
  M: 'N',
  R: 'ET',
  S: 'AD',
  L: 'K',
  T: 'RY',
  D: 'SF',
  C: 'XV',
  B: 'VN',
  G: 'FH',
  Y: 'TU',
};
function typo(s: string, r: Dice): string {
  const word = s.split(' ')[0];
  if (word.length < 4) return s;
  const i = r.int(1, word.length - 2);
  const kind = r.int(0, 3);
  let w: string;
  if (kind === 0) w = word.slice(0, i) + word.slice(i + 1);
  else if (kind === 1) w = word.slice(0, i) + word[i] + word.slice(i);
  else if (kind === 2) w = word.slice(0, i) + (KEYBOARD[word[i]]?.[r.int(0, 1)] ?? 'E') + word.slice(i + 1);
  else w = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return [w, ...s.split(' ').slice(1)].join(' ');
}
const stripAccents = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u0302\u0304-\u036f]/g, '')
    .normalize('NFC')
    .replace(/Ü/g, 'U');
function transpose(doc: string, r: Dice): string {
  for (let k = 0; k < 6; k++) {
    const i = r.int(0, doc.length - 2);
    if (doc[i] !== doc[i + 1] && !(i === 0 && doc[i + 1] === '0')) return doc.slice(0, i) + doc[i + 1] + doc[i] + doc.slice(i + 2);
  }
  return doc;
}
function wrongDigit(doc: string, r: Dice): string {
  const i = r.int(1, doc.length - 1);
  return doc.slice(0, i) + String((Number(doc[i]) + r.int(2, 8)) % 10) + doc.slice(i + 1);
}
function shiftDays(birth: string, days: number): string {
  return iso(new Date(Date.parse(birth) + days * 86400000));
}

interface Appearance {
  given: string;
  second: string | null;
  s1: string;
  s2: string | null;
  birth: string;
  sex: 'M' | 'F';
  docType: Person['docType'];
  doc: string | null;
  tags: string[];
}

function appear(p: Person, source: 'sisben' | 'bdua' | 'ruv', r: Dice): Appearance {
  const q = RATES[source];
  const a: Appearance = {
    given: p.given,
    second: p.second,
    s1: p.s1,
    s2: p.s2,
    birth: p.birth,
    sex: p.sex,
    docType: p.docType,
    doc: p.doc,
    tags: [...p.classes],
  };
  // Registers lag the life cycle: a young adult still on TI, a 7-year-old still on RC (same NUIP).
  const age = ageOf(p.birth);
  if (a.docType === 'CC' && age < 21 && r.p(0.4)) a.docType = 'TI';
  if (a.docType === 'TI' && age < 9 && r.p(0.4)) a.docType = 'RC';
  // Compound given names split into the two fields in some registers.
  if (a.second === null && a.given.includes(' ') && r.p(0.5)) [a.given, a.second] = [a.given.split(' ')[0], a.given.split(' ').slice(1).join(' ')];

  if (a.doc && r.p(q.transposePlus)) {
    a.doc = transpose(a.doc, r);
    if (r.p(0.5) && a.s2) [a.s1, a.s2] = [a.s2, a.s1];
    else a.given = typo(a.given, r);
    a.tags.push('transposition-plus');
  } else if (a.s2 && r.p(q.swapPlus)) {
    [a.s1, a.s2] = [a.s2, a.s1];
    const k = r.int(0, 2);
    if (k === 0) a.given = typo(a.given, r);
    else if (k === 1) a.second = null;
    else a.birth = shiftDays(a.birth, r.p(0.5) ? 1 : -1);
    a.tags.push('swap-plus');
  } else {
    if (r.p(q.typo)) {
      a.given = typo(a.given, r);
      a.tags.push('typo');
    }
    if (r.p(q.typo)) {
      if (r.p(0.6)) a.s1 = typo(a.s1, r);
      else if (a.s2) a.s2 = typo(a.s2, r);
      a.tags.push('typo');
    }
    if (a.s2 && r.p(q.swapSurnames)) {
      [a.s1, a.s2] = [a.s2, a.s1];
      a.tags.push('surname-swap');
    }
    if (a.doc && r.p(q.transpose)) {
      a.doc = transpose(a.doc, r);
      a.tags.push('transposition');
    } else if (a.doc && r.p(q.digit)) {
      a.doc = wrongDigit(a.doc, r);
      a.tags.push('digit');
    }
  }
  if (a.second && r.p(q.dropSecondName)) a.second = null;
  if (a.s2 && r.p(q.dropSecondSurname)) a.s2 = null;
  if (r.p(q.dobDays)) {
    a.birth = shiftDays(a.birth, r.of([-9, -6, -4, -3, -2, 2, 3, 5, 7, 10]));
    a.tags.push('dob-off');
  } else if (r.p(q.dobSwap)) {
    const [y, m, d] = a.birth.split('-');
    if (Number(d) <= 12 && d !== m) {
      a.birth = `${y}-${d}-${m}`;
      a.tags.push('dob-off');
    }
  }
  if (a.birth > AS_OF) a.birth = p.birth;
  if (r.p(q.accents)) {
    a.given = stripAccents(a.given);
    a.second = a.second && stripAccents(a.second);
    a.s1 = stripAccents(a.s1);
    a.s2 = a.s2 && stripAccents(a.s2);
  }
  if (a.doc && r.p(q.docMissing)) {
    a.doc = null;
    a.docType = null;
    a.tags.push('no-document');
  }
  if (a.doc === null && !a.tags.includes('no-document')) a.tags.push('no-document');
  return a;
}

// ---------------------------------------------------------------------------------------------
// Writers (the registers' layouts as the connectors document them).

const dmy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const SISBEN_TYPE: Record<string, string> = { RC: '1', TI: '2', CC: '3' };
const SUBGROUPS = ['A1', 'A3', 'A5', 'B2', 'B4', 'B7', 'C3', 'C9', 'C15', 'D4'];
const HECHOS = ['Desplazamiento forzado', 'DESPLAZAMIENTO FORZADO', 'Amenaza', 'Homicidio', 'Desaparición forzada', 'Abandono o Despojo Forzado de Tierras'];

export interface HeldoutManifest {
  seed: number;
  persons: number;
  households: number;
  files: { source: 'sisben' | 'bdua' | 'ruv'; path: string; fileName: string; rows: number }[];
  truthPath: string;
  tags: Record<string, Record<string, number>>;
  generator: 'heldout';
}

export async function generateHeldout(o: Options): Promise<HeldoutManifest> {
  mkdirSync(o.outDir, { recursive: true });
  const households = buildPopulation(o);
  const lines: Record<'sisben' | 'bdua' | 'ruv', string[]> = { sisben: [], bdua: [], ruv: [] };
  // Truth by file line; keys are read back through the connectors below.
  const truthByLine: Record<'sisben' | 'bdua' | 'ruv', { person: number; tags: string[] }[]> = { sisben: [], bdua: [], ruv: [] };
  lines.sisben.push(
    'cod_dpto;cod_mpio;cod_clase;ide_ficha_origen;ide_hogar;ide_persona;pri_apellido;seg_apellido;pri_nombre;seg_nombre;sexo_persona;tip_documento;num_documento;fec_nacimiento;tip_parentesco;clasificacion;fec_corte',
  );
  lines.ruv.push(
    'TIPODOCUMENTO»DOCUMENTO»PRIMERNOMBRE»SEGUNDONOMBRE»PRIMERAPELLIDO»SEGUNDOAPELLIDO»FECHANACIMIENTO»SEXO»HECHO»FECHAOCURRENCIA»CODMUNICIPIOOCURRENCIA»CODMUNICIPIOLLEGADA',
  );
  const munis = municipalities();
  let persons = 0;
  let afl = 50_000_000;
  for (const hh of households) {
    const rh = new Dice(o.seed, 2, hh.id);
    const inSisben = rh.p(0.85);
    const sub = rh.of(SUBGROUPS);
    for (const p of hh.members) {
      persons++;
      if (inSisben && rh.p(0.95)) {
        const a = appear(p, 'sisben', new Dice(o.seed, 3, p.id));
        lines.sisben.push(
          [
            hh.municipality.slice(0, 2),
            hh.municipality,
            '1',
            hh.ficha,
            '1',
            String(p.order),
            a.s1,
            a.s2 ?? '',
            a.given,
            a.second ?? '',
            a.sex === 'M' ? '1' : '2',
            a.doc ? SISBEN_TYPE[a.docType!] : '0',
            a.doc ?? '',
            dmy(a.birth),
            String(p.order === 1 ? 1 : p.role),
            sub,
            '31/12/2024',
          ].join(';'),
        );
        truthByLine.sisben.push({ person: p.id, tags: a.tags });
      }
      if (p.doc && rh.p(0.9)) {
        const a = appear(p, 'bdua', new Dice(o.seed, 4, p.id));
        const row = new Array<string>(43).fill('');
        const head = hh.members[0];
        row[0] = String(++afl);
        row[1] = hh.eps;
        row[2] = head.doc ? head.docType! : '';
        row[3] = head.doc ?? '';
        row[4] = a.docType ?? 'CC';
        row[5] = a.doc ?? p.doc;
        row[6] = a.s1;
        row[7] = a.s2 ?? '';
        row[8] = a.given;
        row[9] = a.second ?? '';
        row[10] = dmy(a.birth);
        row[11] = a.sex;
        row[12] = '170';
        row[14] = '170';
        row[17] = p.role === 1 ? 'C' : 'B';
        row[18] = p.role === 1 ? '' : String(p.role);
        row[19] = '5';
        row[23] = hh.municipality.slice(0, 2);
        row[24] = hh.municipality.slice(2);
        row[25] = 'U';
        row[26] = '01/02/2012';
        row[27] = '01/02/2012';
        row[32] = 'T';
        row[33] = 'AC';
        row[34] = '01/02/2012';
        row[35] = '31/12/2999';
        row[36] = head.doc ?? '';
        row[37] = 'N';
        row[40] = sub;
        row[41] = 'S4';
        // The Registraduría check passes only for numbers as issued.
        row[42] = a.tags.some((t) => t.startsWith('transposition') || t === 'digit') ? 'NE' : 'OK';
        lines.bdua.push(row.join(','));
        truthByLine.bdua.push({ person: p.id, tags: a.tags });
      }
      if (hh.victim) {
        const rv = new Dice(o.seed, 5, p.id);
        const hechos = rv.p(0.3) ? 2 : 1;
        for (let k = 0; k < hechos; k++) {
          const a = appear(p, 'ruv', new Dice(o.seed, 6, p.id, k));
          const sr = a.doc === null && rv.p(0.3);
          const occurred = dateIn(rv, Math.max(1990, Number(p.birth.slice(0, 4))), 2024);
          lines.ruv.push(
            [
              a.doc ? (a.docType === 'RC' && rv.p(0.5) ? 'NUIP' : a.docType!) : sr ? 'SR' : '',
              a.doc ?? '',
              a.given,
              a.second ?? '',
              a.s1,
              a.s2 ?? '',
              dmy(a.birth),
              a.sex === 'M' ? 'Hombre' : 'Mujer',
              k === 0 ? rv.of(HECHOS.slice(0, 2)) : rv.of(HECHOS.slice(2)),
              dmy(occurred),
              rv.p(0.6) ? hh.municipality : rv.of(munis),
              hh.municipality,
            ].join('»'),
          );
          truthByLine.ruv.push({ person: p.id, tags: a.tags });
        }
      }
    }
  }

  const stamp = AS_OF.replace(/-/g, '').slice(0, 6);
  const files = [
    { source: 'sisben' as const, fileName: `sisben_iv_personas_${o.seed}.csv`, bytes: Buffer.from(lines.sisben.join('\n') + '\n', 'utf8') },
    {
      source: 'bdua' as const,
      fileName: `${EPS[1]}-MS00${dmy(AS_OF).replace(/\//g, '')}.TXT`,
      bytes: iconv.encode(lines.bdua.join('\r\n') + '\r\n', 'win1252'),
    },
    { source: 'ruv' as const, fileName: `VICTIMAS_${stamp}.txt`, bytes: iconv.encode(lines.ruv.join('\r\n') + '\r\n', 'latin1') },
  ];
  const manifestFiles: HeldoutManifest['files'] = [];
  for (const f of files) {
    const path = join(o.outDir, f.fileName);
    writeFileSync(path, f.bytes);
    manifestFiles.push({ source: f.source, path, fileName: f.fileName, rows: lines[f.source].length - (f.source === 'bdua' ? 0 : 1) });
  }

  // Keys as the connectors give them (the truth must name the records the import creates).
  const { getConnector, emptyParseStats } = await import('../../connectors');
  const { parseFile, inspectFile } = await import('../../src/imports/registryFiles');
  const codes = new Set(municipalities());
  const truth: string[] = ['source\tsource_key\tperson\ttags'];
  const tagCounts: Record<string, Record<string, number>> = {};
  for (const f of manifestFiles) {
    const info = await inspectFile(f.path);
    const seen = new Set<string>();
    const offset = f.source === 'bdua' ? 1 : 2; // first data line
    const counts = (tagCounts[f.source] ??= { records: 0, rejected: 0 });
    for await (const row of parseFile(
      f.path,
      getConnector(f.source),
      { fileName: f.fileName, today: AS_OF, municipalities: codes, stats: emptyParseStats() },
      { encoding: info.encoding },
    )) {
      if (!row.ok) {
        counts.rejected++;
        continue;
      }
      const t = truthByLine[f.source][row.line - offset];
      if (!t || seen.has(row.record.sourceKey)) continue;
      seen.add(row.record.sourceKey);
      truth.push(`${f.source}\t${row.record.sourceKey}\t${t.person}\t${[...new Set(t.tags)].join(',')}`);
      counts.records++;
      for (const tag of new Set(t.tags)) counts[tag] = (counts[tag] ?? 0) + 1;
    }
  }
  const truthPath = join(o.outDir, 'truth.tsv');
  writeFileSync(truthPath, truth.join('\n') + '\n');
  const manifest: HeldoutManifest = {
    seed: o.seed,
    persons,
    households: households.length,
    files: manifestFiles,
    truthPath,
    tags: tagCounts,
    generator: 'heldout',
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function main() {
  const arg = (n: string) => {
    const i = process.argv.indexOf(`--${n}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const out = arg('out');
  if (!out) throw new Error('--out DIR is required');
  const m = await generateHeldout({ persons: Number(arg('persons') ?? 20_000), seed: Number(arg('seed') ?? 101), outDir: resolve(out) });
  console.log(`${m.persons} persons in ${m.households} households`);
  for (const f of m.files) console.log(`  ${f.source}: ${f.rows} rows → ${f.path}`);
  console.log(`  tags: ${JSON.stringify(m.tags)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
