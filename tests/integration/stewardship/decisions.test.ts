import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app';
import { KEYS, importScenario } from '../../harness/factories/stewardship';
import { createTestDatabase, entityOf, itemAbout, personOf, personState, steward, testHub, type TestDatabase, type TestHub } from '../../harness';

let t: TestDatabase;
let hub: TestHub;
let app: App;
const ana = steward('ana');
const beto = steward('beto');

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  app = hub.rt.app;
  await importScenario(hub);
});
afterAll(async () => {
  await hub?.close();
  await t?.drop();
});

const audit = (requestId: string) =>
  t.db.rows<{ action: string; actor: string; actor_role: string; reason: string; subject_id: string; before: any; after: any; person_id: string }>(
    sql`select action, actor, actor_role, reason, subject_id, before, after, person_id from audit_events where request_id = ${requestId} order by id`,
  );

describe('claims', () => {
  it('are exclusive with an expiry, re-claimable by the same steward, releasable', async () => {
    const id = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2);
    const first = await app.services.review.claim(id, ana, null);
    expect(first.kind).toBe('claimed');
    if (first.kind !== 'claimed') return;
    const minutes = (first.item.claimExpiresAt!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);

    const other = await app.services.review.claim(id, beto, null);
    expect(other).toMatchObject({ kind: 'claimedByOther', claimedUntil: first.item.claimExpiresAt });
    // The other steward cannot decide or release it either.
    expect((await app.services.review.decide(id, 'DEFER', 'later', first.item.version, beto, null)).kind).toBe('claimedByOther');
    expect((await app.services.review.release(id, beto, null)).kind).toBe('claimedByOther');

    const again = await app.services.review.claim(id, ana, null);
    expect(again.kind).toBe('claimed');
    if (again.kind !== 'claimed') return;
    expect(again.item.version).toBe(first.item.version + 1);

    const released = await app.services.review.release(id, ana, null);
    expect(released.kind).toBe('released');
    expect((await app.services.review.claim(id, beto, null)).kind).toBe('claimed');
    await app.services.review.release(id, beto, null);
  });

  it('an expired claim no longer blocks others', async () => {
    const id = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2);
    await app.services.review.claim(id, ana, null);
    await t.db.rows(sql`update review_items set claim_expires_at = now() - interval '1 minute' where id = ${id}`);
    const taken = await app.services.review.claim(id, beto, null);
    expect(taken.kind).toBe('claimed');
    await app.services.review.release(id, beto, null);
  });
});

