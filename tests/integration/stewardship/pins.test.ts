import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS, compileModel } from '../../../src/domain/identity';
import { KEYS, PEOPLE, RUAF_ROWS, importScenario, ruafFile } from '../../harness/factories/stewardship';
import { createTestDatabase, entityOf, itemAbout, personOf, steward, testHub, type TestDatabase, type TestHub } from '../../harness';

/**
 * Steward decisions are pinned at record level and honoured by every later run: after re-imports of
 * changed files (records re-examined, new records that match both sides), after the thresholds
 * change, and after a new model version (retraining).
 */
let t: TestDatabase;
let hub: TestHub | undefined;
const ana = steward('ana');

let apart: { a: number; a2: number };
let together: { e: number; e2: number };
let detached: { entity: number; from: number; to: number };

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  const app = hub.rt.app;
  await importScenario(hub);
  const decide = async (id: number, d: 'SAME_PERSON' | 'DIFFERENT_PERSONS', why: string) => {
    const c = await app.services.review.claim(id, ana, null);
    if (c.kind !== 'claimed') throw new Error(c.kind);
    const r = await app.services.review.decide(id, d, why, c.item.version, ana, null);
    if (r.kind !== 'decided') throw new Error(JSON.stringify(r));
    return r;
  };
  // A and A' are two people; E and E' one; the audited automatic link was wrong.
  await decide(await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2), 'DIFFERENT_PERSONS', 'Two women, two cédulas.');
  apart = { a: (await personOf(t.db, 'sisben', KEYS.sisbenA))!, a2: (await personOf(t.db, 'ruaf', KEYS.ruafA2))! };
  await decide(await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2), 'SAME_PERSON', 'Same person, mistyped number.');
  together = { e: (await personOf(t.db, 'sisben', KEYS.sisbenE))!, e2: (await personOf(t.db, 'ruaf', KEYS.ruafE2))! };
  expect(together.e).toBe(together.e2);
  const [audit] = await t.db.rows<{ id: string; source_entity_id: string; person_a_id: string }>(
    sql`select id, source_entity_id, person_a_id from review_items where reason = 'AUTO_LINK_AUDIT' and status = 'open' order by id limit 1`,
  );
  const r = await decide(Number(audit.id), 'DIFFERENT_PERSONS', 'Not the same woman.');
  detached = { entity: Number(audit.source_entity_id), from: Number(audit.person_a_id), to: r.newPersonId! };
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

async function personOfEntity(id: number): Promise<number> {
  const [r] = await t.db.rows<{ person_id: string }>(sql`select person_id from source_entities where id = ${id}`);
  return Number(r.person_id);
}

async function assertPinsHold(label: string) {
  const a = (await personOf(t.db, 'sisben', KEYS.sisbenA))!;
  const a2 = (await personOf(t.db, 'ruaf', KEYS.ruafA2))!;
  expect(a, `${label}: A and A' stay apart`).not.toBe(a2);
  expect(a, label).toBe(apart.a);
  expect(a2, label).toBe(apart.a2);
  const e = (await personOf(t.db, 'sisben', KEYS.sisbenE))!;
  expect(await personOf(t.db, 'ruaf', KEYS.ruafE2), `${label}: E and E' stay together`).toBe(e);
  expect(await personOfEntity(detached.entity), `${label}: the detached record stays detached`).toBe(detached.to);
  const statuses = await t.db.rows<{ id: string; status: string }>(
    sql`select id, status from persons where id in (${apart.a}, ${apart.a2}, ${detached.from}, ${detached.to})`,
  );
  expect(
    statuses.every((s) => s.status === 'active'),
    label,
  ).toBe(true);
  // Every record is in exactly one active person.
  const orphans = await t.db.rows(sql`select e.id from source_entities e left join persons p on p.id = e.person_id where p.id is null or p.status <> 'active'`);
  expect(orphans, label).toEqual([]);
}

async function restart(overrides: Record<string, string>) {
  await hub?.close();
  hub = await testHub().database(t.db).pipelineDefaults().config(overrides).workers().start();
}

