import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, personOf, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Persons without a document (issue 11): a RUV row without TIPODOCUMENTO/DOCUMENTO loads with a
 * warning, becomes a person or joins one by names and birth date (the DPS "cruce fonético"), and
 * is never joined to anyone through an absent or placeholder number.
 */
const ROSA: PersonSpec = {
  serial: 1101,
  docType: 'CC',
  doc: '1023456789',
  first: 'ROSA',
  second: 'ELENA',
  surname1: 'MOSQUERA',
  surname2: 'PALACIOS',
  birth: '1979-04-03',
  sex: 'F',
};
const LUIS: PersonSpec = {
  serial: 1102,
  docType: 'SI',
  doc: '',
  first: 'LUIS',
  second: 'ALBERTO',
  surname1: 'RENTERIA',
  surname2: 'MOSQUERA',
  birth: '2001-09-08',
  sex: 'M',
  role: 3,
};
const H: HouseholdSpec = { ficha: '500010001100', municipality: '05001', members: [ROSA, LUIS] };

// BDUA holds a placeholder-looking cédula for somebody else entirely.
const DARIO: PersonSpec = {
  serial: 1103,
  docType: 'CC',
  doc: '1111111',
  first: 'DARIO',
  surname1: 'CUESTA',
  surname2: 'LOZANO',
  birth: '1960-02-02',
  sex: 'M',
};
const H2: HouseholdSpec = { ficha: '500010001101', municipality: '05001', members: [DARIO] };

// RUV: Rosa and Luis without any document (Rosa spelled another way), a stranger with the same
// placeholder number as Darío, and a woman with Rosa's surnames and birth date but another name.
const ROSA_RUV: PersonSpec = { ...ROSA, serial: 1201, docType: 'SI', doc: '', first: 'ROZA' };
const LUIS_RUV: PersonSpec = { ...LUIS, serial: 1202, second: null };
const STRANGER: PersonSpec = {
  serial: 1203,
  docType: 'CC',
  doc: '1111111',
  first: 'MARTA',
  surname1: 'LOPERA',
  surname2: 'GIRALDO',
  birth: '1985-11-30',
  sex: 'F',
};
const SISTER: PersonSpec = { ...ROSA, serial: 1204, docType: 'SI', doc: '', first: 'NUBIA', second: null };

let t: TestDatabase;
let hub: TestHub;
beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H, H2]), 'sisben');
  await hub.importContent('10001-MS0031122024.TXT', bduaFile([{ person: DARIO, household: H2 }]), 'bdua');
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

const ruvEntity = async (first: string) => {
  const [r] = await t.db.rows<{ id: string; person_id: string | null; doc_type: string | null; doc_number: string | null; source_key: string }>(
    sql`select id, person_id, doc_type, doc_number, source_key from source_entities where source = 'ruv' and first_name = ${first}`,
  );
  return r;
};

describe('persons without a document', () => {
  it('load from RUV with a NO_DOCUMENT warning, and link by names and birth date only', async () => {
    const { importRunId } = await hub.importContent(
      'VICTIMAS_202412.txt',
      ruvFile([
        { person: ROSA_RUV, household: H },
        { person: LUIS_RUV, household: H },
        { person: STRANGER, household: H2 },
        { person: SISTER, household: H },
      ]),
      'ruv',
    );
    const [run] = await t.db.rows<{ rows_loaded: number; rows_rejected: number; rows_with_warnings: number }>(
      sql`select rows_loaded, rows_rejected, rows_with_warnings from import_runs where id = ${importRunId}`,
    );
    expect(run).toMatchObject({ rows_loaded: 4, rows_rejected: 0, rows_with_warnings: 4 });

    const rosa = await ruvEntity('ROZA');
    expect(rosa.doc_number).toBeNull();
    expect(Number(rosa.person_id)).toBe(await personOf(t.db, 'sisben', sisbenKey(H, 1)));
    const [link] = await t.db.rows<{ link_type: string; reasons: string[] }>(
      sql`select link_type::text, reasons from entity_links where source_entity_id = ${rosa.id}`,
    );
    expect(link.link_type).toBe('phonetic');
    expect(link.reasons).toContain('PHONETIC_NAME_AND_BIRTH_DATE');

    // Luis has no document in Sisbén either: two document-less records of one person.
    const luis = await ruvEntity('LUIS');
    expect(Number(luis.person_id)).toBe(await personOf(t.db, 'sisben', sisbenKey(H, 2)));
  });

  it('never joins through a placeholder number', async () => {
    const stranger = await ruvEntity('MARTA');
    expect(stranger.doc_number).toBeNull(); // 1111111 is a placeholder: loaded without a document
    expect(stranger.person_id).not.toBeNull();
    expect(Number(stranger.person_id)).not.toBe(await personOf(t.db, 'bdua', bduaKey(DARIO)));
    const [n] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities where person_id = ${stranger.person_id}`);
    expect(n.n).toBe(1);
  });

  it('keeps a sibling with the same surnames and birth date apart', async () => {
    const sister = await ruvEntity('NUBIA');
    expect(sister.person_id).not.toBeNull();
    expect(Number(sister.person_id)).not.toBe(await personOf(t.db, 'sisben', sisbenKey(H, 1)));
  });

  it('shows the person as having no document (no identifiers), and the warning on the import', async () => {
    const luis = await ruvEntity('LUIS');
    const [ids] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from person_identifiers where person_id = ${luis.person_id}`);
    expect(ids.n).toBe(0);
  });
});
