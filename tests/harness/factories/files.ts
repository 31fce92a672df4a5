/**
 * Registry files of exact persons (names, documents, birth dates, households) for reconciliation
 * tests: Sisbén IV, BDUA and RUV files in their full real layouts, written by the synthetic
 * population's layout writers (src/synthetic/writers.ts) with every value the one the test wrote.
 * Import them with `hub.importContent(name, sisbenFile([...]), 'sisben')`.
 */
import iconv from 'iconv-lite';
import { BDUA_LAYOUT } from '../../../connectors/bdua/layout';
import { Rng, bduaWriter, ruvWriter, sisbenWriter, type SyntheticHousehold, type SyntheticPerson } from '../../../src/synthetic';

export interface PersonSpec {
  /** Unique per test person: BDUA affiliate serials derive from it. */
  serial: number;
  /** SI = no document (Sisbén type 0, empty number). */
  docType: 'RC' | 'TI' | 'CC' | 'CE' | 'SI';
  doc: string;
  first: string;
  second?: string | null;
  surname1: string;
  surname2?: string | null;
  /** ISO date. */
  birth: string;
  sex: 'M' | 'F';
  /** Sisbén parentesco (1 jefe, 2 cónyuge, 3 hijo …); defaults by position. */
  role?: number;
}

export interface HouseholdSpec {
  ficha: string;
  municipality: string;
  members: PersonSpec[];
  /** RUV rows are written for households whose index is a multiple of 5 (victim households). */
  index?: number;
  /** Sisbén IV subgroup (A1 … D21; default A3). */
  subgroup?: string;
}

const AS_OF = '2024-12-31';

function synthetic(p: PersonSpec, order: number): SyntheticPerson {
  return {
    id: `T${p.serial}`,
    serial: p.serial,
    order,
    role: p.role ?? (order === 1 ? 1 : 3),
    sex: p.sex,
    firstName: p.first,
    secondName: p.second ?? null,
    firstSurname: p.surname1,
    secondSurname: p.surname2 ?? null,
    birthDate: p.birth,
    docType: p.docType === 'SI' ? 'CC' : p.docType,
    docNumber: p.doc,
    foreign: p.docType === 'CE',
  };
}

function household(h: HouseholdSpec): SyntheticHousehold {
  return {
    index: h.index ?? 0,
    ficha: h.ficha,
    hogar: 1,
    municipality: h.municipality,
    department: h.municipality.slice(0, 2),
    zone: 1,
    subgroup: h.subgroup ?? 'A3',
    eps: 'EPSS41',
    members: h.members.map((p, i) => synthetic(p, i + 1)),
  };
}

/** A Sisbén IV extract (UTF-8, `;`, header). */
export function sisbenFile(households: readonly HouseholdSpec[]): Buffer {
  const w = sisbenWriter(AS_OF);
  const typeCol = w.header!.indexOf('tip_documento');
  const lines = [w.header!.join(';')];
  for (const h of households) {
    const hh = household(h);
    h.members.forEach((p, i) => {
      // A fixed seed, and no random reformatting: every value is the one the test wrote.
      const [row] = w.rows(hh.members[i], hh, new Rng(1));
      row[w.fields.municipality!.index] = h.municipality;
      row[w.fields.docNumber!.index] = p.docType === 'SI' ? '' : p.doc;
      if (p.docType === 'SI') row[typeCol] = '0';
      lines.push(row.join(';'));
    });
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Keys the connectors give these records. */
export const sisbenKey = (h: HouseholdSpec, member: number) => `${h.ficha}-1-${member}`;
export const bduaKey = (p: PersonSpec) => String(100_000_000 + ((p.serial * 7919 + 17) % 899_999_999));

/** A BDUA maestro (Windows-1252, `,`, no header): one row per person, in the household's municipality. */
export function bduaFile(rows: readonly { person: PersonSpec; household: HouseholdSpec }[]): Buffer {
  const w = bduaWriter(AS_OF, 'MS');
  const lines: string[] = [];
  for (const { person, household: h } of rows) {
    const hh = household({ ...h, members: [person] });
    const [row] = w.rows(hh.members[0], hh, new Rng(person.serial));
    // Active affiliations, whatever the writer's random state.
    row[BDUA_LAYOUT.fields.state.position! - 1] = 'AC';
    row[BDUA_LAYOUT.fields.endDate.position! - 1] = '31/12/2999';
    if (person.docType === 'SI') throw new Error('BDUA rows always carry a document');
    lines.push(row.join(','));
  }
  return iconv.encode(lines.join('\r\n') + '\r\n', 'win1252');
}

/** A RUV person extract (ISO-8859-1, `»`, header): one row per person (a displacement); `SI`: empty TIPODOCUMENTO and DOCUMENTO. */
export function ruvFile(rows: readonly { person: PersonSpec; household: HouseholdSpec }[]): Buffer {
  const w = ruvWriter(AS_OF, [rows[0]?.household.municipality ?? '05001']);
  const lines = [w.header!.join('\u00bb')];
  for (const { person, household: h } of rows) {
    const hh = household({ ...h, index: 0, members: [person] });
    // One hecho (displacement) per person, deterministic.
    const [row] = w.rows(hh.members[0], hh, new Rng(person.serial * 31 + 7));
    row[8] = 'Desplazamiento forzado';
    if (person.docType === 'SI') row[0] = row[1] = '';
    lines.push(row.join('\u00bb'));
  }
  return iconv.encode(lines.join('\r\n') + '\r\n', 'win1252');
}
