import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, entityOf, itemAbout, personOf, steward, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Earlier links revisited (issue 11): a record linked to a person on weaker evidence moves when a
 * later record shows, deterministically, that it belongs to another person; weaker evidence goes to
 * a steward (RELINK_CANDIDATE); a steward's link or pin is never overridden.
 *
 * The twins: Diana Marcela has no document; her twin Diana Carolina's BDUA row says only "DIANA"
 * and carries her TI, so it joins Diana Marcela by the phonetic tier (names and birth date, nothing
 * to tell them apart yet). Then Diana Carolina's own Sisbén row arrives, in the twins' household with
 * the same TI: it cannot be Diana Marcela (twins of one household), and it is the BDUA row's twin
 * source — same document and names.
 */
const MOTHER = (serial: number, doc: string, surname1: string): PersonSpec => ({
  serial,
  docType: 'CC',
  doc,
  first: 'LUZ',
  second: 'MARINA',
  surname1,
  surname2: 'CORDOBA',
  birth: '1984-01-15',
  sex: 'F',
  role: 1,
});
const twins = (serial: number, surname1: string, surname2: string, birth: string, ti: string) => {
  const marcela: PersonSpec = { serial, docType: 'SI', doc: '', first: 'DIANA', second: 'MARCELA', surname1, surname2, birth, sex: 'F', role: 3 };
  const carolina: PersonSpec = { ...marcela, serial: serial + 1, docType: 'TI', doc: ti, second: 'CAROLINA' };
  const carolinaBdua: PersonSpec = { ...carolina, serial: serial + 2, second: null };
  return { marcela, carolina, carolinaBdua };
};

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function pin(kind: 'must_link' | 'cannot_link', a: number, b: number) {
  await t.db.rows(
    sql`insert into link_constraints (kind, entity_a_id, entity_b_id, actor, reason) values (${kind}, ${Math.min(a, b)}, ${Math.max(a, b)}, 'steward:test', 'test')`,
  );
}

const proposalsOf = (runId: number) =>
  t.db.rows<{ entity: number; status: string; rule: string | null }>(
    sql`select source_entity_id::int as entity, status, rule from relink_proposals where reconciliation_run_id = ${runId} order by id`,
  );
const ruvEntity = async (first: string, surname: string) => {
  const [r] = await t.db.rows<{ id: string }>(
    sql`select id from source_entities where source = 'ruv' and first_name = ${first} and first_surname = ${surname} order by id limit 1`,
  );
  return Number(r.id);
};