describe('SAME_PERSON, then unmerge', () => {
  it('merges into the older person with a must-link pin and audit rows, and unmerge restores both persons exactly', async () => {
    const itemId = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    const a = (await personOf(t.db, 'sisben', KEYS.sisbenA))!;
    const b = (await personOf(t.db, 'ruaf', KEYS.ruafA2))!;
    expect(a).toBeLessThan(b);
    const beforeA = await personState(t.db, a);
    const beforeB = await personState(t.db, b);

    const claimed = await app.services.review.claim(itemId, ana, null);
    if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
    // A stale version is a conflict, not an error.
    const stale = await app.services.review.decide(itemId, 'SAME_PERSON', 'same person', claimed.item.version - 1, ana, null);
    expect(stale.kind).toBe('conflict');

    const decided = await app.services.review.decide(
      itemId,
      'SAME_PERSON',
      'Same mother and address; the other number is a typo.',
      claimed.item.version,
      ana,
      null,
    );
    if (decided.kind !== 'decided') throw new Error(JSON.stringify(decided));
    expect(decided).toMatchObject({ decision: 'SAME_PERSON', personId: a, newPersonId: null });
    expect(decided.mergeId).not.toBeNull();
    expect(decided.item.status).toBe('decided');
    expect(await personOf(t.db, 'ruaf', KEYS.ruafA2)).toBe(a);
    const [merged] = await t.db.rows<{ status: string; merged_into_id: string }>(sql`select status, merged_into_id from persons where id = ${b}`);
    expect(merged).toEqual({ status: 'merged', merged_into_id: String(a) });
    const pins = await t.db.rows(
      sql`select kind, entity_a_id, entity_b_id, decision_id, revoked_at from link_constraints where decision_id = ${decided.decisionId}`,
    );
    const pair = [await entityOf(t.db, 'ruaf', KEYS.ruafA2), await entityOf(t.db, 'sisben', KEYS.sisbenA)].sort((x, y) => x - y);
    expect(pins).toEqual([
      { kind: 'must_link', entity_a_id: String(pair[0]), entity_b_id: String(pair[1]), decision_id: String(decided.decisionId), revoked_at: null },
    ]);

    // Who, when, what, why: the decision and the merge, written in the decision's transaction.
    const rows = await audit(ana.requestId);
    const decide = rows.find((r) => r.action === 'review.decide' && r.subject_id === String(itemId))!;
    expect(decide).toMatchObject({ actor: ana.actor, actor_role: 'steward', reason: 'Same mother and address; the other number is a typo.' });
    expect(decide.after).toMatchObject({ decision: 'SAME_PERSON', mergeId: decided.mergeId, status: 'decided' });
    expect(rows.find((r) => r.action === 'person.merge')).toMatchObject({ subject_id: String(decided.mergeId), actor: ana.actor, person_id: String(a) });
    const [decisionRow] = await t.db.rows(sql`select decision, actor, merge_id from review_decisions where id = ${decided.decisionId}`);
    expect(decisionRow).toEqual({ decision: 'SAME_PERSON', actor: ana.actor, merge_id: String(decided.mergeId) });

    // Deciding again: already decided, with who decided.
    const twice = await app.services.review.decide(itemId, 'DIFFERENT_PERSONS', 'no', decided.item.version, beto, null);
    expect(twice).toMatchObject({ kind: 'alreadyDecided', decision: { decision: 'SAME_PERSON', actor: ana.actor } });

    // The merged-away public id resolves to its survivor.
    const redirected = await app.services.registry.personByPublicId(String(beforeB.person!.public_id), null);
    expect(redirected?.id).toBe(a);

    // Unmerge by the merged-away person's public id.
    const undone = await app.services.review.unmerge(
      { mergedPersonPublicId: String(beforeB.person!.public_id) },
      'Registraduría confirms two people.',
      beto,
      null,
    );
    expect(undone).toMatchObject({ kind: 'unmerged', survivorId: a, restoredId: b });
    const afterA = await personState(t.db, a);
    const afterB = await personState(t.db, b);
    expect(afterA).toEqual(beforeA);
    expect(afterB).toEqual(beforeB);
    expect(await personOf(t.db, 'ruaf', KEYS.ruafA2)).toBe(b);
    // The separation is pinned; the decision's must-link is revoked.
    const active = await t.db.rows<{ kind: string }>(
      sql`select kind from link_constraints where revoked_at is null and (entity_a_id = ${pair[0]} and entity_b_id = ${pair[1]})`,
    );
    expect(active.map((r) => r.kind)).toEqual(['cannot_link']);
    expect((await audit(beto.requestId)).find((r) => r.action === 'person.unmerge')).toMatchObject({
      actor: beto.actor,
      reason: 'Registraduría confirms two people.',
    });

    expect((await app.services.review.unmerge({ mergeId: decided.mergeId! }, 'again', beto, null)).kind).toBe('alreadyUndone');
  });
});

