import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app';
import type { DecideOutcome } from '../../../src/stewardship';
import { sisbenFile, type HouseholdSpec } from '../../harness/factories/stewardship';
import { createTestDatabase, steward, testHub, type TestDatabase, type TestHub } from '../../harness';

/**
 * Real concurrency: decisions run in parallel on separate pooled connections (postgres.js, pool of
 * 5); the engine lock and row locks are PostgreSQL's. Each round builds three fresh persons P < Q < R
 * and two items about overlapping persons, X = (P, Q) and Y = (P, R) or (Q, R), claimed by two
 * stewards and decided at the same instant.
 */
let t: TestDatabase;
let hub: TestHub;
let app: App;
const ana = steward('ana');
const beto = steward('beto');
const ROUNDS = 6;
const personsByRound: number[][] = [];
const entitiesByRound: number[][] = [];

const givens = ['CARLOS', 'PEDRO', 'LUIS', 'JAVIER', 'MANUEL', 'RAFAEL', 'ANDRES', 'FELIPE'];
const surnames = [
  'ARANGO',
  'BETANCUR',
  'CARDONA',
  'DUQUE',
  'ECHEVERRI',
  'FRANCO',
  'GAVIRIA',
  'HENAO',
  'ISAZA',
  'JARAMILLO',
  'LONDOÑO',
  'MEJIA',
  'NARANJO',
  'OSPINA',
  'POSADA',
  'QUINTERO',
  'RESTREPO',
  'SALAZAR',
  'TORO',
  'URIBE',
];

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  app = hub.rt.app;
  // Unrelated people (different names, numbers and birth years): one person each.
  const households: HouseholdSpec[] = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    households.push({
      ficha: String(500010001000 + r),
      municipality: '05001',
      members: [0, 1, 2].map((k) => ({
        docType: 'CC' as const,
        doc: String(30_000_000 + r * 1000 + k * 97),
        first: givens[(r + k) % givens.length],
        surname1: surnames[(r * 3 + k) % surnames.length],
        surname2: surnames[(r * 3 + k + 7) % surnames.length],
        birth: `${1950 + r * 5 + k}-0${k + 1}-1${k}`,
        sex: 'M' as const,
      })),
    });
  }
  await hub.importContent('sisben_concurrency.csv', sisbenFile(households), 'sisben');
  for (let r = 0; r < ROUNDS + 2; r++) {
    const rows = await t.db.rows<{ id: string; person_id: string }>(
      sql`select id, person_id from source_entities where source_key like ${`${500010001000 + r}-%`} order by id`,
    );
    expect(new Set(rows.map((x) => x.person_id)).size).toBe(3);
    personsByRound.push(rows.map((x) => Number(x.person_id)));
    entitiesByRound.push(rows.map((x) => Number(x.id)));
  }
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

async function raise(pairs: [number, number][], round: number): Promise<number[]> {
  const [run] = await t.db.rows<{ id: string }>(sql`select id from reconciliation_runs order by id desc limit 1`);
  const p = personsByRound[round];
  const e = entitiesByRound[round];
  await app.repositories.review.transaction((tx) =>
    app.repositories.reconciliation.insertReviewItems(
      tx,
      Number(run.id),
      pairs.map(([x, y]) => ({
        reason: 'POSSIBLE_MATCH',
        entityId: e[y],
        personA: p[x],
        personB: p[y],
        candidateEntityId: e[x],
        score: 0.9,
        explanation: { tier: 'probabilistic', reasons: ['TEST'] },
      })),
    ),
  );
  const ids: number[] = [];
  for (const [x, y] of pairs) {
    const [row] = await t.db.rows<{ id: string }>(
      sql`select id from review_items where person_a_id = ${Math.min(p[x], p[y])} and person_b_id = ${Math.max(p[x], p[y])} and status = 'open'`,
    );
    ids.push(Number(row.id));
  }
  return ids;
}

