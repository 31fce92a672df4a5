import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, personOf, testHub, type TestDatabase, type TestHub } from '../harness';
import { DEFAULT_PARAMETERS, modelVersion } from '../../src/domain/identity';

/**
 * Twins without documents (issue 11): a record without a document that fits two persons of one
 * household on names and birth date joins the one its names agree with best — by weight, not by a
 * probability rounded to 1 — or, when nothing tells them apart, neither (a steward decides); and
 * two persons are never merged through such a record.
 */
const child = (
  serial: number,
  first: string,
  second: string | null,
  doc: string,
  surname1: string,
  surname2: string,
  birth: string,
  sex: 'M' | 'F',
): PersonSpec => ({
  serial,
  docType: doc === '' ? 'SI' : 'RC',
  doc,
  first,
  second,
  surname1,
  surname2,
  birth,
  sex,
  role: 3,
});

// DIANA FERNANDA has a registro civil; her twin DIANA none.
const DIANA_FERNANDA = child(2101, 'DIANA', 'FERNANDA', '1128361407', 'CRUZ', 'BETANCUR', '2024-02-24', 'F');
const DIANA = child(2102, 'DIANA', null, '', 'CRUZ', 'BETANCUR', '2024-02-24', 'F');
const H1: HouseholdSpec = { ficha: '500010002100', municipality: '25286', members: [DIANA, DIANA_FERNANDA] };

// JUAN DAVID and JUAN DIEGO, consecutive numbers; RUV lists a "JUAN" without document or second name.
const JUAN_DAVID = child(2201, 'JUAN', 'DAVID', '1100223344', 'PALACIOS', 'RENTERÍA', '2012-06-15', 'M');
const JUAN_DIEGO = child(2202, 'JUAN', 'DIEGO', '1100223345', 'PALACIOS', 'RENTERÍA', '2012-06-15', 'M');
const H2: HouseholdSpec = { ficha: '500010002200', municipality: '27001', members: [JUAN_DAVID, JUAN_DIEGO] };

// GREGORIO and GREGORIO ÁNGEL, neither with a document; RUV lists GREGORIO twice (two hechos).
const GREGORIO = child(2301, 'GREGORIO', null, '', 'VARGAS', 'GÓMEZ', '2009-04-23', 'M');
const GREGORIO_ANGEL = child(2302, 'GREGORIO', 'ÁNGEL', '', 'VARGAS', 'GÓMEZ', '2009-04-23', 'M');
const H3: HouseholdSpec = { ficha: '500010002300', municipality: '68001', members: [GREGORIO, GREGORIO_ANGEL] };

let t: TestDatabase;
let hub: TestHub;
let ruvRun: number;
beforeAll(async () => {
  t = await createTestDatabase();
  // A stored model whose strong pairs score beyond what a probability can tell apart (frequency
  // tables in which these rare names are absent, a registry-against-registry prior): every candidate
  // below has probability 1, so only the weights rank them.
  const parameters = { ...DEFAULT_PARAMETERS, lambda: 0.5 };
  const training = {
    records: 1_000_000,
    linkedTotal: 1_000_000,
    tf: { givenName: [['MARIA', 0.03]], surname: [['RODRIGUEZ', 0.03]], municipality: [['05001', 0.05]] },
  };
  await t.db.rows(
    sql`insert into linkage_models (version, parameters, training) values (${modelVersion(parameters)}, ${JSON.stringify(parameters)}::jsonb, ${JSON.stringify(training)}::jsonb)`,
  );
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2, H3]), 'sisben');
  const r = await hub.importContent(
    'VICTIMAS_202412.txt',
    ruvFile([
      { person: { ...DIANA, serial: 2111 }, household: H1 },
      { person: { ...JUAN_DAVID, serial: 2211, doc: '', docType: 'SI', second: null }, household: H2 },
      // Juan Diego's number with the same short name: it must not answer the steward's question.
      { person: { ...JUAN_DIEGO, serial: 2212, second: null }, household: H2 },
      { person: { ...GREGORIO, serial: 2311 }, household: H3 },
      { person: { ...GREGORIO, serial: 2312 }, household: H3 },
    ]),
    'ruv',
  );
  ruvRun = r.reconciliationRunId!;
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

const ruvRecords = async (first: string, surname: string) =>
  t.db.rows<{ id: string; person_id: string | null; link_type: string; reasons: string[] }>(
    sql`select e.id, e.person_id, l.link_type::text, l.reasons from source_entities e join entity_links l on l.source_entity_id = e.id
        where e.source = 'ruv' and e.first_name = ${first} and e.first_surname = ${surname} order by e.id`,
  );

describe('a record without a document that fits two twins', () => {
  it('joins the twin its names agree with exactly, not the one whose compound name contains them', async () => {
    const [diana] = await ruvRecords('DIANA', 'CRUZ');
    expect(diana.person_id).not.toBeNull();
    expect(Number(diana.person_id)).not.toBe(await personOf(t.db, 'sisben', sisbenKey(H1, 2)));
  });

  it('joins neither twin when nothing tells them apart, and puts both to a steward naming the rule', async () => {
    const [juan, diegoNumber] = await ruvRecords('JUAN', 'PALACIOS');
    const david = await personOf(t.db, 'sisben', sisbenKey(H2, 1));
    const diego = await personOf(t.db, 'sisben', sisbenKey(H2, 2));
    expect(david).not.toBe(diego);
    expect([david, diego]).not.toContain(Number(juan.person_id));
    expect(juan.link_type).toBe('new_person');
    expect(juan.reasons).toContain('AMBIGUOUS_BETWEEN_PERSONS');
    const items = await t.db.rows<{ reason: string; reasons: string[] }>(
      sql`select reason::text, array(select jsonb_array_elements_text(explanation->'reasons')) as reasons from review_items where source_entity_id = ${juan.id} and status = 'open'`,
    );
    expect(items).toHaveLength(2);
    for (const i of items) {
      expect(i.reason).toBe('POSSIBLE_TWINS');
      expect(i.reasons).toContain('AMBIGUOUS_BETWEEN_PERSONS');
    }
    // A later record with Juan Diego's number and the same short name joins Juan Diego, and proposes
    // no merge with the ambiguous record's person: that question is the steward's.
    expect(Number(diegoNumber.person_id)).toBe(diego);
    expect(Number((await ruvRecords('JUAN', 'PALACIOS'))[0].person_id)).not.toBe(diego);
  });

  it('never merges two persons through records linked on names and birth date alone', async () => {
    const gregorio = await personOf(t.db, 'sisben', sisbenKey(H3, 1));
    const angel = await personOf(t.db, 'sisben', sisbenKey(H3, 2));
    expect(gregorio).not.toBe(angel);
    const rows = await ruvRecords('GREGORIO', 'VARGAS');
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(Number(r.person_id)).not.toBe(angel);
    const [merges] = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from merge_proposals where reconciliation_run_id = ${ruvRun} and status <> 'superseded'`,
    );
    expect(merges.n).toBe(0);
    const [persons] = await t.db.rows<{ n: number }>(
      sql`select count(distinct person_id)::int as n from source_entities where first_surname = 'VARGAS' and first_name = 'GREGORIO'`,
    );
    expect(persons.n).toBeGreaterThanOrEqual(2);
  });
});