describe('DEFER and DIFFERENT_PERSONS', () => {
  it('a deferred item stays in the queue with its reason; DIFFERENT_PERSONS later pins the records apart', async () => {
    const itemId = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2);
    const c = await app.services.review.claim(itemId, ana, null);
    if (c.kind !== 'claimed') throw new Error(c.kind);
    const deferred = await app.services.review.decide(itemId, 'DEFER', 'Asking the municipality for the ficha.', c.item.version, ana, null);
    if (deferred.kind !== 'decided') throw new Error(deferred.kind);
    expect(deferred.item.status).toBe('deferred');
    expect(deferred.item.claimedBy).toBeNull();
    const queue = await app.services.review.list({}, null);
    expect(queue.items.map((i) => i.id)).toContain(itemId);
    const [d] = await t.db.rows(sql`select decision, reason from review_decisions where review_item_id = ${itemId}`);
    expect(d).toEqual({ decision: 'DEFER', reason: 'Asking the municipality for the ficha.' });

    const e = (await personOf(t.db, 'sisben', KEYS.sisbenE))!;
    const e2 = (await personOf(t.db, 'ruaf', KEYS.ruafE2))!;
    const c2 = await app.services.review.claim(itemId, beto, null);
    if (c2.kind !== 'claimed') throw new Error(c2.kind);
    const apart = await app.services.review.decide(itemId, 'DIFFERENT_PERSONS', 'Different mothers in the ficha.', c2.item.version, beto, null);
    if (apart.kind !== 'decided') throw new Error(apart.kind);
    expect(apart.pinsCreated).toBe(1);
    expect(await personOf(t.db, 'sisben', KEYS.sisbenE)).toBe(e);
    expect(await personOf(t.db, 'ruaf', KEYS.ruafE2)).toBe(e2);
    const [pin] = await t.db.rows(sql`select kind, actor, reason from link_constraints where decision_id = ${apart.decisionId}`);
    expect(pin).toEqual({ kind: 'cannot_link', actor: beto.actor, reason: 'Different mothers in the ficha.' });
    // An automatic merge of the two is refused from now on.
    await expect(
      app.repositories.review.transaction((tx) =>
        app.services.merges.merge(tx, { survivorId: e, mergedId: e2, kind: 'automatic', actor: 'system:test', reason: 'test' }),
      ),
    ).rejects.toMatchObject({ code: 'PINNED_APART' });
    // A later SAME_PERSON decision revokes the pin (decisions are reversible).
    const reopen = await t.db.rows<{ id: string }>(
      sql`insert into review_items (reason, source_entity_id, person_a_id, person_b_id, candidate_entity_id, person_a_version, person_b_version)
        select 'POSSIBLE_MATCH', source_entity_id, person_a_id, person_b_id, candidate_entity_id, pa.version, pb.version
        from review_items i join persons pa on pa.id = i.person_a_id join persons pb on pb.id = i.person_b_id where i.id = ${itemId} returning id`,
    );
    const r = await app.services.review.claim(Number(reopen[0].id), ana, null);
    if (r.kind !== 'claimed') throw new Error(r.kind);
    const same = await app.services.review.decide(r.item.id, 'SAME_PERSON', 'The ficha was wrong after all.', r.item.version, ana, null);
    expect(same).toMatchObject({ kind: 'decided', pinsRevoked: 1 });
    expect(await personOf(t.db, 'ruaf', KEYS.ruafE2)).toBe(Math.min(e, e2));
  });

  it('DIFFERENT_PERSONS on an audited automatic link detaches the record into a new person and counts against precision', async () => {
    const [item] = await t.db.rows<{ id: string; source_entity_id: string; person_a_id: string; reconciliation_run_id: string }>(
      sql`select id, source_entity_id, person_a_id, reconciliation_run_id from review_items where reason = 'AUTO_LINK_AUDIT' and status = 'open' order by id limit 1`,
    );
    expect(item).toBeDefined();
    const runId = Number(item.reconciliation_run_id);
    expect(await app.services.reconciliationRuns.runPrecision(runId)).toMatchObject({ sampled: 1, confirmed: 0, rejected: 0, precision: null });
    const owner = Number(item.person_a_id);
    const before = await personState(t.db, owner);
    const c = await app.services.review.claim(Number(item.id), ana, null);
    if (c.kind !== 'claimed') throw new Error(c.kind);
    const res = await app.services.review.decide(Number(item.id), 'DIFFERENT_PERSONS', 'Another woman with a similar number.', c.item.version, ana, null);
    if (res.kind !== 'decided') throw new Error(JSON.stringify(res));
    expect(res.newPersonId).not.toBeNull();
    const [moved] = await t.db.rows<{ person_id: string }>(sql`select person_id from source_entities where id = ${item.source_entity_id}`);
    expect(Number(moved.person_id)).toBe(res.newPersonId);
    const after = await personState(t.db, owner);
    expect(after.records.length).toBe(before.records.length - 1);
    // Every golden value of both persons traces to a record each still holds.
    for (const pid of [owner, res.newPersonId!]) {
      const s = await personState(t.db, pid);
      const current = await t.db.rows<{ current_record_id: string }>(sql`select current_record_id from source_entities where person_id = ${pid}`);
      const held = new Set(current.map((x) => String(x.current_record_id)));
      for (const col of ['name_source_record_id', 'birth_date_source_record_id', 'sex_source_record_id', 'municipality_source_record_id']) {
        const v = s.person![col];
        if (v !== null) expect(held.has(String(v)), `${pid}.${col}`).toBe(true);
      }
    }
    const [link] = await t.db.rows(sql`select link_type, reasons from entity_links where source_entity_id = ${item.source_entity_id}`);
    expect(link).toEqual({ link_type: 'steward', reasons: ['STEWARD_DETACHED'] });
    expect((await audit(ana.requestId)).some((r) => r.action === 'person.detach' && r.after.newPersonId === res.newPersonId)).toBe(true);
    expect(await app.services.reconciliationRuns.runPrecision(runId)).toMatchObject({ sampled: 1, confirmed: 0, rejected: 1, precision: 0 });
    expect(await app.repositories.reconciliation.auditVerdicts(runId)).toEqual({ confirmed: 0, rejected: 1 });
  });
});

