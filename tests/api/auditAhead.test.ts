import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestDatabase, testHub, type ApiHub, type TestDatabase } from '../harness';

let t: TestDatabase;
let api: ApiHub;
let operator: string;
let inbox: string;

const counts = async () => {
  const [r] = await t.db.rows<{ exports: number; runs: number; imports: number }>(
    sql`select (select count(*)::int from links_exports) as exports, (select count(*)::int from reconciliation_runs) as runs,
               (select count(*)::int from import_runs) as imports`,
  );
  return r;
};

const ISSUE_MUTATION = 'mutation($p:String!){ a: exportLinks{id} r: startReconciliation{created} b: startImport(path:$p){created} }';

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await mkdtemp(join(tmpdir(), 'juntos-inbox-'));
  api = await testHub().database(t).config({ INBOX_DIR: inbox }).http().start();
  operator = await api.token('operator');
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
  if (inbox) await rm(inbox, { recursive: true, force: true });
});

describe('input text (issue 17.2)', () => {
  it('the issue’s mutation with a NUL variable is refused as BAD_USER_INPUT before any field runs', async () => {
    const before = await counts();
    const [{ n: auditBefore }] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events`);
    const res = await api.gql(ISSUE_MUTATION, { p: '\u0000' }, { ...bearer(operator), 'x-request-id': 'nul-1' });
    expect(res.status).toBe(400);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toContain('U+0000');
    expect(res.data).toBeUndefined();
    // Nothing ran: no export, no reconciliation, no import, and nothing half-audited.
    expect(await counts()).toEqual(before);
    const [{ n: auditAfter }] = await t.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events`);
    expect(auditAfter).toBe(auditBefore);
  });

  it('control characters in literals, nested input objects and admin filters; tab and newlines pass', async () => {
    const cases: [string, Record<string, unknown> | undefined][] = [
      ['{ auditEvents(filter: { client: "a\\u0000b" }) { nodes { id } } }', undefined],
      ['query($f: AuditEventFilter) { auditEvents(filter: $f) { nodes { id } } }', { f: { client: 'x\u0007' } }],
      ['query($f: AuditEventFilter) { auditEvents(filter: $f) { nodes { id } } }', { f: { person: '\ud800' } }],
      ['{ apiClients { id } x: apiClients(includeRevoked: true) { name } }', { unused: ['ok', 'also\u001b'] }],
    ];
    for (const [query, variables] of cases) {
      const res = await api.gql(query, variables);
      expect(res.status, query).toBe(400);
      expect(res.errors?.[0].extensions?.code, query).toBe('BAD_USER_INPUT');
    }
    const ok = await api.gql('query($f: AuditEventFilter) { auditEvents(filter: $f) { nodes { id } } }', { f: { action: 'read\tx\n' } });
    expect(ok.errors).toBeUndefined();
  });
});

describe('mutation audit ahead of the action (issue 17.2)', () => {
  it('a mutation whose audit row cannot be written does not act; earlier ones keep their rows', async () => {
    await writeFile(join(inbox, 'nada.txt'), 'x');
    await t.owner().rows(
      sql.raw(`create or replace function audit_ahead_down() returns trigger language plpgsql as $$
      begin if new.request_id = 'ahead-down' and new.field = 'Mutation.startReconciliation' then raise exception 'audit store down'; end if; return new; end $$;
      create trigger audit_ahead_down before insert on audit_events for each row execute function audit_ahead_down();`),
    );
    try {
      const before = await counts();
      const res = await api.gql(ISSUE_MUTATION, { p: 'nada.txt' }, { ...bearer(operator), 'x-request-id': 'ahead-down' });
      expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0].path).toEqual(['r']);
      expect(res.data ?? null).toBeNull();
      const after = await counts();
      // exportLinks ran (its request row was written first); startReconciliation could not be
      // audited, so neither it nor the import after it ran.
      expect(after).toEqual({ ...before, exports: before.exports + 1 });
      const rows = await t.db.rows<{ action: string; field: string }>(sql`select action, field from audit_events where request_id = 'ahead-down' order by id`);
      expect(rows).toEqual([
        { action: 'mutation', field: 'Mutation.exportLinks' },
        { action: 'mutation.outcome', field: 'Mutation.exportLinks' },
      ]);
    } finally {
      await t.owner().rows(sql.raw(`drop trigger audit_ahead_down on audit_events`));
    }
  });

  it('the request row is committed before the action writes anything; the outcome follows', async () => {
    const res = await api.gql('mutation { exportLinks { id } }', undefined, { ...bearer(operator), 'x-request-id': 'ahead-ok' });
    expect(res.errors).toBeUndefined();
    const rows = await t.db.rows<{ action: string; before: unknown; after: unknown; at: string; x: string }>(
      sql`select action, before, after, xmin::text as x from audit_events where request_id = 'ahead-ok' order by id`,
    );
    expect(rows.map((r) => [r.action, r.before, r.after])).toEqual([
      ['mutation', { arguments: {} }, null],
      ['mutation.outcome', null, { outcome: { id: res.data.exportLinks.id, state: 'pending' } }],
    ]);
    // Two transactions: the request row's committed before the export row was inserted.
    const [exp] = await t.db.rows<{ x: string }>(sql`select xmin::text as x from links_exports order by id desc limit 1`);
    expect(BigInt(rows[0].x)).toBeLessThan(BigInt(exp.x));
  });
});