describe('earlier links revisited', () => {
  let hub: TestHub;
  const reconcile = async (runId: number | null | undefined) => {
    await hub.rt.app.services.reconciliation.process(runId!);
    return (await hub.rt.app.services.reconciliation.getRun(runId!))!;
  };
  beforeAll(async () => {
    hub = await testHub().database(t.db).pipelineDefaults().workers(false).start();
  });
  afterAll(async () => {
    await hub?.close();
  });

  // Four families, one per case, in the same files.
  const A = twins(1501, 'LOPEZ', 'RUIZ', '2012-03-04', '1012345678');
  const B = twins(1511, 'MORENO', 'CAICEDO', '2013-07-21', '1013345680');
  const C = twins(1521, 'SALCEDO', 'VALENCIA', '2011-10-09', '1011345682');
  const HA: HouseholdSpec = { ficha: '500010001501', municipality: '05001', members: [MOTHER(1500, '43111222', 'RUIZ'), A.marcela] };
  const HB: HouseholdSpec = { ficha: '500010001511', municipality: '05001', members: [MOTHER(1510, '43111333', 'CAICEDO'), B.marcela] };
  const HC: HouseholdSpec = { ficha: '500010001521', municipality: '05001', members: [MOTHER(1520, '43111444', 'VALENCIA'), C.marcela] };
  // A namesake: Juan Carlos of Medellín has a cédula; a RUV row of another Juan Carlos (Cali, same
  // birth date, no document) joins him by names and birth date; then the Cali man's BDUA row, with
  // another cédula, cannot be the Medellín one.
  const JC: PersonSpec = {
    serial: 1531,
    docType: 'CC',
    doc: '71222333',
    first: 'JUAN',
    second: 'CARLOS',
    surname1: 'PEREZ',
    surname2: 'GOMEZ',
    birth: '1985-06-07',
    sex: 'M',
  };
  const JC_CALI: PersonSpec = { ...JC, serial: 1532, docType: 'SI', doc: '' };
  const JC_CALI_BDUA: PersonSpec = { ...JC, serial: 1533, doc: '94555666' };
  const HJ: HouseholdSpec = { ficha: '500010001531', municipality: '05001', members: [JC] };
  const HJ_CALI: HouseholdSpec = { ficha: '760010001532', municipality: '76001', members: [JC_CALI] };

  let third: Awaited<ReturnType<typeof reconcile>>;
  let bduaOf: (p: PersonSpec) => Promise<number>;
  beforeAll(async () => {
    bduaOf = (p) => entityOf(t.db, 'bdua', bduaKey(p));
    const s = await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([HA, HB, HC, HJ]), 'sisben');
    await reconcile(s.reconciliationRunId);
    const r = await hub.importContent('VICTIMAS_202411.txt', ruvFile([{ person: JC_CALI, household: HJ_CALI }]), 'ruv');
    await reconcile(r.reconciliationRunId);
    const b = await hub.importContent(
      '10001-MS0031122024.TXT',
      bduaFile([
        { person: A.carolinaBdua, household: HA },
        { person: B.carolinaBdua, household: HB },
        { person: C.carolinaBdua, household: HC },
      ]),
      'bdua',
    );
    await reconcile(b.reconciliationRunId);
    // The premise: the three BDUA rows and the RUV row joined the wrong person.
    for (const [f, h] of [
      [A, HA],
      [B, HB],
      [C, HC],
    ] as const)
      expect(await personOf(t.db, 'bdua', bduaKey(f.carolinaBdua))).toBe(await personOf(t.db, 'sisben', sisbenKey(h, 2)));
    expect(await personOf(t.db, 'sisben', sisbenKey(HJ, 1))).toBe(await ruvEntityPerson('JUAN', 'PEREZ'));

    // Before the next run: a steward confirmed family B's BDUA row with Diana Marcela; another said
    // family C's BDUA row is not the RUV row of Diana Carolina that comes in the same run.
    await pin('must_link', await bduaOf(B.carolinaBdua), await entityOf(t.db, 'sisben', sisbenKey(HB, 2)));
    const s2 = await hub.importContent(
      'sisben_iv_personas_2.csv',
      sisbenFile([
        { ...HA, members: [...HA.members, A.carolina] },
        { ...HB, members: [...HB.members, B.carolina] },
        { ...HC, members: [...HC.members, C.carolina] },
        HJ,
      ]),
      'sisben',
    );
    const r2 = await hub.importContent('VICTIMAS_202412.txt', ruvFile([{ person: { ...C.carolina, serial: 1524 }, household: HC }]), 'ruv');
    await pin('cannot_link', await bduaOf(C.carolinaBdua), await ruvEntity('DIANA', 'SALCEDO'));
    const b2 = await hub.importContent('10001-MS0031012025.TXT', bduaFile([{ person: JC_CALI_BDUA, household: HJ_CALI }]), 'bdua');
    // One run takes everything pending (the three imports).
    third = await reconcile(s2.reconciliationRunId);
    await reconcile(r2.reconciliationRunId);
    await reconcile(b2.reconciliationRunId);
  });

  async function ruvEntityPerson(first: string, surname: string) {
    const [r] = await t.db.rows<{ person_id: string }>(
      sql`select person_id from source_entities where source = 'ruv' and first_name = ${first} and first_surname = ${surname} order by id limit 1`,
    );
    return Number(r.person_id);
  }

  it('moves a record the phonetic tier linked wrongly when its documented twin-source record arrives', async () => {
    expect(third.state).toBe('done');
    const carolina = await personOf(t.db, 'sisben', sisbenKey({ ...HA }, 3));
    const marcela = await personOf(t.db, 'sisben', sisbenKey(HA, 2));
    expect(carolina).not.toBe(marcela);
    expect(await personOf(t.db, 'bdua', bduaKey(A.carolinaBdua))).toBe(carolina);
    // Explained, audited, reversible; both golden records re-derived.
    const rowA = await bduaOf(A.carolinaBdua);
    const [link] = await t.db.rows<{ link_type: string; reasons: string[]; matched: number }>(
      sql`select link_type, reasons, matched_entity_id::int as matched from entity_links where source_entity_id = ${rowA}`,
    );
    expect(link.link_type).toBe('deterministic');
    expect(link.reasons).toEqual(expect.arrayContaining(['SAME_DOCUMENT', 'RELINKED']));
    expect(link.matched).toBe(await entityOf(t.db, 'sisben', sisbenKey(HA, 3)));
    expect(await proposalsOf(third.id)).toContainEqual({ entity: rowA, status: 'applied', rule: 'relink.deterministic_evidence' });
    const [move] = await t.db.rows<{ from: number; to: number; kind: string }>(
      sql`select from_person_id::int as from, to_person_id::int as to, kind from record_moves where source_entity_id = ${rowA}`,
    );
    expect(move).toEqual({ from: marcela, to: carolina, kind: 'automatic' });
    const [audit] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'person.relink.automatic'`);
    expect(audit.n).toBe(1);
    const ids = await t.db.rows<{ person_id: number; doc_number: string }>(
      sql`select person_id::int, doc_number from person_identifiers where person_id in (${marcela}, ${carolina}) order by 1`,
    );
    expect(ids).toEqual([{ person_id: carolina, doc_number: A.carolina.doc }]);
    const [golden] = await t.db.rows<{ second_name: string }>(sql`select second_name from persons where id = ${marcela}`);
    expect(golden.second_name).toBe('MARCELA');
  });

  it('never moves a record a steward linked', async () => {
    const rowB = await bduaOf(B.carolinaBdua);
    expect(await personOf(t.db, 'bdua', bduaKey(B.carolinaBdua))).toBe(await personOf(t.db, 'sisben', sisbenKey(HB, 2)));
    expect(await proposalsOf(third.id)).toContainEqual({ entity: rowB, status: 'refused', rule: 'relink.refused_steward_decision' });
  });

  it('never moves a record across a different-persons pin', async () => {
    const rowC = await bduaOf(C.carolinaBdua);
    const marcela = await personOf(t.db, 'sisben', sisbenKey(HC, 2));
    const carolina = await personOf(t.db, 'sisben', sisbenKey(HC, 3));
    expect(await personOf(t.db, 'bdua', bduaKey(C.carolinaBdua))).toBe(marcela);
    expect(await ruvEntityPerson('DIANA', 'SALCEDO')).toBe(carolina);
    expect(await proposalsOf(third.id)).toContainEqual({ entity: rowC, status: 'refused', rule: 'relink.refused_pinned_apart' });
    const [merged] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from person_merges where survivor_id in (${marcela}, ${carolina})`);
    expect(merged.n).toBe(0);
  });

  it('puts weaker evidence to a steward, naming the record and the two persons', async () => {
    const row = await ruvEntity('JUAN', 'PEREZ');
    const medellin = await personOf(t.db, 'sisben', sisbenKey(HJ, 1));
    const cali = await personOf(t.db, 'bdua', bduaKey(JC_CALI_BDUA));
    expect(cali).not.toBe(medellin);
    expect(await ruvEntityPerson('JUAN', 'PEREZ')).toBe(medellin);
    const items = await t.db.rows<{ a: number; b: number; candidate: number; rule: string; reasons: string[] }>(
      sql`select person_a_id::int as a, person_b_id::int as b, candidate_entity_id::int as candidate, explanation->>'rule' as rule,
          array(select jsonb_array_elements_text(explanation->'reasons')) as reasons
        from review_items where reason = 'RELINK_CANDIDATE' and source_entity_id = ${row}`,
    );
    expect(items).toEqual([
      {
        a: Math.min(medellin!, cali!),
        b: Math.max(medellin!, cali!),
        candidate: await bduaOf(JC_CALI_BDUA),
        rule: 'relink.weaker_evidence',
        reasons: expect.arrayContaining(['RELINK_CANDIDATE']),
      },
    ]);
  });

  it('proposes nothing new on a second run, and an undone move stays undone', async () => {
    const before = await t.db.rows(sql`select id from review_items where reason = 'RELINK_CANDIDATE' order by id`);
    // The next extracts repeat the same people (a new RUV row of the Cali man, a new household).
    const s3 = await hub.importContent(
      'sisben_iv_personas_3.csv',
      sisbenFile([
        { ...HA, members: [...HA.members, A.carolina] },
        { ...HB, members: [...HB.members, B.carolina] },
        { ...HC, members: [...HC.members, C.carolina] },
        HJ,
        { ficha: '500010001541', municipality: '05001', members: [MOTHER(1540, '43111555', 'ARANGO')] },
      ]),
      'sisben',
    );
    const r3 = await hub.importContent(
      'VICTIMAS_202501.txt',
      ruvFile([
        { person: { ...JC_CALI, serial: 1534 }, household: HJ_CALI },
        { person: { ...A.carolina, serial: 1505 }, household: HA },
      ]),
      'ruv',
    );
    const fourth = await reconcile(s3.reconciliationRunId);
    await reconcile(r3.reconciliationRunId);
    expect(fourth.state).toBe('done');
    expect((await proposalsOf(fourth.id)).filter((p) => p.status === 'accepted' || p.status === 'applied')).toEqual([]);
    expect(await t.db.rows(sql`select id from review_items where reason = 'RELINK_CANDIDATE' order by id`)).toEqual(before);
    const [moves] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from record_moves`);
    expect(moves.n).toBe(1);

    // A steward undoes the move: the record goes back, and no later run moves it again.
    const rowA = await bduaOf(A.carolinaBdua);
    const [{ id: moveId }] = await t.db.rows<{ id: number }>(sql`select id::int from record_moves where source_entity_id = ${rowA}`);
    const merges = hub.rt.app.services.merges;
    await t.db.orm.transaction((tx) => merges.undoMove(tx, moveId, 'steward:test', 'test'));
    const marcela = await personOf(t.db, 'sisben', sisbenKey(HA, 2));
    expect(await personOf(t.db, 'bdua', bduaKey(A.carolinaBdua))).toBe(marcela);
    const [link] = await t.db.rows<{ link_type: string }>(sql`select link_type from entity_links where source_entity_id = ${rowA}`);
    expect(link.link_type).toBe('phonetic');
    const r4 = await hub.importContent('VICTIMAS_202502.txt', ruvFile([{ person: { ...A.carolina, serial: 1506 }, household: HA }]), 'ruv');
    const fifth = await reconcile(r4.reconciliationRunId);
    expect(fifth.state).toBe('done');
    expect(await personOf(t.db, 'bdua', bduaKey(A.carolinaBdua))).toBe(marcela);
  });

  it('a steward who says the record belongs with the candidate moves it (and pins it there)', async () => {
    const row = await ruvEntity('JUAN', 'PEREZ');
    const cali = await personOf(t.db, 'bdua', bduaKey(JC_CALI_BDUA));
    const [{ key }] = await t.db.rows<{ key: string }>(sql`select source_key as key from source_entities where id = ${row}`);
    const id = await itemAbout(t.db, 'RELINK_CANDIDATE', key);
    const ana = steward('ana');
    const c = await hub.rt.app.services.review.claim(id, ana, null);
    expect(c.kind).toBe('claimed');
    const r = await hub.rt.app.services.review.decide(id, 'SAME_PERSON', 'Same man, Cali', (c as { item: { version: number } }).item.version, ana, null);
    expect(r.kind).toBe('decided');
    expect(await ruvEntityPerson('JUAN', 'PEREZ')).toBe(cali);
    const [move] = await t.db.rows<{ kind: string; to: number }>(sql`select kind, to_person_id::int as to from record_moves where source_entity_id = ${row}`);
    expect(move).toEqual({ kind: 'steward', to: cali });
    const [pinned] = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from link_constraints where kind = 'must_link' and revoked_at is null and ${row} in (entity_a_id, entity_b_id)`,
    );
    expect(pinned.n).toBe(1);
  });
});

