import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app';
import { generateBytes } from '../../../src/synthetic';
import { createTestDatabase, testHub, type TestDatabase, type TestHub } from '../../harness';

/**
 * Reliability item 21: under random sequences of import (small generated files), merge and unmerge,
 * source records are never deleted or altered, and every source record belongs to exactly one
 * active person.
 */
let t: TestDatabase;
let hub: TestHub;
let app: App;

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  app = hub.rt.app;
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

type Op =
  | { kind: 'import'; source: 'sisben' | 'ruaf' | 'ruv'; seed: number; rows: number; changes: number }
  | { kind: 'merge'; pick: number; other: number }
  | { kind: 'unmerge'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('import' as const),
    source: fc.constantFrom('sisben' as const, 'ruaf' as const, 'ruv' as const),
    seed: fc.integer({ min: 1, max: 3 }),
    rows: fc.integer({ min: 4, max: 12 }),
    changes: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('merge' as const), pick: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('unmerge' as const), pick: fc.nat() }),
);

/** Content digest of every source record, by id (raw line or where it is, normalized values when kept, key, run, line). */
async function records(): Promise<Map<string, string>> {
  const rows = await t.db.rows<{ id: string; d: string }>(
    sql`select id, md5(source || '|' || source_entity_id || '|' || import_run_id || '|' || line_no || '|' || source_key || '|' || encode(content_hash, 'hex') || '|' || coalesce(raw, '') || '|' || coalesce(byte_offset || ':' || byte_length, '') || '|' || coalesce(normalized::text, '')) as d
      from source_records order by id`,
  );
  return new Map(rows.map((r) => [r.id, r.d]));
}

async function checkInvariants(before: Map<string, string>, label: string) {
  const after = await records();
  for (const [id, digest] of before) expect(after.get(id), `${label}: source record ${id} deleted or altered`).toBe(digest);
  // Every record (entity) belongs to exactly one person, and that person is active.
  const bad = await t.db.rows(
    sql`select e.id, e.person_id, p.status from source_entities e left join persons p on p.id = e.person_id where p.id is null or p.status <> 'active'`,
  );
  expect(bad, `${label}: records outside an active person`).toEqual([]);
  // Merged persons redirect to an active survivor in one hop.
  const redirects = await t.db.rows(
    sql`select m.id from persons m left join persons s on s.id = m.merged_into_id where m.status = 'merged' and (s.id is null or s.status <> 'active')`,
  );
  expect(redirects, `${label}: broken redirects`).toEqual([]);
}

async function apply(op: Op, step: number): Promise<void> {
  if (op.kind === 'import') {
    const { bytes, expected } = await generateBytes({
      source: op.source,
      rows: op.rows,
      seed: op.seed,
      changes: op.changes ? { changed: op.changes, added: 1, removed: 1 } : undefined,
    });
    const name = `${createHash('sha1').update(bytes).digest('hex').slice(0, 8)}-${expected.fileName}`;
    await hub.importContent(name, bytes, op.source);
    return;
  }
  const persons = await t.db.rows<{ id: string }>(sql`select id from persons where status = 'active' order by id`);
  if (op.kind === 'merge') {
    if (persons.length < 2) return;
    const a = Number(persons[op.pick % persons.length].id);
    const b = Number(persons[(op.pick + 1 + (op.other % (persons.length - 1))) % persons.length].id);
    if (a === b) return;
    await app.repositories.review.transaction(async (tx) => {
      await app.repositories.reconciliation.lock(tx);
      await app.services.merges
        .merge(tx, { survivorId: Math.min(a, b), mergedId: Math.max(a, b), kind: 'steward', actor: 'system:property', reason: `step ${step}` })
        .catch((e: { code?: string }) => {
          if (e?.code !== 'PINNED_APART') throw e;
        });
    });
    return;
  }
  const merges = await t.db.rows<{ id: string }>(sql`select id from person_merges where undone_at is null order by id`);
  if (!merges.length) return;
  const id = Number(merges[op.pick % merges.length].id);
  await app.repositories.review.transaction(async (tx) => {
    await app.repositories.reconciliation.lock(tx);
    await app.services.merges.unmerge(tx, id, 'system:property', `step ${step}`).catch((e: { code?: string }) => {
      if (e?.code !== 'SUPERSEDED') throw e;
    });
  });
}

describe('property: imports, merges and unmerges keep every source record', () => {
  it('never deletes or alters a source record, and keeps each in exactly one active person', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 7 }), async (ops) => {
        let step = 0;
        for (const op of ops) {
          const before = await records();
          await apply(op, step++);
          await checkInvariants(before, `${op.kind} at step ${step}`);
        }
      }),
      { numRuns: 12, seed: 4242, endOnFailure: true },
    );
    const [{ n }] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from source_records`);
    expect(n).toBeGreaterThan(0);
    const [{ m }] = await t.db.rows<{ m: number }>(sql`select count(*)::int as m from person_merges`);
    expect(m).toBeGreaterThan(0);
  });
});