describe('typed failures', () => {
  it('not found, outside the territory, stale, nothing to separate', async () => {
    expect((await app.services.review.decide(999_999, 'DEFER', 'x', 1, ana, null)).kind).toBe('notFound');
    expect((await app.services.review.claim(999_999, ana, null)).kind).toBe('notFound');
    expect((await app.services.review.unmerge({ mergeId: 999_999 }, 'x', ana, null)).kind).toBe('notFound');

    // An item about Valle (76001) does not exist for a steward scoped to Antioquia.
    const a = (await personOf(t.db, 'sisben', KEYS.sisbenA))!;
    const c = (await personOf(t.db, 'sisben', KEYS.sisbenC))!;
    const [run] = await t.db.rows<{ id: string }>(sql`select id from reconciliation_runs order by id desc limit 1`);
    await app.repositories.review.transaction(async (tx) => {
      await app.repositories.reconciliation.insertReviewItems(tx, Number(run.id), [
        { reason: 'HOUSEHOLD_CHANGE', entityId: null, personA: c, personB: null, candidateEntityId: null, score: null, explanation: { households: [] } },
        {
          reason: 'LINKED_RECORD_CHANGED',
          entityId: await entityOf(t.db, 'sisben', KEYS.sisbenB),
          personA: (await personOf(t.db, 'sisben', KEYS.sisbenB))!,
          personB: null,
          candidateEntityId: null,
          score: null,
          explanation: { reasons: ['LINKED_RECORD_CHANGED'] },
        },
      ]);
    });
    const [valle] = await t.db.rows<{ id: string }>(sql`select id from review_items where reason = 'HOUSEHOLD_CHANGE' and person_a_id = ${c}`);
    const antioquia = { departments: ['05'], municipalities: [] };
    expect(await app.services.review.get(Number(valle.id), antioquia)).toBeNull();
    expect((await app.services.review.claim(Number(valle.id), ana, antioquia)).kind).toBe('notFound');
    expect((await app.services.review.list({ statuses: ['open'] }, antioquia)).items.every((i) => i.personAId !== c)).toBe(true);

    // B's person holds two records: B's own Sisbén and RUAF ones; detaching B's Sisbén record works, but a person with one record has nothing to separate from.
    const [lonely] = await t.db.rows<{ id: string }>(sql`select id from review_items where reason = 'LINKED_RECORD_CHANGED' order by id desc limit 1`);
    const l = await app.services.review.claim(Number(lonely.id), ana, null);
    if (l.kind !== 'claimed') throw new Error(l.kind);
    const bPerson = (await personOf(t.db, 'sisben', KEYS.sisbenB))!;
    const bRecords = await t.db.rows(sql`select id from source_entities where person_id = ${bPerson}`);
    expect(bRecords.length).toBe(2);
    // Detach B's RUAF record first (via the engine's own item shape), leaving B with one record.
    const ruafB = await t.db.rows<{ id: string }>(sql`select id from source_entities where person_id = ${bPerson} and source = 'ruaf'`);
    await app.repositories.review.transaction((tx) =>
      app.services.merges.detach(tx, { personId: bPerson, entityIds: [Number(ruafB[0].id)], reason: 'test', actor: 'system:test' }),
    );
    const again = await app.services.review.claim(Number(lonely.id), ana, null);
    if (again.kind !== 'claimed') throw new Error(again.kind);
    const invalid = await app.services.review.decide(Number(lonely.id), 'DIFFERENT_PERSONS', 'not her', again.item.version, ana, null);
    expect(invalid.kind).toBe('invalid');

    // Stale: the item's person was merged away meanwhile.
    const stalePerson = (await personOf(t.db, 'sisben', KEYS.sisbenA))!;
    void a;
    await app.repositories.review.transaction((tx) =>
      app.services.merges.merge(tx, {
        survivorId: Math.min(stalePerson, c),
        mergedId: Math.max(stalePerson, c),
        kind: 'steward',
        actor: 'system:test',
        reason: 'test',
      }),
    );
    const gone = await app.services.review.claim(Number(valle.id), ana, null);
    expect(gone.kind).toBe('stale');
    await expect(app.services.review.decide(Number(valle.id), 'DEFER', ' ', 1, ana, null)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
