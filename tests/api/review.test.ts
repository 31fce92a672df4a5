import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, PEOPLE, importScenario } from '../harness/factories/stewardship';
import { DEFAULT_PARAMETERS, compileModel } from '../../src/domain/identity';
import { bearer, createTestDatabase, itemAbout, personOf, testHub, type ApiHub, type TestDatabase, type TestHub } from '../harness';

/**
 * The review queue, person explanations, runs and exports over HTTP, per role and territorial scope.
 * Data comes through the real pipeline (imports + reconciliation); the API runs on the same database.
 */
let t: TestDatabase;
let hub: TestHub;
let api: ApiHub;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  hub = await testHub().database(t.db).pipelineDefaults().workers().start();
  await importScenario(hub);
  api = await testHub().database(t.db).http().start();
  tokens.reader = await api.token('reader');
  tokens.operator = await api.token('operator');
  tokens.steward = await api.token('steward');
  tokens.steward2 = await api.token('steward');
  tokens.admin = api.adminToken;
  tokens.antioquia = await api.token('steward', ['05']);
  tokens.bogota = await api.token('steward', ['11001']);
});
afterAll(async () => {
  await api?.close();
  await hub?.close();
  await t?.drop();
});

const as = (who: string, query: string, variables?: Record<string, unknown>) => api.gql(query, variables, bearer(tokens[who]));

const ITEM = `
  id reason status version score municipalityCode claimedBy
  personA { id fullName } personB { id fullName }
  record { source line } candidateRecord { source line }
  explanation { tier rule reasons probability contributions { field level weight } }
  comparison { probability outcome fields { field level weight left right } leftDocument { type number } rightDocument { type number } leftRecord { source } }
`;

describe('review queue per role and scope', () => {
  it('is for stewards and admins only', async () => {
    for (const who of ['reader', 'operator']) {
      const res = await as(who, '{ reviewItems(first: 5) { nodes { id } } }');
      expect(res.status, who).toBe(403);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const m = await as(who, 'mutation { claimReviewItem(id: "1") { __typename } }');
      expect(m.status, who).toBe(403);
    }
    for (const who of ['steward', 'admin']) {
      const res = await as(who, '{ reviewItems(first: 50) { nodes { id reason } hasNextPage endCursor } }');
      expect(res.errors, who).toBeUndefined();
      expect(res.data.reviewItems.nodes.map((n: any) => n.reason).sort()).toEqual(['AUTO_LINK_AUDIT', 'POSSIBLE_MATCH', 'POSSIBLE_MATCH']);
    }
  });

  it('a scoped steward sees and acts only on items whose persons are in its territory', async () => {
    const medellin = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    const bogota = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2);
    const list = async (who: string) => (await as(who, '{ reviewItems(first: 50) { nodes { id } } }')).data.reviewItems.nodes.map((n: any) => Number(n.id));
    expect(await list('antioquia')).toContain(medellin);
    expect(await list('antioquia')).not.toContain(bogota);
    expect(await list('bogota')).toEqual([bogota]);
    const one = await as('bogota', 'query($id: ID!) { reviewItem(id: $id) { id } }', { id: String(medellin) });
    expect(one.data.reviewItem).toBeNull();
    const claim = await as('bogota', 'mutation($id: ID!) { claimReviewItem(id: $id) { __typename } }', { id: String(medellin) });
    expect(claim.data.claimReviewItem.__typename).toBe('NotFound');
    // Filter by municipality.
    const filtered = await as('steward', '{ reviewItems(municipality: "11001") { nodes { id municipalityCode } } }');
    expect(filtered.data.reviewItems.nodes).toEqual([{ id: String(bogota), municipalityCode: '11001' }]);
  });

  it('pages with a keyset cursor', async () => {
    const p1 = await as('steward', '{ reviewItems(first: 1) { nodes { id } hasNextPage endCursor } }');
    expect(p1.data.reviewItems.hasNextPage).toBe(true);
    const p2 = await as('steward', 'query($a: String) { reviewItems(first: 5, after: $a) { nodes { id } hasNextPage } }', { a: p1.data.reviewItems.endCursor });
    expect(p2.data.reviewItems.nodes.map((n: any) => Number(n.id)).every((id: number) => id > Number(p1.data.reviewItems.nodes[0].id))).toBe(true);
    expect(p2.data.reviewItems.hasNextPage).toBe(false);
  });
});

