import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bduaKey } from '../harness/factories/files';
import { CAROLINA_BDUA, makeRecordMove } from '../harness/factories/recordMove';
import { bearer, createTestDatabase, personOf, testHub, type ApiHub, type TestDatabase } from '../harness';

/**
 * Record moves (relinks) through the API: Person.recordMoves lists a move a run made, a steward
 * undoes it with undoRecordMove (the record goes back and is pinned apart), a second undo is the
 * typed "already undone", and a reader may neither undo nor read the undo notes.
 *
 * The twins of tests/harness/factories/recordMove.ts: a run moves Diana Carolina's BDUA row from her
 * undocumented twin Diana Marcela to her.
 */
let t: TestDatabase;
let api: ApiHub;
const tokens: Record<string, string> = {};
let marcela: number;
let carolina: number;
let row: number;
const as = (who: string, query: string, variables?: Record<string, unknown>, requestId?: string) =>
  api.gql(query, variables, { ...bearer(tokens[who]), ...(requestId ? { 'x-request-id': requestId } : {}) });
const publicId = async (id: number) => (await t.db.rows<{ p: string }>(sql`select public_id::text as p from persons where id = ${id}`))[0].p;

const MOVES = `query($id: ID!) { person(id: $id) { recordMoves { id fromPersonId toPersonId kind rule movedAt undoneAt undoneBy undoReason record { source sourceKey } } } }`;
const UNDO = `mutation($id: ID!, $reason: String!) { undoRecordMove(moveId: $id, reason: $reason) {
  __typename
  ... on RecordMoveUndone { moveId person { id } movedFrom { id } }
  ... on RecordMoveAlreadyUndone { moveId undoneAt }
  ... on RecordMoveSuperseded { moveId message }
  ... on NotFound { message }
} }`;

beforeAll(async () => {
  t = await createTestDatabase();
  api = await testHub().database(t.db).pipelineDefaults().workers(false).http().start();
  for (const role of ['reader', 'steward'] as const) tokens[role] = await api.token(role);
  const made = await makeRecordMove(api, t);
  ({ marcela, carolina, row } = made);
  expect(made.joinedWrongly).toBe(true);
  // The premise: the run moved the BDUA row to Diana Carolina.
  expect(carolina).not.toBe(marcela);
  expect(await personOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA))).toBe(carolina);
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

describe('record moves', () => {
  let moveId: string;

  it('lists the move on both persons, with the record and the rule', async () => {
    const [from, to] = [await publicId(marcela), await publicId(carolina)];
    for (const id of [from, to]) {
      const res = await as('steward', MOVES, { id });
      expect(res.errors).toBeUndefined();
      expect(res.data.person.recordMoves).toEqual([
        expect.objectContaining({
          fromPersonId: from,
          toPersonId: to,
          kind: 'automatic',
          rule: 'relink.deterministic_evidence',
          undoneAt: null,
          undoReason: null,
          record: { source: 'BDUA', sourceKey: bduaKey(CAROLINA_BDUA) },
        }),
      ]);
      moveId = res.data.person.recordMoves[0].id;
    }
    // A reader sees the move but not the stewards' notes.
    expect((await as('reader', `query($id: ID!) { person(id: $id) { recordMoves { id rule } } }`, { id: to })).data.person.recordMoves).toHaveLength(1);
    const notes = await as('reader', `query($id: ID!) { person(id: $id) { recordMoves { undoReason } } }`, { id: to });
    expect(notes.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a reader the undo', async () => {
    const res = await as('reader', UNDO, { id: moveId, reason: 'not mine to undo' });
    expect(res.status).toBe(403);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await personOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA))).toBe(carolina);
  });

  it('a steward undoes it: the record is back, pinned apart, audited; a second undo is already undone', async () => {
    const res = await as('steward', UNDO, { id: moveId, reason: 'the BDUA row is Marcela’s after all' }, 'undo-move-1');
    expect(res.errors).toBeUndefined();
    expect(res.data.undoRecordMove).toEqual({
      __typename: 'RecordMoveUndone',
      moveId,
      person: { id: await publicId(marcela) },
      movedFrom: { id: await publicId(carolina) },
    });
    expect(await personOf(t.db, 'bdua', bduaKey(CAROLINA_BDUA))).toBe(marcela);
    const [pins] = await t.db.rows<{ n: number }>(
      sql`select count(*)::int as n from link_constraints c join source_entities o on o.id = case when c.entity_a_id = ${row} then c.entity_b_id else c.entity_a_id end
        where c.kind = 'cannot_link' and ${row} in (c.entity_a_id, c.entity_b_id) and o.person_id = ${carolina}`,
    );
    expect(pins.n).toBeGreaterThan(0);
    const audit = await t.db.rows<{ action: string; actor_role: string; subject_id: string }>(
      sql`select action, actor_role, subject_id from audit_events where request_id = 'undo-move-1' and action like 'person.relink%'`,
    );
    expect(audit).toEqual([{ action: 'person.relink.undo', actor_role: 'steward', subject_id: moveId }]);

    const listed = await as('steward', MOVES, { id: await publicId(marcela) });
    expect(listed.data.person.recordMoves[0]).toMatchObject({ id: moveId, undoReason: 'the BDUA row is Marcela’s after all' });
    expect(listed.data.person.recordMoves[0].undoneAt).not.toBeNull();

    const again = await as('steward', UNDO, { id: moveId, reason: 'twice' });
    expect(again.data.undoRecordMove).toMatchObject({ __typename: 'RecordMoveAlreadyUndone', moveId });
    expect(again.data.undoRecordMove.undoneAt).not.toBeNull();
    expect((await as('steward', UNDO, { id: '999999', reason: 'x' })).data.undoRecordMove).toMatchObject({ __typename: 'NotFound' });
  });
});