describe('pins survive later runs', () => {
  it('a changed file re-imported, with a new record that matches both sides of a DIFFERENT_PERSONS pin', async () => {
    const changed = RUAF_ROWS.map((r) => ({ ...r, state: 'RETIRADO' as const }));
    // A'' carries A' 's number and A's full name and birth date: it links to one of them and would merge them.
    const bridge = { ...PEOPLE.A, docType: 'CE' as const, doc: '43876599', administrator: 'EPS009' };
    await hub!.importContent('RUAF_afiliados_2.csv', ruafFile([...changed, bridge]), 'ruaf');
    const [run] = await t.db.rows<{ id: string; records_processed: number; merges_proposed: number; merges_applied: number }>(
      sql`select id, records_processed, merges_proposed, merges_applied from reconciliation_runs order by id desc limit 1`,
    );
    expect(run.records_processed).toBeGreaterThan(RUAF_ROWS.length - 1);
    // The bridge record would merge A and A': the matcher honours the pin itself (issue 11), proposes no
    // merge across it and sends the other side to review.
    const proposals = await t.db.rows(sql`select id from merge_proposals where reconciliation_run_id = ${run.id}`);
    expect(proposals).toEqual([]);
    expect(run.merges_applied).toBe(0);
    const reviews = await t.db.rows<{ reason: string; reasons: string[] }>(
      sql`select reason, array(select jsonb_array_elements_text(explanation->'reasons')) as reasons
        from review_items where reconciliation_run_id = ${run.id}`,
    );
    expect(reviews).toContainEqual({ reason: 'POSSIBLE_MATCH', reasons: expect.arrayContaining(['MERGE_PINNED_APART']) });
    await assertPinsHold('changed file');
  });

  it('after the thresholds change (links at 0.6, reviews from 0.1)', async () => {
    await restart({ RECONCILE_LINK_PROBABILITY: '0.6', RECONCILE_REVIEW_PROBABILITY: '0.1' });
    const changed = RUAF_ROWS.map((r) => ({ ...r, administrator: r.administrator ?? 'EPS037', state: 'ACTIVO' as const, second: r.second ?? '' }));
    const twin = { ...PEOPLE.A, doc: '43876599', second: 'DEL CARMEN', birth: '1972-03-15', administrator: 'EPS010' };
    await hub!.importContent('RUAF_afiliados_3.csv', ruafFile([...changed, twin]), 'ruaf');
    const [run] = await t.db.rows<{ settings: { linkProbability: number } }>(sql`select settings from reconciliation_runs order by id desc limit 1`);
    expect(run.settings.linkProbability).toBe(0.6);
    await assertPinsHold('thresholds');
  });

  it('after retraining (a new model version) and a manual run', async () => {
    await restart({ RECONCILE_LINK_PROBABILITY: '0.5', RECONCILE_REVIEW_PROBABILITY: '0.05' });
    const parameters = { ...DEFAULT_PARAMETERS, lambda: 0.2 };
    const version = compileModel(parameters).version;
    await t.db.rows(
      sql`insert into linkage_models (version, parameters, training) values (${version}, ${JSON.stringify(parameters)}::jsonb,
        ${JSON.stringify({ records: 10, tf: { givenName: [], surname: [], municipality: [] } })}::jsonb)`,
    );
    const another = { ...PEOPLE.A, doc: '43876512', administrator: 'EPS011', second: '' };
    await hub!.importContent('RUAF_afiliados_4.csv', ruafFile([...RUAF_ROWS, another]), 'ruaf');
    // And a manual run on top, as an operator would start.
    const runs = hub!.rt.app.services.reconciliationRuns;
    const run = await runs.reconcileAll(50);
    expect(run.state).toBe('done');
    const [latest] = await t.db.rows<{ model_version: string }>(
      sql`select model_version from reconciliation_runs where import_run_id is not null order by id desc limit 1`,
    );
    expect(latest.model_version).toBe(version);
    await assertPinsHold('retrained');
    // The pins themselves are untouched.
    const pins = await t.db.rows<{ kind: string; n: number }>(
      sql`select kind, count(*)::int as n from link_constraints where revoked_at is null group by kind order by kind::text`,
    );
    expect(pins.map((p) => p.kind)).toEqual(['cannot_link', 'must_link']);
    expect(await entityOf(t.db, 'ruaf', KEYS.ruafA2)).toBeGreaterThan(0);
  });
});
