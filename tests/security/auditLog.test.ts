import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../harness';

/** The audit log cannot be rewritten: not by the hub's own role, not even by the table's owner. */
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
  it('rejects UPDATE, DELETE and TRUNCATE whatever the role (trigger)', async () => {
    const c = t.db.client;
    expect(await sqlState(c`update audit_events set actor = 'someone else'`)).toBe('42501');
    expect(await sqlState(c`delete from audit_events`)).toBe('42501');
    expect(await sqlState(c.unsafe('truncate audit_events'))).toBe('42501');
    const [{ n }] = await c<{ n: number }[]>`select count(*)::int as n from audit_events where actor = 'client:x'`;
    expect(n).toBe(1);
  });

  it('the application role of docs/security.md can insert and read audit rows but has no UPDATE, DELETE or TRUNCATE privilege', async () => {
    const role = `juntos_app_test_${randomBytes(4).toString('hex')}`;
    const c = t.db.client;
    // The grants of docs/security.md, "Database role of the hub".
    await c.unsafe(`create role ${role} nologin`);
    try {
      await c.unsafe(`grant usage on schema public to ${role};
        grant select, insert, update, delete on all tables in schema public to ${role};
        grant usage, select on all sequences in schema public to ${role};
        revoke update, delete, truncate on audit_events from ${role};`);
      const reserved = await c.reserve();
      try {
        await reserved.unsafe(`set role ${role}`);
        expect(await sqlState(reserved`insert into audit_events (actor, action, subject_type) values ('client:y', 'read', 'identifier')`)).toBe('ok');
        expect(await sqlState(reserved`select count(*) from audit_events`)).toBe('ok');
        // Privilege checks come before triggers: these fail even with the trigger dropped.
        expect(await sqlState(reserved`update audit_events set actor = 'z'`)).toBe('42501');
        expect(await sqlState(reserved`delete from audit_events`)).toBe('42501');
        expect(await sqlState(reserved.unsafe('truncate audit_events'))).toBe('42501');
        const [priv] = await reserved<{ u: boolean; d: boolean; i: boolean }[]>`
          select has_table_privilege(current_user, 'audit_events', 'UPDATE') as u, has_table_privilege(current_user, 'audit_events', 'DELETE') as d,
                 has_table_privilege(current_user, 'audit_events', 'INSERT') as i`;
        expect(priv).toEqual({ u: false, d: false, i: true });
      } finally {
        await reserved.unsafe('reset role');
        reserved.release();
      }
    } finally {
      await c.unsafe(`drop owned by ${role}; drop role ${role}`);
    }
  });
});
