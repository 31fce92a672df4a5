import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { goldenDrift, personOf, testHub, type ApiHub } from '../harness';
import { survivorshipOf } from '../../src/reconciliation';

/**
 * Issue 17, finding 1: golden records follow their sources. After a changed extract, a
 * disappearance and a reappearance, every person equals a rebuild from its current records
 * (golden values, provenance pointers, Sisbén group, health state, municipality), and a scoped
 * client sees a person who moved in the territory they moved to.
 */
const people: PersonSpec[] = [
  { serial: 1, docType: 'CC', doc: '11223344', first: 'MARTA', second: 'LUCÍA', surname1: 'OSPINA', surname2: 'RUIZ', birth: '1970-01-02', sex: 'F' },
  { serial: 2, docType: 'CC', doc: '22334455', first: 'JAIRO', second: null, surname1: 'OSPINA', surname2: 'MEJÍA', birth: '1968-03-04', sex: 'M', role: 2 },
  { serial: 3, docType: 'CC', doc: '33445566', first: 'ROSA', second: 'ELENA', surname1: 'TORO', surname2: 'VÉLEZ', birth: '1955-05-06', sex: 'F' },
  { serial: 4, docType: 'CC', doc: '44556677', first: 'ÉDGAR', second: 'IVÁN', surname1: 'ZAPATA', surname2: 'MORA', birth: '1980-07-08', sex: 'M' },
];
const H1: HouseholdSpec = { ficha: '500010000700', municipality: '05001', subgroup: 'A3', members: people.slice(0, 2) };
const H2: HouseholdSpec = { ficha: '500010000800', municipality: '05001', subgroup: 'B2', members: [people[2]] };
const H3: HouseholdSpec = { ficha: '500010000900', municipality: '05001', subgroup: 'C4', members: [people[3]] };

let hub: ApiHub;
let scoped: { medellin: string; cali: string };

const personRow = async (source: string, key: string) => {
  const id = await personOf(hub.db, source, key);
  const [p] = await hub.db.rows<Record<string, any>>(
    sql`select public_id, first_name, municipality_code, sisben_group, health_state, name_source_record_id,
      (select current_record_id from source_entities where source = ${source} and source_key = ${key}) as current_record_id
    from persons where id = ${id}`,
  );
  return p;
};

const visible = async (token: string): Promise<string[]> => {
  const r = await hub.gql<{ persons: { edges: { node: { id: string } }[] } }>(
    '{ persons(first: 100) { edges { node { id } } } }',
    {},
    {
      authorization: `Bearer ${token}`,
    },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.persons.edges.map((e) => e.node.id);
};

beforeAll(async () => {
  hub = await testHub().pipelineDefaults().workers().http().start();
  await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2, H3]), 'sisben');
  await hub.importContent('10001-MS0031122024.TXT', bduaFile([{ person: people[0], household: H1 }]), 'bdua');
  scoped = { medellin: await hub.token('reader', ['05001']), cali: await hub.token('reader', ['76001']) };
});
afterAll(async () => {
  await hub?.close();
});

