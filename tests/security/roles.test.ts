/**
 * Issue 17.3: the hub really runs under a least-privilege runtime role. Every test database is
 * migrated by the owner role and used by the runtime role with the grants of docs/security.md
 * (src/platform/db/roles.ts, applied by the harness's global setup). This file proves what that
 * role cannot do to the audit log, that imports (first-snapshot bulk path included), reconciliation
 * and the API work under it, and that the CLI starts under it without DDL — and says what to run
 * when migrations are pending.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditWriter, runtimeGrants } from '../../src/platform/db';
import { createLogger } from '../../src/platform/logger';
import { TEST_RUNTIME_ROLE, bearer, spawnCli, testHub, waitFor, type ApiHub } from '../harness';

let hub: ApiHub;
const logLines: string[] = [];
beforeAll(async () => {
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void logLines.push(s) } as never });
  // Chunks small enough that a first snapshot of 10,000+ rows takes the bulk path.
  hub = await testHub().pipelineDefaults().config({ IMPORT_CHUNK_SIZE: '2000' }).logger(logger).workers().http().start();
});
afterAll(async () => {
  await hub?.close();
});

const sqlState = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('the runtime role', () => {
  it('is what the hub connects as, and owns no table', async () => {
    const [me] = await hub.db.rows<{ me: string; owned: number; superuser: boolean }>(sql`select current_user as me,
      (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relowner = (select oid from pg_roles where rolname = current_user)) as owned,
      (select rolsuper from pg_roles where rolname = current_user) as superuser`);
    expect(me).toEqual({ me: TEST_RUNTIME_ROLE, owned: 0, superuser: false });
  });

  it('cannot update, delete, truncate, alter or disable the triggers of the audit log, nor touch its chain head', async () => {
    const c = hub.database!.db.client;
    await new AuditWriter().write(hub.db.orm, [{ actor: 'client:t', action: 'read', subjectType: 'identifier' }]);
    for (const stmt of [
      `update audit_events set actor = 'x'`,
      `delete from audit_events`,
      `truncate audit_events`,
      `alter table audit_events disable trigger user`,
      `alter table audit_events disable trigger audit_events_no_update`,
      `drop trigger audit_events_zz_chain on audit_events`,
      `alter table audit_events drop column chain_hash`,
      `drop table audit_events`,
      `update audit_chain_head set position = 0`,
      `delete from audit_chain_head`,
      `create table public.sneaky (x int)`,
      `create or replace function juntos_audit_chain() returns trigger language plpgsql as $$ begin return new; end $$`,
      `select juntos_bulk_drop_secondary(array['audit_events']::regclass[])`,
      `select juntos_bulk_drop_keys(array['audit_events']::regclass[])`,
      `select juntos_analyze(array['pg_catalog.pg_class']::regclass[])`,
    ]) {
      expect([stmt, await sqlState(c.unsafe(stmt))]).toEqual([stmt, '42501']);
    }
    // Ownership is what ALTER/DISABLE TRIGGER need; privileges are checked before the append-only trigger.
    const [priv] = await c<{ u: boolean; d: boolean; t: boolean; i: boolean; s: boolean }[]>`
      select has_table_privilege('audit_events', 'UPDATE') as u, has_table_privilege('audit_events', 'DELETE') as d,
             has_table_privilege('audit_events', 'TRUNCATE') as t, has_table_privilege('audit_events', 'INSERT') as i,
             has_table_privilege('audit_events', 'SELECT') as s`;
    expect(priv).toEqual({ u: false, d: false, t: false, i: true, s: true });
    expect((await hub.app.services.auditChain.verify()).ok).toBe(true);
  });

  it('gets on tables a later migration adds the same privileges, by default privileges (other features need not know about roles)', async () => {
    const owner = hub.database!.owner();
    await owner.rows(sql.raw(`create table later_feature (id bigint generated always as identity primary key, note text)`));
    const c = hub.database!.db.client;
    expect(await sqlState(c`insert into later_feature (note) values ('x')`)).toBe('ok');
    expect(await sqlState(c`update later_feature set note = 'y'`)).toBe('ok');
    expect(await sqlState(c`delete from later_feature`)).toBe('ok');
    expect(await sqlState(c.unsafe(`alter table later_feature add column z int`))).toBe('42501');
  });

  it('runs imports (first snapshot by the bulk path, then the incremental path), reconciliation and the API', { timeout: 300_000 }, async () => {
    const owner = hub.database!.owner();
    const shape = async () =>
      (
        await owner.rows<{ idx: number; fks: number; left: number }>(sql`select
          (select count(*)::int from pg_index where indrelid = any (array['source_entities', 'source_records', 'households', 'household_memberships']::regclass[])) as idx,
          (select count(*)::int from pg_constraint where contype = 'f' and conrelid = any (array['source_entities', 'source_records', 'households', 'household_memberships']::regclass[])) as fks,
          (select count(*)::int from juntos_bulk_dropped) as left`)
      )[0];
    const before = await shape();
    const first = await hub.generate('sisben_roles.csv', { source: 'sisben', rows: 10_500, seed: 171 });
    const run = await hub.importFile(first.path, 'sisben');
    expect(run.state).toBe('done');
    expect(logLines.some((l) => l.includes('first snapshot of the source bulk-loaded'))).toBe(true);
    // The owner's functions dropped and rebuilt every secondary index and foreign key, and left no notes.
    expect(await shape()).toEqual({ ...before, left: 0 });
    expect(before.idx).toBeGreaterThan(4);
    // Analyzed by the owner's function (statistics reach other sessions within a second or so).
    await waitFor(
      'source_entities analyzed',
      async () => {
        const [stats] = await hub.db.rows<{ analyzed: boolean }>(
          sql`select last_analyze is not null as analyzed from pg_stat_user_tables where relname = 'source_entities'`,
        );
        return stats.analyzed;
      },
      10_000,
    );
    // A later extract takes the chunked path (staging tables in juntos_staging, owned by the runtime role).
    const second = await hub.generate('sisben_roles_2.csv', { source: 'sisben', rows: 10_500, seed: 171, changes: { added: 20, changed: 30, removed: 15 } });
    expect((await hub.importFile(second.path, 'sisben')).state).toBe('done');
    const [rec] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from reconciliation_runs where state = 'done'`);
    expect(rec.n).toBeGreaterThan(0);
    const [persons] = await hub.db.rows<{ n: number }>(sql`select count(*)::int as n from persons`);
    expect(persons.n).toBeGreaterThan(0);
    const steward = await hub.token('steward');
    const res = await hub.gql(`{ persons(first: 3) { edges { node { id identifiers { number } } } } }`, undefined, bearer(steward));
    expect(res.errors).toBeUndefined();
    expect(res.data.persons.edges.length).toBeGreaterThan(0);
    expect((await hub.app.services.auditChain.verify()).ok).toBe(true);
  });

  it('the CLI starts under it without DDL; pending migrations give one line saying what to run', async () => {
    const run = async (env: Record<string, string>) => {
      const c = spawnCli(['audit', 'verify', '--json'], { LOG_LEVEL: 'silent', REDIS_URL: '', ...env });
      const timer = setTimeout(() => c.kill(), 60_000);
      const r = await c.exited;
      clearTimeout(timer);
      return { code: r.code, out: c.output() };
    };
    const ok = await run({ DATABASE_URL: hub.database!.url });
    expect(ok.code, ok.out).toBe(0);
    // A migration the runtime role has not seen applied: it cannot apply it, and says so in one line.
    const owner = hub.database!.owner().client;
    const [last] = await owner<{ id: number; created_at: string }[]>`select id, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    await owner`update drizzle.__drizzle_migrations set created_at = 0 where id = ${last.id}`;
    try {
      const pending = await run({ DATABASE_URL: hub.database!.url });
      expect(pending.code).toBe(3);
      const lines = pending.out.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/migration\(s\) pending and role "juntos_test_app" cannot apply them: run `juntos-hub migrate` with DATABASE_OWNER_URL/);
      expect(pending.out).not.toMatch(/CREATE SCHEMA|at .*\.ts|Error:/);
      // With the owner's URL the same start applies it (as the owner) and refreshes the grants.
      const migrated = await run({ DATABASE_URL: hub.database!.url, DATABASE_OWNER_URL: hub.database!.ownerUrl });
      expect(migrated.code, migrated.out).toBe(0);
      const [{ n }] = await owner<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations where created_at > 0`;
      expect(n).toBeGreaterThan(0);
    } finally {
      await owner`delete from drizzle.__drizzle_migrations where created_at = 0`;
    }
  }, 180_000);

  it('docs/security.md lists exactly the grants the tests run', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    for (const stmt of runtimeGrants('juntos_app', 'juntos_owner')) expect(doc).toContain(`${stmt};`);
  });
});