describe('queue filters and counts (issue 14)', () => {
  it('filters by score band, presence of a score and age, with a total count of the whole filter', async () => {
    const all = (await as('steward', '{ reviewItems(first: 50) { totalCount nodes { id reason score createdAt } } }')).data.reviewItems;
    expect(all.totalCount).toBe(all.nodes.length);
    const scored = all.nodes.filter((n: any) => n.score !== null);
    expect(scored.length).toBeGreaterThan(0);
    const lo = Math.min(...scored.map((n: any) => n.score));
    const band = await as('steward', 'query($lo: Float!) { reviewItems(minScore: $lo, maxScore: 1, first: 1) { totalCount nodes { score } hasNextPage } }', {
      lo,
    });
    expect(band.errors).toBeUndefined();
    expect(band.data.reviewItems.totalCount).toBe(scored.length);
    expect(band.data.reviewItems.nodes).toHaveLength(1);
    const above = await as('steward', 'query($lo: Float!) { reviewItems(minScore: $lo) { totalCount nodes { score } } }', { lo: lo + 1e-6 });
    expect(above.data.reviewItems.nodes.every((n: any) => n.score > lo)).toBe(true);
    expect(above.data.reviewItems.totalCount).toBe(scored.filter((n: any) => n.score > lo).length);
    const unscored = await as('steward', '{ reviewItems(hasScore: false) { totalCount nodes { score } } }');
    expect(unscored.data.reviewItems.totalCount).toBe(all.nodes.length - scored.length);
    expect(unscored.data.reviewItems.nodes.every((n: any) => n.score === null)).toBe(true);
    // Age: items raised before an instant (the queue's "older than N days").
    const past = await as('steward', '{ reviewItems(raisedBefore: "2000-01-01T00:00:00Z") { totalCount nodes { id } } }');
    expect(past.data.reviewItems).toEqual({ totalCount: 0, nodes: [] });
    const future = await as('steward', '{ reviewItems(raisedBefore: "2999-01-01T00:00:00Z") { totalCount } }');
    expect(future.data.reviewItems.totalCount).toBe(all.totalCount);
    const bad = await as('steward', '{ reviewItems(minScore: 2) { totalCount } }');
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('counts the queue by reason and by status, inside the caller’s territory', async () => {
    const res = await as('steward', '{ reviewCounts { total byReason { reason count } byStatus { status count } } }');
    expect(res.errors).toBeUndefined();
    const c = res.data.reviewCounts;
    const reasons = Object.fromEntries(c.byReason.map((r: any) => [r.reason, r.count]));
    expect(reasons).toMatchObject({ POSSIBLE_MATCH: 2, AUTO_LINK_AUDIT: 1 });
    expect(c.byStatus.find((s: any) => s.status === 'OPEN').count).toBe(3);
    expect(c.total).toBe(3);
    const bogota = (await as('bogota', '{ reviewCounts { total byReason { reason count } } }')).data.reviewCounts;
    expect(bogota).toEqual({ total: 1, byReason: [{ reason: 'POSSIBLE_MATCH', count: 1 }] });
    expect((await as('reader', '{ reviewCounts { total } }')).status).toBe(403);
  });

  it('charges a count once per connection, not once per item of the page', async () => {
    // At the default API_MAX_COST (5000), a page of 50 with its count is an ordinary query.
    const res = await as('steward', '{ reviewItems(first: 50) { totalCount nodes { id } } }');
    expect(res.errors).toBeUndefined();
    const persons = await as('steward', '{ persons(first: 50) { totalCount edges { node { id } } } }');
    expect(persons.errors).toBeUndefined();
  });
});

describe('deciding needs a live claim (issue 14)', () => {
  it('answers NotClaimed (stable code) to a steward who holds no claim, and changes nothing', async () => {
    const id = String(await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafE2));
    const before = (await as('steward', 'query($id: ID!) { reviewItem(id: $id) { version status claimedBy } }', { id })).data.reviewItem;
    expect(before.claimedBy).toBeNull();
    const DECIDE = `mutation($id: ID!, $v: Int!) { decideReviewItem(id: $id, decision: DEFER, reason: "Later", expectedVersion: $v) {
      __typename ... on NotClaimed { code message item { id version } } } }`;
    const res = await as('steward', DECIDE, { id, v: before.version });
    expect(res.data.decideReviewItem).toMatchObject({ __typename: 'NotClaimed', code: 'NOT_CLAIMED', item: { id, version: before.version } });
    expect(res.data.decideReviewItem.message).not.toMatch(/changed/);
    // An expired claim of one's own is no claim either.
    const claim = await as('steward', 'mutation($id: ID!) { claimReviewItem(id: $id) { ... on ReviewItemClaimed { item { version } } } }', { id });
    await t.db.rows(sql`update review_items set claim_expires_at = now() - interval '1 minute' where id = ${Number(id)}`);
    const expired = await as('steward', DECIDE, { id, v: claim.data.claimReviewItem.item.version });
    expect(expired.data.decideReviewItem.__typename).toBe('NotClaimed');
    const after = (await as('steward', 'query($id: ID!) { reviewItem(id: $id) { version status decisions { id } } }', { id })).data.reviewItem;
    expect(after).toEqual({ version: claim.data.claimReviewItem.item.version, status: 'OPEN', decisions: [] });
  });
});

describe('the side-by-side comparison (issue 14)', () => {
  it('scores with the model that raised the item (one probability with the explanation), left = person A, right = person B', async () => {
    const id = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    // A model trained since the item was raised, scoring this pair very differently (a far smaller
    // prior): the comparison used to be scored by it while the item's explanation told the other.
    const retrained = { ...DEFAULT_PARAMETERS, lambda: 1e-12 };
    const version = compileModel(retrained).version;
    await t.db.rows(
      sql`insert into linkage_models (version, parameters, training) values (${version}, ${JSON.stringify(retrained)}::jsonb,
        ${JSON.stringify({ records: 1_000_000, tf: { givenName: [], surname: [], municipality: [] } })}::jsonb)`,
    );
    try {
      const res = await as(
        'steward',
        `query($id: ID!) { reviewItem(id: $id) { score personA { id } personB { id }
          explanation { probability matchWeight modelVersion }
          comparison { probability matchWeight modelVersion scoredWith leftSide rightSide
            current { modelVersion probability matchWeight outcome }
            leftRecord { source } rightRecord { source } leftDocument { number } rightDocument { number } } } }`,
        { id: String(id) },
      );
      expect(res.errors).toBeUndefined();
      const item = res.data.reviewItem;
      const c = item.comparison;
      expect(item.explanation.modelVersion).not.toBe(version);
      expect(c.scoredWith).toBe('RAISING_MODEL');
      expect(c.modelVersion).toBe(item.explanation.modelVersion);
      expect(c.probability).toBeCloseTo(item.explanation.probability, 6);
      expect(c.probability).toBeCloseTo(item.score, 4);
      expect(c.matchWeight).toBeCloseTo(item.explanation.matchWeight, 2);
      // Today's model's view, labelled as such.
      expect(c.current.modelVersion).toBe(version);
      expect(Math.abs(c.current.probability - c.probability)).toBeGreaterThan(1e-3);
      expect(c.current.matchWeight).toBeLessThan(c.matchWeight - 0.5);
      expect(c.leftSide).toBe('A');
      expect(c.rightSide).toBe('B');
      expect(c.leftRecord.source).toBe('SISBEN');
      expect(c.rightRecord.source).toBe('RUAF');
      expect(c.leftDocument.number).toBe(PEOPLE.A.doc);
      expect(c.rightDocument.number).toBe('4387659');
    } finally {
      await t.db.rows(sql`delete from linkage_models where version = ${version}`);
    }
  });
});

describe('an item with both sides, decided over the API', () => {
  it('shows both persons, the explanation and the field-by-field comparison (document numbers audited)', async () => {
    const id = await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    const res = await api.gql(
      `query($id: ID!) { reviewItem(id: $id) { ${ITEM} } }`,
      { id: String(id) },
      { ...bearer(tokens.steward), 'x-request-id': 'review-read-1' },
    );
    expect(res.errors).toBeUndefined();
    const item = res.data.reviewItem;
    expect(item).toMatchObject({ reason: 'POSSIBLE_MATCH', status: 'OPEN', municipalityCode: '05001' });
    expect(item.personA.fullName).toBe('MARIA DEL CARMEN MUÑOZ PEÑA');
    expect(item.personB.fullName).toBe('MARIA MUÑOZ PEÑA');
    expect(item.explanation.reasons).toContain('DIFFERENT_DOCUMENT_NUMBERS');
    // The model decided (the review band): its rule names the model version that scored the pair.
    expect(item.explanation.rule).toMatch(/^model\.fellegi_sunter\(.+\)$/);
    expect(item.explanation.contributions.map((c: any) => c.field)).toEqual(['givenNames', 'surnames', 'birthDate', 'sex', 'document', 'municipality']);
    const byField = Object.fromEntries(item.comparison.fields.map((f: any) => [f.field, f]));
    // Left is person A's record (the older person, Sisbén), right person B's (RUAF).
    expect(byField.birthDate).toMatchObject({ left: '1972-03-14', right: '1972-03-15' });
    expect(byField.surnames.right).toBe('MUÑOZ PEÑA');
    expect(item.comparison.leftDocument).toEqual({ type: 'CC', number: PEOPLE.A.doc });
    expect(item.comparison.rightDocument).toEqual({ type: 'CC', number: '4387659' });
    expect(item.comparison.leftRecord.source).toBe('SISBEN');
    const reads = await t.db.rows<{ field: string }>(sql`select field from audit_events where request_id = 'review-read-1' and action = 'read'`);
    expect(reads.filter((r) => r.field === 'ComparedDocument.number')).toHaveLength(2);
  });

  it('claim, conflict, decide SAME_PERSON, then the merged-away id resolves to the survivor and unmerge restores it', async () => {
    const id = String(await itemAbout(t.db, 'POSSIBLE_MATCH', KEYS.ruafA2));
    const bPublic = (await t.db.rows<{ public_id: string }>(sql`select public_id from persons where id = ${(await personOf(t.db, 'ruaf', KEYS.ruafA2))!}`))[0]
      .public_id;
    const aPublic = (
      await t.db.rows<{ public_id: string }>(sql`select public_id from persons where id = ${(await personOf(t.db, 'sisben', KEYS.sisbenA))!}`)
    )[0].public_id;
    const claim = await as(
      'steward',
      'mutation($id: ID!) { claimReviewItem(id: $id) { __typename ... on ReviewItemClaimed { claimedUntil item { version claimedBy } } } }',
      { id },
    );
    expect(claim.data.claimReviewItem.__typename).toBe('ReviewItemClaimed');
    const version = claim.data.claimReviewItem.item.version;
    const taken = await as('steward2', 'mutation($id: ID!) { claimReviewItem(id: $id) { __typename ... on ClaimedByOther { claimedUntil } } }', { id });
    expect(taken.data.claimReviewItem).toEqual({ __typename: 'ClaimedByOther', claimedUntil: claim.data.claimReviewItem.claimedUntil });

    const DECIDE = `mutation($id: ID!, $d: ReviewDecisionKind!, $v: Int!) { decideReviewItem(id: $id, decision: $d, reason: "Same person: typo in the number", expectedVersion: $v) {
      __typename ... on ReviewDecided { decision mergeId person { id } item { status } } ... on Conflict { currentVersion message } ... on AlreadyDecided { previousDecision { actor decision } } } }`;
    const conflict = await as('steward', DECIDE, { id, d: 'SAME_PERSON', v: version + 7 });
    expect(conflict.data.decideReviewItem).toMatchObject({ __typename: 'Conflict', currentVersion: version });
    const ok = await as('steward', DECIDE, { id, d: 'SAME_PERSON', v: version });
    expect(ok.data.decideReviewItem).toMatchObject({
      __typename: 'ReviewDecided',
      decision: 'SAME_PERSON',
      person: { id: aPublic },
      item: { status: 'DECIDED' },
    });
    const again = await as('steward2', DECIDE, { id, d: 'DIFFERENT_PERSONS', v: version + 1 });
    expect(again.data.decideReviewItem.__typename).toBe('AlreadyDecided');

    // Reliability item 23: the merged-away id still resolves to its survivor, with the merge explained.
    const p = await as(
      'steward',
      `query($id: ID!) { person(id: $id) { id mergedFrom merges { id mergedPersonId kind actor reason undoneAt } links { linkType reasons record { source } } } }`,
      { id: bPublic },
    );
    expect(p.data.person.id).toBe(aPublic);
    expect(p.data.person.mergedFrom).toEqual([bPublic]);
    expect(p.data.person.merges).toEqual([
      expect.objectContaining({
        id: ok.data.decideReviewItem.mergeId,
        mergedPersonId: bPublic,
        kind: 'steward',
        reason: 'Same person: typo in the number',
        undoneAt: null,
      }),
    ]);
    expect(p.data.person.links.map((l: any) => l.record.source).sort()).toEqual(['RUAF', 'RUAF', 'SISBEN']);

    const UNMERGE = `mutation($m: ID, $p: ID) { unmerge(mergeId: $m, personId: $p, reason: "Two people after all") { __typename ... on Unmerged { mergeId survivor { id } restored { id } } ... on MergeAlreadyUndone { mergeId } } }`;
    const reader = await as('reader', UNMERGE, { p: bPublic });
    expect(reader.status).toBe(403);
    const undone = await as('steward', UNMERGE, { p: bPublic });
    expect(undone.data.unmerge).toEqual({
      __typename: 'Unmerged',
      mergeId: ok.data.decideReviewItem.mergeId,
      survivor: { id: aPublic },
      restored: { id: bPublic },
    });
    const twice = await as('steward', UNMERGE, { m: ok.data.decideReviewItem.mergeId });
    expect(twice.data.unmerge.__typename).toBe('MergeAlreadyUndone');
    const back = await as('reader', `query($id: ID!) { person(id: $id) { id } }`, { id: bPublic });
    expect(back.data.person.id).toBe(bPublic);
    // The mutations' own audit rows (automatic) and the decision's (written with it).
    const actions = await t.db.rows<{ action: string }>(
      sql`select distinct action from audit_events where action in ('review.decide', 'person.merge', 'person.unmerge', 'mutation')`,
    );
    expect(actions.map((a) => a.action).sort()).toEqual(['mutation', 'person.merge', 'person.unmerge', 'review.decide']);
  });
});

describe('person explanation fields', () => {
  it('links, competing values and review items, with a constant number of queries', async () => {
    const q = `{ persons(first: 50) { edges { node { id links { linkType rule score reasons contributions { field level weight } matchedRecord { source } run { id state } }
      competingValues { attribute values { value source won record { source } } } reviewItems(status: [OPEN, DEFERRED, DECIDED]) { id reason } merges { id } mergedFrom } } } }`;
    const before = t.db.stats.queries;
    const res = await as('steward', q);
    const used = t.db.stats.queries - before;
    expect(res.errors).toBeUndefined();
    const people = res.data.persons.edges.map((e: any) => e.node);
    expect(people.length).toBeGreaterThan(5);
    const c = people.find((p: any) => p.links.some((l: any) => l.linkType === 'PROBABILISTIC'));
    expect(c.links.find((l: any) => l.linkType === 'PROBABILISTIC')).toMatchObject({ matchedRecord: { source: 'SISBEN' }, run: { state: 'DONE' } });
    expect(c.links.find((l: any) => l.linkType === 'PROBABILISTIC').contributions).toHaveLength(6);
    expect(c.links.find((l: any) => l.linkType === 'PROBABILISTIC').rule).toMatch(/^model\.fellegi_sunter\(fs1-/);
    expect(people.flatMap((p: any) => p.links.filter((l: any) => l.linkType === 'DETERMINISTIC').map((l: any) => l.rule))).toContain(
      'deterministic.same_document_same_names',
    );
    const birth = c.competingValues.find((v: any) => v.attribute === 'birthDate').values;
    expect(birth.map((v: any) => v.value).sort()).toEqual(['1995-06-21', '1995-06-22']);
    expect(birth.filter((v: any) => v.won)).toHaveLength(1);
    // One query per kind of data, whatever the page size: a page of 2 costs the same.
    const before2 = t.db.stats.queries;
    await as('steward', q.replace('first: 50', 'first: 2'));
    const usedForTwo = t.db.stats.queries - before2;
    // (± 1: the client's last-use stamp is written at most once a minute, by whichever request comes.)
    expect(Math.abs(usedForTwo - used)).toBeLessThanOrEqual(1);
    // Without loaders this page would cost a query per person and field (> 9 × 8).
    expect(used).toBeLessThanOrEqual(16);

    // Readers may not see review items.
    const r = await as('reader', '{ persons(first: 1) { edges { node { reviewItems { id } } } } }');
    expect(r.status).toBe(403);
  });
});

describe('reconciliation runs and links exports', () => {
  it('runs: listed for operators with counters and measured precision; started by operators only', async () => {
    const res = await as(
      'operator',
      '{ reconciliationRuns(first: 10) { nodes { id state processed pairsCompared autoLinked newPersons reviewItems mergesApplied breakerTripped modelVersion linkProbability blockingStats { rule comparisons } measuredPrecision { sampled confirmed rejected pending precision } } hasNextPage } }',
    );
    expect(res.errors).toBeUndefined();
    const runs = res.data.reconciliationRuns.nodes;
    expect(runs).toHaveLength(2);
    const ruafRun = runs[0];
    expect(ruafRun).toMatchObject({ state: 'DONE', processed: 5, linkProbability: 0.99, measuredPrecision: { sampled: 1, pending: 1, precision: null } });
    expect(ruafRun.blockingStats.length).toBeGreaterThan(0);
    const one = await as('steward', 'query($id: ID!) { reconciliationRun(id: $id) { id autoLinked } }', { id: ruafRun.id });
    expect(one.data.reconciliationRun).toEqual({ id: ruafRun.id, autoLinked: ruafRun.autoLinked });
    expect((await as('reader', '{ reconciliationRuns { nodes { id } } }')).status).toBe(403);
    expect((await as('steward', 'mutation { startReconciliation { created } }')).status).toBe(403);
    const started = await as('operator', 'mutation { startReconciliation { created run { id state trigger } } }');
    expect(started.data.startReconciliation).toMatchObject({ created: true, run: { state: 'PENDING', trigger: 'manual' } });
  });

  it('exports: requested by operators, state readable by id; stewards and readers refused', async () => {
    const res = await as('operator', 'mutation { exportLinks(source: RUAF) { id state source requestedBy } }');
    expect(res.data.exportLinks).toMatchObject({ state: 'PENDING', source: 'RUAF' });
    const got = await as('admin', 'query($id: ID!) { linksExport(id: $id) { id state rows fileName } }', { id: res.data.exportLinks.id });
    expect(got.data.linksExport.id).toBe(res.data.exportLinks.id);
    for (const who of ['steward', 'reader']) expect((await as(who, 'mutation { exportLinks { id } }')).status).toBe(403);
  });
});