describe('golden records after a changed extract', () => {
  it('start equal to a rebuild', async () => {
    expect(await goldenDrift(hub.app)).toEqual([]);
  });

  it('a rebuild that changes a person’s health state is heap-only: no index of persons holds it, and pages keep room for it', async () => {
    // Issue 15: a registry's first health records change the health state of nearly every person;
    // an index on it (or a full page) made each rebuild insert into every index of persons.
    const id = (await personOf(hub.db, 'bdua', bduaKey(people[0])))!;
    class Rollback extends Error {}
    await hub.db.orm
      .transaction(async (tx) => {
        await hub.db.rows(sql`update affiliations set state = 'SUSPENDIDO' where person_id = ${id}`, tx);
        // The backend's counters include earlier transactions it has not reported yet: a difference
        // within this transaction (nothing is reported in the middle of one).
        const counters = sql`pg_stat_get_xact_tuples_updated('persons'::regclass)::int as updated, pg_stat_get_xact_tuples_hot_updated('persons'::regclass)::int as hot`;
        const [before] = await hub.db.rows<{ updated: number; hot: number }>(sql`select ${counters}`, tx);
        await hub.app.repositories.golden.rebuild(tx, [id], survivorshipOf(hub.app.config));
        const [after] = await hub.db.rows<{ health_state: string; updated: number; hot: number }>(
          sql`select p.health_state, ${counters} from persons p where p.id = ${id}`,
          tx,
        );
        expect({ health_state: after.health_state, updated: after.updated - before.updated, hot: after.hot - before.hot }).toEqual({
          health_state: 'SUSPENDIDO',
          updated: 1,
          hot: 1,
        });
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    const options = await hub.db.rows<{ t: string; o: string[] }>(
      sql`select relname as t, reloptions as o from pg_class where oid in ('persons'::regclass, 'person_identifiers'::regclass) order by 1`,
    );
    expect(options).toEqual([
      { t: 'person_identifiers', o: ['fillfactor=50'] },
      { t: 'persons', o: ['fillfactor=50'] },
    ]);
  });

  it('a changed record, a new Sisbén group and a move rebuild their persons (golden, group, territory, provenance)', async () => {
    const moved = await personRow('sisben', sisbenKey(H3, 1));
    expect(await visible(scoped.medellin)).toContain(moved.public_id);
    expect(await visible(scoped.cali)).not.toContain(moved.public_id);

    const changed = [
      // JAIRO's only record: his name follows it.
      { ...H1, members: [people[0], { ...people[1], first: 'JAIRO', second: 'ALONSO' }] },
      // ROSA's household is reclassified: B2 → C1.
      { ...H2, subgroup: 'C1' },
      // ÉDGAR's household moved from Medellín to Cali.
      { ...H3, municipality: '76001' },
    ];
    const r = await hub.importContent('sisben_iv_personas_2.csv', sisbenFile(changed), 'sisben');
    expect(await hub.imports.getRun(r.importRunId)).toMatchObject({ changed: 3, added: 0, disappeared: 0 });

    expect(await goldenDrift(hub.app)).toEqual([]);
    const jairo = await personRow('sisben', sisbenKey(H1, 2));
    expect(jairo).toMatchObject({ first_name: 'JAIRO' });
    expect(jairo.name_source_record_id).toBe(jairo.current_record_id);
    expect((await personRow('sisben', sisbenKey(H2, 1))).sisben_group).toBe('C');
    const edgar = await personRow('sisben', sisbenKey(H3, 1));
    expect(edgar.municipality_code).toBe('76001');
    // The client scoped to Medellín no longer sees him; the one scoped to Cali does.
    expect(await visible(scoped.medellin)).not.toContain(moved.public_id);
    expect(await visible(scoped.cali)).toContain(moved.public_id);
  });

  it('a record that vanishes and reappears restores its person’s group and health state', async () => {
    const rosa = sisbenKey(H2, 1);
    const gone = await hub.importContent('sisben_iv_personas_3.csv', sisbenFile([H1, { ...H3, municipality: '76001' }]), 'sisben');
    expect(await hub.imports.getRun(gone.importRunId)).toMatchObject({ disappeared: 1 });
    expect((await personRow('sisben', rosa)).sisben_group).toBeNull();
    expect(await goldenDrift(hub.app)).toEqual([]);

    const back = await hub.importContent('sisben_iv_personas_4.csv', sisbenFile([H1, { ...H2, subgroup: 'C1' }, { ...H3, municipality: '76001' }]), 'sisben');
    expect(await hub.imports.getRun(back.importRunId)).toMatchObject({ added: 1, disappeared: 0 });
    expect((await personRow('sisben', rosa)).sisben_group).toBe('C');
    expect(await goldenDrift(hub.app)).toEqual([]);

    // MARTA's health affiliation vanishes and comes back with the BDUA extract.
    const marta = bduaKey(people[0]);
    expect((await personRow('bdua', marta)).health_state).toBe('ACTIVO');
    await hub.importContent('10001-MS0031012025.TXT', bduaFile([{ person: people[3], household: H3 }]), 'bdua');
    expect((await personRow('bdua', marta)).health_state).toBeNull();
    expect(await goldenDrift(hub.app)).toEqual([]);
    await hub.importContent(
      '10001-MS0028022025.TXT',
      bduaFile([
        { person: people[0], household: H1 },
        { person: people[3], household: H3 },
      ]),
      'bdua',
    );
    expect((await personRow('bdua', marta)).health_state).toBe('ACTIVO');
    expect(await goldenDrift(hub.app)).toEqual([]);
  });
});