describe('moves under the circuit breaker', () => {
  let db: TestDatabase;
  let hub: TestHub;
  afterAll(async () => {
    await hub?.close();
    await db?.drop();
  });

  it('holds the moves of a run the breaker trips, as review items, and moves nothing', async () => {
    db = await createTestDatabase();
    // Any move of a record out of an existing person trips it (one is over 0.0001 % of the records).
    hub = await testHub()
      .database(db.db)
      .pipelineDefaults()
      .config({ RECONCILE_BREAKER_MIN_MERGES: '1', RECONCILE_MAX_AUTO_MERGE_RATE: '0.000001' })
      .workers(false)
      .start();
    const reconcile = async (runId: number | null | undefined) => {
      await hub.rt.app.services.reconciliation.process(runId!);
      return (await hub.rt.app.services.reconciliation.getRun(runId!))!;
    };
    const D = twins(1601, 'ORTIZ', 'MENA', '2014-02-02', '1014345600');
    const HD: HouseholdSpec = { ficha: '500010001601', municipality: '05001', members: [MOTHER(1600, '43222111', 'MENA'), D.marcela] };
    await reconcile((await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([HD]), 'sisben')).reconciliationRunId);
    await reconcile((await hub.importContent('10001-MS0031122024.TXT', bduaFile([{ person: D.carolinaBdua, household: HD }]), 'bdua')).reconciliationRunId);
    const marcela = await personOf(db.db, 'sisben', sisbenKey(HD, 2));
    expect(await personOf(db.db, 'bdua', bduaKey(D.carolinaBdua))).toBe(marcela);
    const run = await reconcile(
      (await hub.importContent('sisben_iv_personas_2.csv', sisbenFile([{ ...HD, members: [...HD.members, D.carolina] }]), 'sisben')).reconciliationRunId,
    );
    expect(run.state).toBe('failed');
    expect(run.failureReason).toContain('1 moves of linked records');
    expect(await personOf(db.db, 'bdua', bduaKey(D.carolinaBdua))).toBe(marcela);
    const row = await entityOf(db.db, 'bdua', bduaKey(D.carolinaBdua));
    const items = await db.db.rows<{ rule: string }>(
      sql`select explanation->>'rule' as rule from review_items where reason = 'RELINK_CANDIDATE' and source_entity_id = ${row} and status = 'open'`,
    );
    expect(items).toEqual([{ rule: 'relink.held_by_breaker' }]);
    const [held] = await db.db.rows<{ status: string }>(sql`select status from relink_proposals where source_entity_id = ${row}`);
    expect(held.status).toBe('held');
    const [moves] = await db.db.rows<{ n: number }>(sql`select count(*)::int as n from record_moves`);
    expect(moves.n).toBe(0);
  });
});