const LOSING = new Set(['conflict', 'stale']);

describe('two stewards deciding on overlapping persons at once', () => {
  it.each(Array.from({ length: ROUNDS }, (_, r) => r))('round %i: exactly one succeeds, the other gets a conflict result', async (round) => {
    // Rounds alternate the overlap: the shared person is the survivor (P) or the one merged away (Q).
    const shape: [number, number][] =
      round % 2 === 0
        ? [
            [0, 1],
            [0, 2],
          ]
        : [
            [0, 1],
            [1, 2],
          ];
    const [x, y] = await raise(shape, round);
    const cx = await app.services.review.claim(x, ana, null);
    const cy = await app.services.review.claim(y, beto, null);
    if (cx.kind !== 'claimed' || cy.kind !== 'claimed') throw new Error('claims');
    const decisions = ['SAME_PERSON', round % 3 === 2 ? 'DIFFERENT_PERSONS' : 'SAME_PERSON'] as const;
    const auditBefore = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'review.decide'`);
    const results: DecideOutcome[] = await Promise.all([
      app.services.review.decide(x, decisions[0], 'round', cx.item.version, ana, null),
      app.services.review.decide(y, decisions[1], 'round', cy.item.version, beto, null),
    ]);
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'decided')).toHaveLength(1);
    expect(kinds.filter((k) => LOSING.has(k))).toHaveLength(1);

    // The database agrees: one item decided, one decision row, one audit row; the loser's item is not decided.
    const statuses = await t.db.rows<{ id: string; status: string }>(sql`select id, status from review_items where id in (${x}, ${y}) order by id`);
    expect(statuses.filter((s) => s.status === 'decided')).toHaveLength(1);
    const decisionsRows = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from review_decisions where review_item_id in (${x}, ${y})`);
    expect(decisionsRows[0].n).toBe(1);
    const auditAfter = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'review.decide'`);
    expect(auditAfter[0].n - auditBefore[0].n).toBe(1);
    // No record was lost: the three records still belong to active persons.
    const live = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from source_entities e join persons p on p.id = e.person_id and p.status = 'active' where e.id = any(${`{${entitiesByRound[round].join(',')}}`}::bigint[])`,
    );
    expect(live[0].n).toBe(3);
  });

  it('the same item decided twice at once (two tabs of its steward): one decision, the other learns it was already decided', async () => {
    const [item] = await raise([[1, 2]], ROUNDS);
    const p = await app.services.review.claim(item, ana, null);
    if (p.kind !== 'claimed') throw new Error(p.kind);
    const results = await Promise.all([
      app.services.review.decide(item, 'DIFFERENT_PERSONS', 'a', p.item.version, ana, null),
      app.services.review.decide(item, 'DIFFERENT_PERSONS', 'b', p.item.version, ana, null),
    ]);
    const kinds = results.map((r) => r.kind).sort();
    // Both are legitimate losers' answers: the item was decided (AlreadyDecided) — the second never runs a decision.
    expect(kinds.filter((k) => k === 'decided')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'alreadyDecided' || k === 'conflict')).toHaveLength(1);
    const rows = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from review_decisions where review_item_id = ${item}`);
    expect(rows[0].n).toBe(1);
  });

  it('a decision waits for a matching batch holding the engine lock', async () => {
    const [item] = await raise([[0, 2]], ROUNDS + 1);
    const p = await app.services.review.claim(item, ana, null);
    if (p.kind !== 'claimed') throw new Error(p.kind);
    let released = false;
    const holder = app.repositories.reconciliation.transaction(async (tx) => {
      await app.repositories.reconciliation.lock(tx);
      await new Promise((r) => setTimeout(r, 400));
      released = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    const decided = await app.services.review.decide(item, 'DEFER', 'wait', p.item.version, ana, null);
    expect(released).toBe(true);
    expect(decided.kind).toBe('decided');
    await holder;
  });
});
