import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaFile, bduaKey, sisbenFile, sisbenKey, type HouseholdSpec, type PersonSpec } from '../harness/factories/files';
import { createTestDatabase, entityOf, personOf, testHub, waitFor, type TestDatabase } from '../harness';

/**
 * Blocking rules are configuration: records linked under one rule set are found under another
 * after the engine indexes them under the new rules (before its first batch).
 */
const NO_DOC: PersonSpec = {
  serial: 501,
  docType: 'SI',
  doc: '',
  first: 'YEISON',
  second: 'ANDRÉS',
  surname1: 'VILLAMIZAR',
  surname2: 'QUINTERO',
  birth: '1998-10-09',
  sex: 'M',
};
const H: HouseholdSpec = { ficha: '500010000900', municipality: '05001', members: [NO_DOC] };
const LATER: PersonSpec = { ...NO_DOC, serial: 502, docType: 'CC', doc: '1098765432', first: 'JEISON', surname1: 'BILLAMIZAR' };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('a change of blocking rules', () => {
  it('indexes the records linked before under the new rules, so later records still find them', async () => {
    const documentOnly = await testHub().database(t.db).pipelineDefaults().config({ RECONCILE_BLOCKING_RULES: 'document' }).workers().start();
    try {
      await documentOnly.importContent('sisben_iv_personas_1.csv', sisbenFile([H]), 'sisben');
    } finally {
      await documentOnly.close();
    }
    const entity = await entityOf(t.db, 'sisben', sisbenKey(H, 1));
    const [before] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from entity_blocking_keys where source_entity_id = ${entity}`);
    expect(before.n).toBe(0); // no document, and the only rule was the document

    const defaults = await testHub().database(t.db).pipelineDefaults().workers().start();
    try {
      const r = await defaults.importContent('10001-MS0031122024.TXT', bduaFile([{ person: LATER, household: H }]), 'bdua');
      expect(await personOf(t.db, 'bdua', bduaKey(LATER))).toBe(await personOf(t.db, 'sisben', sisbenKey(H, 1)));
      const rules = await t.db.rows<{ rule: number }>(sql`select rule from entity_blocking_keys where source_entity_id = ${entity} order by rule`);
      expect(rules.map((x) => x.rule)).toEqual([7, 8, 9]);
      const [run] = await t.db.rows<{ timings: Record<string, number> }>(sql`select timings from reconciliation_runs where id = ${r.reconciliationRunId}`);
      expect(run.timings).toHaveProperty('backfill');
    } finally {
      await defaults.close();
    }
  });
});

describe('planner statistics', () => {
  it('analyzes the tables a run plans on that were never analyzed, however small the run', async () => {
    const fresh = await createTestDatabase();
    const hub = await testHub().database(fresh.db).pipelineDefaults().workers().start();
    try {
      const r = await hub.importContent('sisben_iv_personas_1.csv', sisbenFile([H]), 'sisben');
      const [run] = await fresh.db.rows<{ timings: Record<string, number> }>(sql`select timings from reconciliation_runs where id = ${r.reconciliationRunId}`);
      expect(run.timings).toHaveProperty('analyzeBefore');
      // An import analyzes what it wrote; the engine's own tables were never analyzed before this run
      // (statistics reach other sessions within a second or so).
      await waitFor('the engine tables analyzed', async () => {
        const rows = await fresh.db.rows<{ relname: string }>(
          sql`select relname from pg_stat_user_tables where relname in ('entity_blocking_keys', 'entity_links', 'persons', 'person_identifiers') and last_analyze is not null`,
        );
        return rows.length === 4;
      });
    } finally {
      await hub.close();
      await fresh.drop();
    }
  });
});
