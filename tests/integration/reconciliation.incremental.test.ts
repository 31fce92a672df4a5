import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, entityOf, personOf, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Runs are incremental: a later extract re-examines only what it added or changed; a linked record
 * that changed into someone else goes to review; a record that vanished rebuilds its person.
 */
const people: PersonSpec[] = [
  { serial: 1, docType: 'CC', doc: '10101010', first: 'PEDRO', second: 'LUIS', surname1: 'ARANGO', surname2: 'BETANCUR', birth: '1961-02-03', sex: 'M' },
  { serial: 2, docType: 'CC', doc: '20202020', first: 'LUZ', second: 'MARINA', surname1: 'CARDONA', surname2: 'DUQUE', birth: '1963-04-05', sex: 'F', role: 2 },
  { serial: 3, docType: 'TI', doc: '1030303030', first: 'KEVIN', second: 'ANDRÉS', surname1: 'ARANGO', surname2: 'CARDONA', birth: '2009-06-07', sex: 'M' },
  { serial: 4, docType: 'CC', doc: '40404040', first: 'GLORIA', second: 'INÉS', surname1: 'ECHEVERRI', surname2: 'FRANCO', birth: '1950-08-09', sex: 'F' },
  { serial: 5, docType: 'CC', doc: '50505050', first: 'HERNÁN', second: null, surname1: 'GAVIRIA', surname2: 'HENAO', birth: '1977-10-11', sex: 'M' },
];
const H1: HouseholdSpec = { ficha: '500010000300', municipality: '05001', members: people.slice(0, 3) };
const H2: HouseholdSpec = { ficha: '500010000400', municipality: '05001', members: [people[3]] };
const H3: HouseholdSpec = { ficha: '500010000500', municipality: '05001', members: [people[4]] };
const NEWCOMER: PersonSpec = {
  serial: 6,
  docType: 'CC',
  doc: '60606060',
  first: 'DIANA',
  second: 'PAOLA',
  surname1: 'ISAZA',
  surname2: 'JARAMILLO',
  birth: '1988-12-13',
  sex: 'F',
};

const bduaRow = (p: PersonSpec, h: HouseholdSpec) => ({ person: p, household: h });
const FIRST = [bduaRow(people[0], H1), bduaRow(people[1], H1), bduaRow(people[2], H1), bduaRow(people[3], H2), bduaRow(people[4], H3)];

let t: TestDatabase;
let engine: TestHub;
let second: { importRunId: number; reconciliationRunId: number | null };

beforeAll(async () => {
  t = await createTestDatabase();
  engine = await testHub().database(t.db).pipelineDefaults().workers().start();
  await engine.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2, H3]), 'sisben');
  await engine.importContent('10001-MS0031122024.TXT', bduaFile(FIRST), 'bdua');
});
afterAll(async () => {
  await engine?.close();
  await t?.drop();
});

describe('incremental runs', () => {
  it('start from every record linked once', async () => {
    for (const [i, h, m] of [
      [0, H1, 1],
      [1, H1, 2],
      [2, H1, 3],
      [3, H2, 1],
      [4, H3, 1],
    ] as const) {
      expect(await personOf(t.db, 'bdua', bduaKey(people[i]))).toBe(await personOf(t.db, 'sisben', sisbenKey(h, m)));
    }
    const [pending] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from source_entities where match_pending`);
    expect(pending.n).toBe(0);
  });

  it('a second extract only re-examines its added and changed records', async () => {
    const before = {
      gloria: await personOf(t.db, 'bdua', bduaKey(people[3])),
      kevin: await personOf(t.db, 'bdua', bduaKey(people[2])),
    };
    const [{ v: hernanVersion }] = await t.db.rows<{ v: number }>(
      sql`select version as v from persons where id = ${await personOf(t.db, 'bdua', bduaKey(people[4]))}`,
    );
    const next = [
      bduaRow(people[0], H1), // unchanged
      bduaRow({ ...people[1], second: 'MARINA DEL SOCORRO' }, H1), // changed, still her
      bduaRow(people[2], H1), // unchanged
      // Same affiliate serial (record key), but now another person altogether.
      bduaRow(
        { ...people[3], doc: '77777777', first: 'WILSON', second: 'ALBEIRO', surname1: 'MORENO', surname2: 'QUINTERO', birth: '1999-01-30', sex: 'M' },
        H2,
      ),
      // HERNÁN's record is gone; DIANA is new.
      bduaRow(NEWCOMER, H3),
    ];
    second = await engine.importContent('10001-MS0031012025.TXT', bduaFile(next), 'bdua');
    const imp = (await engine.rt.app.services.imports.getRun(second.importRunId))!;
    expect(imp).toMatchObject({ added: 1, changed: 2, unchanged: 2, disappeared: 1 });
    const run = (await engine.rt.app.services.reconciliation.getRun(second.reconciliationRunId!))!;
    expect(run.state).toBe('done');
    expect(run.recordsPending).toBe(4); // added + changed + the vanished record
    expect(run.recordsProcessed).toBe(3); // vanished records only rebuild their persons
    expect(run.newPersons).toBe(1);
    // Unchanged records were not touched by this run.
    const touched = await t.db.rows<{ source_key: string }>(
      sql`select e.source_key from entity_links l join source_entities e on e.id = l.source_entity_id where l.reconciliation_run_id = ${run.id} order by 1`,
    );
    expect(touched.map((r) => r.source_key).sort()).toEqual([bduaKey(people[1]), bduaKey(people[3]), bduaKey(NEWCOMER)].sort());
    expect(await personOf(t.db, 'bdua', bduaKey(people[2]))).toBe(before.kevin);

    // A changed record keeps its person; the one that turned into someone else goes to review.
    expect(await personOf(t.db, 'bdua', bduaKey(people[3]))).toBe(before.gloria);
    const items = await t.db.rows<{ reason: string; source_entity_id: string; person_a_id: string }>(
      sql`select reason::text, source_entity_id, person_a_id from review_items where reconciliation_run_id = ${run.id} and reason <> 'AUTO_LINK_AUDIT'`,
    );
    expect(items).toEqual([
      { reason: 'LINKED_RECORD_CHANGED', source_entity_id: String(await entityOf(t.db, 'bdua', bduaKey(people[3]))), person_a_id: String(before.gloria) },
    ]);

    // The vanished record stays with its person, which is rebuilt: no active health affiliation any more.
    const hernan = await personOf(t.db, 'bdua', bduaKey(people[4]));
    expect(hernan).toBe(await personOf(t.db, 'sisben', sisbenKey(H3, 1)));
    const [p] = await t.db.rows<{ health_state: string | null; version: number }>(sql`select health_state, version from persons where id = ${hernan}`);
    expect(p.health_state).toBeNull();
    expect(p.version).toBeGreaterThan(hernanVersion);
    const [st] = await t.db.rows<{ status: string; match_pending: boolean }>(
      sql`select status::text, match_pending from source_entities where source = 'bdua' and source_key = ${bduaKey(people[4])}`,
    );
    expect(st).toEqual({ status: 'vanished', match_pending: false });
  });

  it('an extract that adds or changes nothing re-examines no record (disappearances only rebuild persons)', async () => {
    const again = [bduaRow(people[0], H1), bduaRow(people[2], H1), bduaRow(NEWCOMER, H3)];
    // Rows already known, two gone.
    const r = await engine.importContent('10001-MS0028022025.TXT', bduaFile(again), 'bdua');
    const run = (await engine.rt.app.services.reconciliation.getRun(r.reconciliationRunId!))!;
    expect(run.recordsProcessed).toBe(0);
    expect(run.pairsCompared).toBe(0);
  });
});
