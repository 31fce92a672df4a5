import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../harness';

/** The audit log cannot be rewritten through SQL: not even by the table's owner while the trigger is on (a rewrite with it off is caught by the chain: auditChain.test.ts). */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.client`insert into audit_events (actor, actor_role, action, subject_type, person_id, field, request_id)
    values ('client:x', 'steward', 'read', 'identifier', 1, 'Identifier.number', 'r1')`;
});
afterAll(async () => {
  await t?.drop();
});

const sqlState = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('audit_events is append-only', () => {
  it('rejects UPDATE, DELETE and TRUNCATE even for the owner (trigger); the runtime role lacks the privilege (tests/security/roles.test.ts)', async () => {
    const c = t.owner().client;
    expect(await sqlState(c`update audit_events set actor = 'someone else'`)).toBe('42501');
    expect(await sqlState(c`delete from audit_events`)).toBe('42501');
    expect(await sqlState(c.unsafe('truncate audit_events'))).toBe('42501');
    const [{ n }] = await c<{ n: number }[]>`select count(*)::int as n from audit_events where actor = 'client:x'`;
    expect(n).toBe(1);
  });
});
