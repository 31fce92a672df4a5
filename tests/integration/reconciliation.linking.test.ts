import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { clusters, createTestDatabase, goldenDrift, personOf, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * One family across Sisbén, BDUA and RUV, written in the real layouts and imported through the real
 * pipeline (each import triggers its reconciliation run), against the real PostgreSQL.
 */
const MOTHER: PersonSpec = {
  serial: 11,
  docType: 'CC',
  doc: '43876512',
  first: 'MARÍA',
  second: 'DEL CARMEN',
  surname1: 'MUÑOZ',
  surname2: 'PEÑA',
  birth: '1972-03-14',
  sex: 'F',
  role: 1,
};
const FATHER: PersonSpec = {
  serial: 12,
  docType: 'CC',
  doc: '71234567',
  first: 'JOSÉ',
  second: 'ANTONIO',
  surname1: 'CASTAÑEDA',
  surname2: 'ÁLVAREZ',
  birth: '1965-11-02',
  sex: 'M',
  role: 2,
};
const SON: PersonSpec = {
  serial: 13,
  docType: 'TI',
  doc: '1034567890',
  first: 'SANTIAGO',
  surname1: 'CASTAÑEDA',
  surname2: 'MUÑOZ',
  birth: '2006-01-05',
  sex: 'M',
};
const TWIN_A: PersonSpec = {
  serial: 14,
  docType: 'RC',
  doc: '1120000001',
  first: 'LUIS',
  second: 'FELIPE',
  surname1: 'CASTAÑEDA',
  surname2: 'MUÑOZ',
  birth: '2020-04-04',
  sex: 'M',
};
const TWIN_B: PersonSpec = {
  serial: 15,
  docType: 'RC',
  doc: '1120000002',
  first: 'CARLOS',
  second: 'ANDRÉS',
  surname1: 'CASTAÑEDA',
  surname2: 'MUÑOZ',
  birth: '2020-04-04',
  sex: 'M',
};
const BABY: PersonSpec = {
  serial: 16,
  docType: 'RC',
  doc: '1130000003',
  first: 'VALENTINA',
  surname1: 'CASTAÑEDA',
  surname2: 'MUÑOZ',
  birth: '2023-08-09',
  sex: 'F',
};
const JHON: PersonSpec = {
  serial: 21,
  docType: 'SI',
  doc: '',
  first: 'JHON',
  second: 'JAIRO',
  surname1: 'CASTILLO',
  surname2: 'VÉLEZ',
  birth: '1990-05-17',
  sex: 'M',
  role: 1,
};
const ANA: PersonSpec = {
  serial: 22,
  docType: 'SI',
  doc: '',
  first: 'ANA',
  second: 'LUCÍA',
  surname1: 'PÉREZ',
  surname2: 'TORRES',
  birth: '1980-07-07',
  sex: 'F',
  role: 2,
};

const H1: HouseholdSpec = { ficha: '500010000100', municipality: '05001', members: [MOTHER, FATHER, SON, TWIN_A, TWIN_B, BABY], index: 0 };
const H2: HouseholdSpec = { ficha: '760010000200', municipality: '76001', members: [JHON, ANA] };

const BDUA_ROWS = [
  { person: MOTHER, household: H1 },
  // TI → CC: the son turned 18; the same NUIP.
  { person: { ...SON, docType: 'CC' as const }, household: H1 },
  { person: TWIN_A, household: H1 },
  { person: TWIN_B, household: H1 },
  // The baby registered with the mother's cédula.
  { person: { ...BABY, docType: 'CC' as const, doc: MOTHER.doc }, household: H1 },
  // Phonetic spellings of JHON JAIRO CASTILLO VÉLEZ, who has no document in Sisbén.
  { person: { ...JHON, serial: 31, docType: 'CC' as const, doc: '98765432', first: 'JOHN', surname1: 'CASTIYO', surname2: 'BELEZ' }, household: H2 },
  // Another ANA LUCÍA PÉREZ TORRES: same name and birth year, another birthday and town.
  { person: { ...ANA, serial: 32, docType: 'CC' as const, doc: '52111222', birth: '1980-11-23' }, household: { ...H2, municipality: '11001' } },
];

let t: TestDatabase;
let engine: TestHub;
let sisbenRun: number;
let bduaRun: number;

beforeAll(async () => {
  t = await createTestDatabase();
  engine = await testHub().database(t.db).pipelineDefaults().workers().start();
  sisbenRun = (await engine.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2]), 'sisben')).reconciliationRunId!;
  bduaRun = (await engine.importContent('10001-MS0031122024.TXT', bduaFile(BDUA_ROWS), 'bdua')).reconciliationRunId!;
  await engine.importContent('VICTIMAS_202412.txt', ruvFile([{ person: MOTHER, household: H1 }]), 'ruv');
});
afterAll(async () => {
  await engine?.close();
  await t?.drop();
});

