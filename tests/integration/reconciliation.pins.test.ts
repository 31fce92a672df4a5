import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, entityOf, personOf, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Steward pins (rows of link_constraints) win over the model, in the run that follows them and in
 * every later run, whatever the thresholds are by then.
 */
const SAME: PersonSpec = {
  serial: 401,
  docType: 'CC',
  doc: '31313131',
  first: 'BEATRIZ',
  second: 'ELENA',
  surname1: 'OSPINA',
  surname2: 'POSADA',
  birth: '1958-09-19',
  sex: 'F',
};
const ALONE: PersonSpec = {
  serial: 402,
  docType: 'CC',
  doc: '32323232',
  first: 'RODRIGO',
  second: null,
  surname1: 'NARANJO',
  surname2: 'LONDOÑO',
  birth: '1949-12-01',
  sex: 'M',
};
// Nothing in common with ALONE, but a steward says they are one person (e.g. a legal name change).
const RENAMED: PersonSpec = {
  serial: 403,
  docType: 'CC',
  doc: '33333333',
  first: 'ROSA',
  second: 'AMELIA',
  surname1: 'MEJÍA',
  surname2: 'ISAZA',
  birth: '1962-02-22',
  sex: 'F',
};
const H1: HouseholdSpec = { ficha: '500010000700', municipality: '05001', members: [SAME] };
const H2: HouseholdSpec = { ficha: '500010000800', municipality: '05001', members: [ALONE] };

let t: TestDatabase;

async function pin(kind: 'must_link' | 'cannot_link', a: number, b: number) {
  await t.db.rows(
    sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason) values (${kind}, ${Math.min(a, b)}, ${Math.max(a, b)}, 'steward:test', 'test')`,
  );
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('steward pins', () => {
  let engine: TestHub;
  beforeAll(async () => {
    // Imports apply; their reconciliation runs wait, so pins can be set on the new records first.
    engine = await testHub().database(t.db).pipelineDefaults().workers(false).start();
    const s = await engine.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2]), 'sisben');
    await engine.rt.app.services.reconciliation.process(s.reconciliationRunId!);
    const b = await engine.importContent(
      '10001-MS0031122024.TXT',
      bduaFile([
        { person: { ...SAME, serial: 411 }, household: H1 },
        { person: { ...RENAMED, serial: 412 }, household: H2 },
      ]),
      'bdua',
    );
    await pin('cannot_link', await entityOf(t.db, 'sisben', sisbenKey(H1, 1)), await entityOf(t.db, 'bdua', bduaKey({ ...SAME, serial: 411 })));
    await pin('must_link', await entityOf(t.db, 'sisben', sisbenKey(H2, 1)), await entityOf(t.db, 'bdua', bduaKey({ ...RENAMED, serial: 412 })));
    await engine.rt.app.services.reconciliation.process(b.reconciliationRunId!);
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('keep apart two records the model would link deterministically', async () => {
    const s = await personOf(t.db, 'sisben', sisbenKey(H1, 1));
    const b = await personOf(t.db, 'bdua', bduaKey({ ...SAME, serial: 411 }));
    expect(b).not.toBeNull();
    expect(b).not.toBe(s);
  });

  it('join two records the model would never link', async () => {
    expect(await personOf(t.db, 'bdua', bduaKey({ ...RENAMED, serial: 412 }))).toBe(await personOf(t.db, 'sisben', sisbenKey(H2, 1)));
    const [link] = await t.db.rows<{ link_type: string; reasons: string[] }>(
      sql`select l.link_type, l.reasons from entity_links l join source_entities e on e.id = l.source_entity_id where e.source = 'bdua' and e.source_key = ${bduaKey({ ...RENAMED, serial: 412 })}`,
    );
    expect(link).toEqual({ link_type: 'steward', reasons: ['STEWARD_PINNED_LINK'] });
  });

  it('are honoured by later runs after the thresholds change', async () => {
    const loose = await testHub()
      .database(t.db)
      .pipelineDefaults()
      .config({ RECONCILE_LINK_PROBABILITY: '0.5', RECONCILE_REVIEW_PROBABILITY: '0.1', RECONCILE_MAX_AUTO_MERGE_RATE: '1', RECONCILE_BREAKER_MIN_MERGES: '1' })
      .workers()
      .start();
    try {
      // A RUV record identical to both pinned-apart records links to one; the matcher itself honours
      // the pin (no merge proposal for the merge repository to refuse) and puts the other to a steward.
      // A changed BDUA extract re-examines the pinned records.
      const r = await loose.importContent('VICTIMAS_202412.txt', ruvFile([{ person: { ...SAME, serial: 421 }, household: { ...H1, index: 0 } }]), 'ruv');
      await loose.importContent(
        '10001-MS0031012025.TXT',
        bduaFile([
          { person: { ...SAME, serial: 411, second: 'ELENA DEL PILAR' }, household: H1 },
          { person: { ...RENAMED, serial: 412, second: 'AMELIA' }, household: H2 },
        ]),
        'bdua',
      );
      const run = (await loose.rt.app.services.reconciliation.getRun(r.reconciliationRunId!))!;
      expect(run.state).toBe('done');
      expect(run.mergesProposed).toBe(0);
      expect(run.mergesApplied).toBe(0);
      const [proposals] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from merge_proposals where reconciliation_run_id = ${run.id}`);
      expect(proposals.n).toBe(0);
      const reviews = await t.db.rows<{ reason: string; reasons: string[] }>(
        sql`select i.reason, array(select jsonb_array_elements_text(i.explanation->'reasons')) as reasons
          from review_items i join source_entities e on e.id = i.source_entity_id
          where i.reconciliation_run_id = ${run.id} and e.source = 'ruv'`,
      );
      expect(reviews).toContainEqual({ reason: 'POSSIBLE_MATCH', reasons: expect.arrayContaining(['MERGE_PINNED_APART']) });
      expect(await personOf(t.db, 'bdua', bduaKey({ ...SAME, serial: 411 }))).not.toBe(await personOf(t.db, 'sisben', sisbenKey(H1, 1)));
      expect(await personOf(t.db, 'bdua', bduaKey({ ...RENAMED, serial: 412 }))).toBe(await personOf(t.db, 'sisben', sisbenKey(H2, 1)));
    } finally {
      await loose.close();
    }
  });
});
