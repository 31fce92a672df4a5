/**
 * A small registry for the cruce tests, imported through the real pipeline (Sisbén IV, BDUA, RUV →
 * reconciliation): a household in Medellín (05001) with a mother, a father and his son sharing the
 * father's cédula (two persons: the engine keeps them apart), a child holding a TI, a man without a
 * document, and a woman in Cali (76001) for the scope tests. The mother is affiliated to health
 * (BDUA, subsidiado) and registered as displaced (RUV).
 */
import { bduaFile, ruvFile, sisbenFile, type HouseholdSpec, type PersonSpec } from '../../harness/factories/files';
import type { TestHub } from '../../harness';

export const P = {
  maria: {
    serial: 1,
    docType: 'CC',
    doc: '43876512',
    first: 'MARIA',
    second: 'DEL CARMEN',
    surname1: 'MUÑOZ',
    surname2: 'PEÑA',
    birth: '1972-03-14',
    sex: 'F',
  },
  jose: {
    serial: 2,
    docType: 'CC',
    doc: '71234567',
    first: 'JOSE',
    second: 'ANTONIO',
    surname1: 'CASTAÑEDA',
    surname2: 'ALVAREZ',
    birth: '1965-11-02',
    sex: 'M',
  },
  santiago: { serial: 3, docType: 'TI', doc: '1034567890', first: 'SANTIAGO', surname1: 'CASTAÑEDA', surname2: 'MUÑOZ', birth: '2010-01-05', sex: 'M' },
  juan: { serial: 4, docType: 'CC', doc: '71234567', first: 'JUAN', surname1: 'CASTAÑEDA', surname2: 'MUÑOZ', birth: '2000-08-09', sex: 'M' },
  pedro: { serial: 5, docType: 'SI', doc: '', first: 'PEDRO', second: 'PABLO', surname1: 'RUIZ', surname2: 'CHAVERRA', birth: '1950-05-05', sex: 'M' },
  luisa: {
    serial: 6,
    docType: 'CC',
    doc: '1023456789',
    first: 'LUISA',
    second: 'FERNANDA',
    surname1: 'GOMEZ',
    surname2: 'RIOS',
    birth: '1995-06-21',
    sex: 'F',
  },
} satisfies Record<string, PersonSpec>;

export const H: HouseholdSpec[] = [
  { ficha: '500010000001', municipality: '05001', members: [P.maria, P.jose, P.santiago, P.juan] },
  { ficha: '500010000002', municipality: '05001', members: [P.pedro] },
  { ficha: '760010000003', municipality: '76001', members: [P.luisa] },
];

export async function importRegistry(hub: TestHub): Promise<void> {
  await hub.importContent('sisben_iv_personas.csv', sisbenFile(H), 'sisben');
  await hub.importContent('ADRES-MS0031122024.TXT', bduaFile([{ person: P.maria, household: H[0] }]), 'bdua');
  await hub.importContent('VICTIMAS_202412.txt', ruvFile([{ person: P.maria, household: H[0] }]), 'ruv');
}

export const LAYOUT_HEADER =
  'tipo_documento;numero_documento;primer_nombre;segundo_nombre;primer_apellido;segundo_apellido;fecha_nacimiento;sexo;municipio;programa;entidad;logro;fecha_atencion;estado';

/** The list an agency sends: one row per case of the tests (line = index + 2). */
export const LIST_ROWS = [
  /* 2 */ 'CC;43.876.512;María;del Carmen;Muñoz;Peña;14/03/1972;F;05001;FAMILIAS EN ACCION;PROSPERIDAD SOCIAL;LB13;15/10/2025;ACCEDIO',
  /* 3 */ 'CC;1034567890;SANTIAGO;;CASTAÑEDA;MUÑOZ;05/01/2010;M;05001;;;;;',
  /* 4 */ ';;MARIA;DEL CARMEN;MUNOZ;PENA;14/03/1972;F;;;;;;',
  /* 5 */ 'CC;71234567;JOSE;;CASTANEDA;ALVAREZ;02/11/1965;M;05001;;;;;',
  /* 6 */ ';;PEDRO;PABLO;RUIZ;CHAVERRA;05/05/1950;M;05001;JOVENES EN ACCION;SENA;;01/09/2025;ACTIVO',
  /* 7 */ 'CC;80000001;CARLOS;;PEREZ;LOPEZ;01/01/1990;M;05001;;;;;',
  /* 8 */ 'CC;1023456789;LUISA;FERNANDA;GOMEZ;RIOS;21/06/1995;F;76001;;;;;',
  /* 9 */ 'ZZ;123;ANA;;;;32/13/2000;F;;;;;;',
  /* 10 */ 'CC;43876512;PEDRO;;GOMEZ;;01/01/1980;M;;;;;;',
  /* 11 */ 'CC;52999888;LUCIA;;ABADIA;TORO;03/03/1993;F;76001;;;;;',
];
export const LIST = LAYOUT_HEADER + '\r\n' + LIST_ROWS.join('\r\n') + '\r\n';