const sis = (h: HouseholdSpec, member: number) => personOf(t.db, 'sisben', sisbenKey(h, member));
const bdua = (p: PersonSpec) => personOf(t.db, 'bdua', bduaKey(p));

describe('a reconciliation run', () => {
  it('links the same person across sources (deterministic tier)', async () => {
    expect(await bdua(MOTHER)).toBe(await sis(H1, 1));
    const [ruv] = await t.db.rows<{ person_id: string }>(sql`select person_id from source_entities where source = 'ruv'`);
    expect(Number(ruv.person_id)).toBe(await sis(H1, 1));
    const [link] = await t.db.rows<{ link_type: string; reasons: string[] }>(
      sql`select l.link_type, l.reasons from entity_links l join source_entities e on e.id = l.source_entity_id where e.source = 'bdua' and e.source_key = ${bduaKey(MOTHER)}`,
    );
    expect(link).toMatchObject({ link_type: 'deterministic' });
    expect(link.reasons).toContain('SAME_DOCUMENT');
  });

  it('links a TI to the CC of the same number (document evolution)', async () => {
    expect(await bdua(SON)).toBe(await sis(H1, 3));
    const [link] = await t.db.rows<{ reasons: string[] }>(
      sql`select l.reasons from entity_links l join source_entities e on e.id = l.source_entity_id where e.source = 'bdua' and e.source_key = ${bduaKey(SON)}`,
    );
    expect(link.reasons).toContain('DOCUMENT_EVOLUTION');
  });

  it('links phonetic spellings (JHON/JOHN, CASTILLO/CASTIYO, VÉLEZ/BELEZ) with the same birth date when one side has no document', async () => {
    expect(await personOf(t.db, 'bdua', bduaKey({ ...JHON, serial: 31 }))).toBe(await sis(H2, 1));
    const [link] = await t.db.rows<{ link_type: string }>(
      sql`select l.link_type from entity_links l join source_entities e on e.id = l.source_entity_id where e.source = 'bdua' and e.source_key = ${bduaKey({ ...JHON, serial: 31 })}`,
    );
    expect(link.link_type).toBe('phonetic');
  });

  it('keeps twins apart, and each of their BDUA records joins the right twin', async () => {
    const a = await sis(H1, 4);
    const b = await sis(H1, 5);
    expect(a).not.toBe(b);
    expect(await bdua(TWIN_A)).toBe(a);
    expect(await bdua(TWIN_B)).toBe(b);
  });

  it('sends a child registered with the mother’s cédula to review as a document conflict, never into the mother', async () => {
    const baby = await bdua(BABY);
    expect(baby).not.toBe(await sis(H1, 1));
    // The child's own Sisbén record is the child's person; the shared number is set aside for it.
    expect(baby).toBe(await sis(H1, 6));
    const items = await t.db.rows<{ reason: string; person_a_id: string; person_b_id: string }>(
      sql`select reason::text, person_a_id, person_b_id from review_items where reason = 'DOCUMENT_CONFLICT'`,
    );
    expect(items).toHaveLength(1);
    expect([Number(items[0].person_a_id), Number(items[0].person_b_id)].sort()).toEqual([baby!, (await sis(H1, 1))!].sort());
    // The mother's number is not one of the child's identifiers.
    const ids = await t.db.rows<{ doc_number: string }>(sql`select doc_number from person_identifiers where person_id = ${baby}`);
    expect(ids.map((i) => i.doc_number)).toEqual([BABY.doc]);
  });

  it('does not link on names alone (same full name and birth year, no common document or birthday)', async () => {
    const other = await personOf(t.db, 'bdua', bduaKey({ ...ANA, serial: 32 }));
    expect(other).not.toBeNull();
    expect(other).not.toBe(await sis(H2, 2));
  });

  it('gives every golden value a source record of one of the person’s own records', async () => {
    for (const column of ['name_source_record_id', 'birth_date_source_record_id', 'sex_source_record_id', 'municipality_source_record_id']) {
      const [bad] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from persons p
        where p.${sql.raw(column)} is not null and not exists (
          select 1 from source_entities e where e.current_record_id = p.${sql.raw(column)} and e.person_id = p.id)`);
      expect(bad.n, column).toBe(0);
    }
    const [orphans] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from person_identifiers i
      where not exists (select 1 from source_entities e where e.person_id = i.person_id and e.doc_number = i.doc_number)`);
    expect(orphans.n).toBe(0);
    // Survivorship: BDUA's spelling of the name wins over Sisbén's (SURVIVORSHIP_NAME default).
    const [jhon] = await t.db.rows<{ first_name: string; first_surname: string }>(
      sql`select first_name, first_surname from persons where id = ${await sis(H2, 1)}`,
    );
    expect(jhon).toEqual({ first_name: 'JOHN', first_surname: 'CASTIYO' });
    // Facts follow their records' persons.
    const [facts] = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from affiliations a join source_entities e on e.id = a.source_entity_id where a.person_id is distinct from e.person_id`,
    );
    expect(facts.n).toBe(0);
  });

  it('keeps exact counters and blocking statistics per run', async () => {
    const runs = await t.db.rows<{
      id: string;
      state: string;
      records_processed: number;
      records_pending: number;
      auto_linked: number;
      new_persons: number;
      review_items: number;
      pairs_compared: string;
      blocking_stats: Record<string, number>;
      model_version: string;
    }>(sql`select * from reconciliation_runs order by id`);
    expect(runs.map((r) => r.state)).toEqual(['done', 'done', 'done']);
    const [s, b] = runs;
    expect(Number(s.id)).toBe(sisbenRun);
    expect(s).toMatchObject({ records_pending: 8, records_processed: 8, auto_linked: 0, new_persons: 8 });
    expect(Number(b.id)).toBe(bduaRun);
    expect(b.records_processed).toBe(BDUA_ROWS.length);
    // Linked: mother, son, twins, baby (own record), JOHN; a new person: the other ANA.
    expect(b).toMatchObject({ auto_linked: 6, new_persons: 1 });
    expect(Number(b.pairs_compared)).toBeGreaterThanOrEqual(6);
    expect(Object.keys(b.blocking_stats).sort()).toEqual(expect.arrayContaining(['document', 'phoneticFullNameYear']));
    const sum = Object.entries(b.blocking_stats)
      .filter(([k]) => k !== 'oversizedKeysSkipped')
      .reduce((a, [, v]) => a + Number(v), 0);
    expect(sum).toBeGreaterThanOrEqual(Number(b.pairs_compared));
    for (const r of runs) {
      const [n] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from review_items where reconciliation_run_id = ${r.id}`);
      expect(r.review_items).toBe(n.n);
      const [links] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from entity_links where reconciliation_run_id = ${r.id}`);
      expect(links.n).toBe(r.records_processed);
    }
    expect(b.model_version).toMatch(/^fs1-[0-9a-f]{16}$/);
  });

  it('finds the same persons whatever the batch size (batches planned ahead of the lock change nothing)', async () => {
    const t2 = await createTestDatabase();
    const small = await testHub().database(t2.db).pipelineDefaults().config({ RECONCILE_BATCH_SIZE: '2' }).workers().start();
    try {
      await small.importContent('sisben_iv_personas_1.csv', sisbenFile([H1, H2]), 'sisben');
      await small.importContent('10001-MS0031122024.TXT', bduaFile(BDUA_ROWS), 'bdua');
      await small.importContent('VICTIMAS_202412.txt', ruvFile([{ person: MOTHER, household: H1 }]), 'ruv');
      expect(await clusters(t2.db)).toEqual(await clusters(t.db));
      const reasons = async (db: TestDatabase['db']) =>
        (
          await db.rows<{ r: string }>(
            sql`select reason::text || ':' || coalesce(source_entity_id, 0) as r from review_items where reason <> 'AUTO_LINK_AUDIT' order by 1`,
          )
        ).map((x) => x.r);
      expect(await reasons(t2.db)).toEqual(await reasons(t.db));
      // Each batch's links and keys went through staging tables of its own, applied and dropped with it.
      const keys = async (db: TestDatabase['db']) =>
        (
          await db.rows<{ k: string }>(
            sql`select e.source::text || ':' || e.source_key || ':' || k.rule || ':' || k.key as k
              from entity_blocking_keys k join source_entities e on e.id = k.source_entity_id order by 1`,
          )
        ).map((x) => x.k);
      expect((await keys(t.db)).length).toBeGreaterThan(0);
      expect(await keys(t2.db)).toEqual(await keys(t.db));
      const [left] = await t2.db.rows<{ n: number }>(
        sql`select count(*)::int as n from pg_tables where schemaname = 'juntos_staging' and tablename like 'reconcile%'`,
      );
      expect(left.n).toBe(0);
      // Each batch derived its persons in its own transaction: the runs' ends rebuilt nothing, and
      // every person equals a rebuild from its records.
      const phases = await t2.db.rows<{ timings: Record<string, number> }>(sql`select timings from reconciliation_runs order by id`);
      expect(phases.length).toBe(3);
      for (const p of phases) expect(Object.keys(p.timings)).not.toContain('golden');
      expect(await goldenDrift(small.app)).toEqual([]);
    } finally {
      await small.close();
      await t2.drop();
    }
  });
});
