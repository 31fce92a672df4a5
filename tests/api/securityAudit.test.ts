import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRegistry, type SeededRegistry } from '../harness/factories/registry';
import { bearer, createTestDatabase, testHub, type ApiHub, type TestDatabase } from '../harness';

let t: TestDatabase;
let api: ApiHub;
let seed: SeededRegistry;
let steward: string;
let stewardName: string;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await seedRegistry(t.db, { households: 4, membersPerHousehold: 3 });
  api = await testHub().database(t.db).http().start();
  stewardName = 'Steward de pruebas';
  steward = (await api.app.services.clients.create({ name: stewardName, role: 'steward', actor: 'test' })).token;
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

const since = new Date(Date.now() - 60_000).toISOString();
const until = () => new Date(Date.now() + 60_000).toISOString();

describe('audited reads', () => {
  it('one row per full identifier, deduplicated within a request, in one INSERT', async () => {
    const [a, b] = seed.persons;
    const res = await api.gql(
      `query($a: ID!, $b: ID!) { x: person(id: $a) { identifiers { number } } y: person(id: $a) { identifiers { number type } } z: person(id: $b) { identifiers { number } } }`,
      { a: a.publicId, b: b.publicId },
      { ...bearer(steward), 'x-request-id': 'audit-dedupe-1' },
    );
    expect(res.errors).toBeUndefined();
    const rows = await t.db.rows<{ person_id: string; field: string; x: string }>(
      sql`select person_id, field, xmin::text as x from audit_events where request_id = 'audit-dedupe-1' order by person_id`,
    );
    expect(rows.map((r) => [Number(r.person_id), r.field])).toEqual([
      [a.id, 'Identifier.number'],
      [b.id, 'Identifier.number'],
    ]);
    expect(new Set(rows.map((r) => r.x)).size).toBe(1);
  });

  it('withholds the data when the audit cannot be written', async () => {
    await t.owner().rows(
      sql.raw(`create or replace function audit_down() returns trigger language plpgsql as $$
      begin if new.request_id = 'audit-down' then raise exception 'audit store down'; end if; return new; end $$;
      create trigger audit_down before insert on audit_events for each row execute function audit_down();`),
    );
    try {
      const p = seed.persons[5];
      const res = await api.gql(`{ person(id: "${p.publicId}") { identifiers { number } } }`, undefined, { ...bearer(steward), 'x-request-id': 'audit-down' });
      expect(res.status).toBe(500);
      expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res)).not.toContain(p.docNumber);
      expect(res.data).toBeUndefined();
    } finally {
      await t.owner().rows(sql.raw(`drop trigger audit_down on audit_events`));
    }
  });
});

