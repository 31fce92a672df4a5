import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, ruvFile, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, personOf, testHub, type TestDatabase, type TestHub } from '../harness';

/**
 * Three persons each exist twice after Sisbén and BDUA: the Sisbén record has no document, the BDUA
 * one has its birthday typed DD/MM, and a very strict link threshold keeps the pair in review. Then
 * a RUV record of each carries the BDUA document and the Sisbén spelling and birthday: it links to
 * both persons, which proposes merging two existing persons — three merges for three records.
 */
const N = 3;
const sisbenPeople: PersonSpec[] = Array.from({ length: N }, (_, i) => ({
  serial: 100 + i,
  docType: 'SI' as const,
  doc: '',
  first: ['NELSON', 'MIRYAM', 'OVIDIO'][i],
  second: ['ENRIQUE', 'STELLA', 'DE JESÚS'][i],
  surname1: ['RESTREPO', 'SALAZAR', 'TORO'][i],
  surname2: ['URIBE', 'VILLA', 'ZULUAGA'][i],
  birth: `19${70 + i}-0${i + 3}-0${i + 5}`,
  sex: (['M', 'F', 'M'] as const)[i],
}));
const swap = (iso: string) => `${iso.slice(0, 4)}-${iso.slice(8, 10)}-${iso.slice(5, 7)}`;
const bduaPeople = sisbenPeople.map((p, i) => ({ ...p, serial: 200 + i, docType: 'CC' as const, doc: String(80_000_001 + i * 1111), birth: swap(p.birth) }));
const households: HouseholdSpec[] = sisbenPeople.map((p, i) => ({ ficha: String(500010000600 + i), municipality: '05001', members: [p] }));
const ruvPeople = sisbenPeople.map((p, i) => ({ ...p, serial: 300 + i, docType: 'CC' as const, doc: bduaPeople[i].doc }));

let t: TestDatabase | undefined;
let engine: TestHub | undefined;
afterEach(async () => {
  await engine?.close();
  await t?.drop();
  engine = undefined;
  t = undefined;
});

async function setUp(rate: string) {
  t = await createTestDatabase();
  engine = await testHub()
    .database(t.db)
    .pipelineDefaults()
    .config({
      RECONCILE_LINK_PROBABILITY: '0.999999999',
      RECONCILE_BREAKER_MIN_MERGES: '1',
      RECONCILE_MAX_AUTO_MERGE_RATE: rate,
    })
    .workers()
    .start();
  await engine.importContent('sisben_iv_personas_1.csv', sisbenFile(households), 'sisben');
  await engine.importContent('10001-MS0031122024.TXT', bduaFile(bduaPeople.map((p, i) => ({ person: p, household: households[i] }))), 'bdua');
  const before: [number, number][] = [];
  for (let i = 0; i < N; i++) {
    const s = (await personOf(t.db, 'sisben', sisbenKey(households[i], 1)))!;
    const b = (await personOf(t.db, 'bdua', bduaKey(bduaPeople[i])))!;
    expect(s).not.toBe(b);
    before.push([s, b]);
  }
  const ruv = await engine.importContent('VICTIMAS_202412.txt', ruvFile(ruvPeople.map((p, i) => ({ person: p, household: households[i] }))), 'ruv');
  const run = (await engine.rt.app.services.reconciliation.getRun(ruv.reconciliationRunId!))!;
  return { t, before, run };
}

describe('the circuit breaker', () => {
  it('fails a run whose automatic merges of existing persons exceed the limit, and holds them for review (nothing merged)', async () => {
    const { t, before, run } = await setUp('0.2');
    expect(run).toMatchObject({ state: 'failed', breakerTripped: true, mergesProposed: N, mergesApplied: 0, recordsProcessed: N });
    expect(run.failureReason).toMatch(/Circuit breaker: 3 automatic merges of existing persons/);
    const held = await t.db.rows<{ a: string; b: string }>(
      sql`select person_a_id as a, person_b_id as b from review_items where reason = 'MERGE_HELD_BY_BREAKER' and reconciliation_run_id = ${run.id} order by 1`,
    );
    expect(held.map((h) => [Number(h.a), Number(h.b)])).toEqual(before.map(([s, b]) => [Math.min(s, b), Math.max(s, b)]).sort((x, y) => x[0] - y[0]));
    const [merges] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from person_merges`);
    expect(merges.n).toBe(0);
    const statuses = await t.db.rows<{ status: string }>(sql`select distinct status from merge_proposals`);
    expect(statuses).toEqual([{ status: 'held' }]);
    for (const [s, b] of before) {
      const rows = await t.db.rows<{ status: string }>(sql`select status::text from persons where id in (${s}, ${b})`);
      expect(rows.map((r) => r.status)).toEqual(['active', 'active']);
    }
  });

  it('applies the merges when they stay under the limit', async () => {
    const { t, before, run } = await setUp('1');
    expect(run).toMatchObject({ state: 'done', breakerTripped: false, mergesProposed: N, mergesApplied: N });
    for (let i = 0; i < N; i++) {
      const s = await personOf(t.db, 'sisben', sisbenKey(households[i], 1));
      expect(await personOf(t.db, 'bdua', bduaKey(bduaPeople[i]))).toBe(s);
      expect(s).toBe(Math.min(...before[i]));
    }
    const [merges] = await t.db.rows<{ n: number; kinds: string[] }>(
      sql`select count(*)::int as n, array_agg(distinct kind::text) as kinds from person_merges`,
    );
    expect(merges).toEqual({ n: N, kinds: ['automatic'] });
  });
});