describe('admin questions to the audit log', () => {
  it('which persons’ identifiers did client X read between T1 and T2', async () => {
    const readers = seed.persons.slice(6, 9);
    for (const p of readers) {
      await api.gql(`{ person(id: "${p.publicId}") { identifiers { number } sourceRecords { raw } } }`, undefined, bearer(steward));
    }
    const q = `query($c: ID!, $from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
      identifierReads(client: $c, from: $from, to: $to, first: $first, after: $after) {
        nodes { person { id } fields reads firstReadAt lastReadAt } hasNextPage endCursor } }`;
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await api.gql(q, { c: stewardName, from: since, to: until(), first: 2, after });
      expect(res.errors).toBeUndefined();
      for (const n of res.data.identifierReads.nodes) {
        ids.push(n.person.id);
        expect(n.fields).toContain('Identifier.number');
      }
      if (!res.data.identifierReads.hasNextPage) break;
      after = res.data.identifierReads.endCursor;
    }
    expect(ids).toEqual(expect.arrayContaining(readers.map((p) => p.publicId)));
    expect(ids).toEqual(expect.arrayContaining([seed.persons[0].publicId, seed.persons[1].publicId]));
    const node = (await api.gql(q, { c: stewardName, from: since, to: until(), first: 50 })).data.identifierReads.nodes.find(
      (n: any) => n.person.id === readers[0].publicId,
    );
    expect(node.fields).toEqual(['Identifier.number', 'SourceRecord.raw']);
    const before = await api.gql(q, { c: stewardName, from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' });
    expect(before.data.identifierReads.nodes).toEqual([]);
    const unknown = await api.gql(q, { c: 'nobody', from: since, to: until() });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('everything held about a person, with sources, runs, merged ids and access log', async () => {
    const p = seed.persons[0]; // displaced: Sisbén, BDUA and RUV records
    const merged = seed.persons[3];
    await t.db.rows(sql`update persons set status = 'merged', merged_into_id = ${p.id} where id = ${merged.id}`);
    await api.gql(`{ person(id: "${merged.publicId}") { identifiers { number } } }`, undefined, bearer(steward));
    const res = await api.gql(
      `query($id: ID!) { personDossier(id: $id) {
        person { id fullName identifiers { type number } victimRegistrations { victimType } households { household { id } } }
        mergedIds
        sourceRecords { id source fileName line raw normalized importRunId }
        importRuns { id source fileName state }
        accessLog(first: 50) { nodes { actor actorRole action field person { id } occurredAt } } } }`,
      { id: merged.publicId },
      { 'x-request-id': 'dossier-1' },
    );
    expect(res.errors).toBeUndefined();
    const d = res.data.personDossier;
    expect(d.person.id).toBe(p.publicId);
    expect(d.person.identifiers).toEqual([{ type: p.docType, number: p.docNumber }]);
    expect(d.mergedIds).toEqual([merged.publicId]);
    expect(d.sourceRecords.map((r: any) => r.raw.startsWith('raw line ')).every(Boolean)).toBe(true);
    expect(new Set(d.sourceRecords.map((r: any) => r.source))).toEqual(new Set(['SISBEN', 'BDUA', 'RUV']));
    expect(d.importRuns.map((r: any) => Number(r.id)).sort()).toEqual(Object.values(seed.runIds).sort((x, y) => x - y));
    const log = d.accessLog.nodes;
    expect(log.some((e: any) => e.action === 'read' && e.field === 'Identifier.number' && e.actorRole === 'steward')).toBe(true);
    // The dossier request is itself audited, with the raw lines it disclosed.
    const rows = await t.db.rows<{ action: string; field: string }>(sql`select action, field from audit_events where request_id = 'dossier-1'`);
    expect(rows.map((r) => r.action)).toContain('dossier');
    expect(rows.filter((r) => r.field === 'SourceRecord.raw')).toHaveLength(d.sourceRecords.length);
  });
});

describe('audited mutations', () => {
  it('client creation and revocation through GraphQL: entity before/after, the mutation itself, never the token', async () => {
    const created = await api.gql(
      `mutation { createApiClient(name: "Gobernación del Valle", role: READER, scope: ["76"]) { token client { id name role scope { departments municipalities } } } }`,
      undefined,
      {
        'x-request-id': 'create-1',
      },
    );
    expect(created.errors).toBeUndefined();
    const { token, client } = created.data.createApiClient;
    expect(token).toMatch(/^jh_[A-Za-z0-9_-]{43}$/);
    expect(client.scope).toEqual({ departments: ['76'], municipalities: [] });
    expect((await api.gql('{ departments { code } }', undefined, bearer(token))).errors).toBeUndefined();

    const revoked = await api.gql(`mutation($id: ID!) { revokeApiClient(id: $id) { id revokedAt } }`, { id: client.id }, { 'x-request-id': 'revoke-1' });
    expect(revoked.data.revokeApiClient.revokedAt).toBeTruthy();
    expect((await api.gql('{ departments { code } }', undefined, bearer(token))).status).toBe(401);

    const rows = await t.db.rows<{ request_id: string; action: string; field: string | null; before: any; after: any; actor_role: string }>(
      sql`select request_id, action, field, before, after, actor_role from audit_events where request_id in ('create-1', 'revoke-1') order by id`,
    );
    // The request row first (committed before the action runs), the action's own row, the outcome.
    expect(rows.map((r) => [r.request_id, r.action, r.field])).toEqual([
      ['create-1', 'mutation', 'Mutation.createApiClient'],
      ['create-1', 'client.create', null],
      ['create-1', 'mutation.outcome', 'Mutation.createApiClient'],
      ['revoke-1', 'mutation', 'Mutation.revokeApiClient'],
      ['revoke-1', 'client.revoke', null],
      ['revoke-1', 'mutation.outcome', 'Mutation.revokeApiClient'],
    ]);
    expect(rows[0].before).toEqual({ arguments: { name: 'Gobernación del Valle', role: 'reader', scope: ['76'] } });
    expect(rows[1].after).toMatchObject({ name: 'Gobernación del Valle', role: 'reader', scope: { departments: ['76'], municipalities: [] } });
    expect(rows[2].after).toEqual({ outcome: { client: { id: client.id, revokedAt: null } } });
    expect(rows[4].before.revokedAt).toBeNull();
    expect(rows[4].after.revokedAt).toBeTruthy();
    expect(rows.every((r) => r.actor_role === 'admin')).toBe(true);
    const all = JSON.stringify(await t.db.rows(sql`select * from audit_events`));
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.slice(12));
  });
});
