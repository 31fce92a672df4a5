/**
 * Issue 17.3: the audit log is tamper-evident. Every row is chained to the previous one by a hash
 * computed in PostgreSQL on insert (one chain, whatever the concurrency); `juntos-hub audit verify`
 * recomputes the chain outside the database and names the first broken row (id and time only). A
 * rewrite by the table's owner (triggers disabled, then UPDATE, DELETE or INSERT) is detected; a
 * rewrite that also recomputes the chain is detected against an anchor kept outside the database.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditChainService, canonicalAuditRow, type ChainReport, type ChainRow } from '../../src/access';
import { AuditWriter, type AuditEntry } from '../../src/platform/db';
import { MIGRATIONS_FOLDER } from '../../src/platform/db/migrations';
import { createPgliteDatabase } from '../../src/platform/db/pglite';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import { TEST_PG_ADMIN_URL, createTestDatabase, databaseUrl, spawnCli, type TestDatabase } from '../harness';

const writer = new AuditWriter();
const CANARY = 'Canario Tamper Pérez 1017222333';

const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: `client:${i % 3}`,
  actorRole: 'steward',
  action: 'read',
  subjectType: 'identifier',
  subjectId: 'CC',
  personId: 1000 + i,
  field: 'Identifier.number',
  requestId: `r${i}`,
  ...extra,
});

let t: TestDatabase;
let chain: AuditChainService;
beforeEach(async () => {
  t = await createTestDatabase();
  chain = new AuditChainService(t.db);
});
afterEach(async () => {
  await t?.drop();
});

/** The owner's way around the append-only trigger, in one transaction. */
const asOwnerWithTriggersOff = (stmt: string) =>
  t.owner().client.begin(async (tx) => {
    await tx.unsafe('alter table audit_events disable trigger user');
    await tx.unsafe(stmt);
    await tx.unsafe('alter table audit_events enable trigger user');
  });

async function writeSome(n: number) {
  // Batched as the request flush writes them (one INSERT of many rows), and single rows.
  await writer.write(
    t.db.orm,
    Array.from({ length: n - 2 }, (_, i) => entry(i)),
  );
  await writer.write(t.db.orm, [entry(n - 2, { action: 'mutation', before: { args: { path: 'x' } }, after: null })]);
  await writer.write(t.db.orm, [entry(n - 1, { action: 'person.merge', reason: 'same person', before: { survivorId: 1, mergedId: 2 } })]);
}

const eventIds = async () => (await t.db.client<{ id: string }[]>`select id from audit_events order by chain_position`).map((r) => Number(r.id));

describe('the audit chain', () => {
  it('chains batched and concurrent writers into one chain that verifies', async () => {
    await writeSome(30);
    // Eight transactions at once, each a batch inserted as the last write of its transaction.
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        t.db.orm.transaction(async (tx) => {
          await writer.write(
            tx,
            Array.from({ length: 25 }, (_, i) => entry(100 * w + i)),
          );
        }),
      ),
    );
    // A rolled-back insert leaves no hole.
    await t.db.orm
      .transaction(async (tx) => {
        await writer.write(tx, [entry(999)]);
        throw new Error('rollback');
      })
      .catch(() => {});
    await writeSome(5);
    const report = await chain.verify({ batchSize: 17 });
    expect(report).toMatchObject({ ok: true, checked: 235, break: null, head: { position: 235 } });
    const [pos] = await t.db.client<{ n: number; min: string; max: string }[]>`
      select count(distinct chain_position)::int as n, min(chain_position) as min, max(chain_position) as max from audit_events`;
    expect(pos).toEqual({ n: 235, min: '1', max: '235' });
  });

  it('computes the same canonical text in TypeScript as in PostgreSQL, whatever the content and the session time zone', async () => {
    const nasty = [
      'comillas " y \\ barra',
      'línea\nnueva\r\ttab',
      'control \u0001\u001f\u007f y C1 \u0085',
      'emoji 👩🏽‍⚕️ y ñ, ü, 中文',
      '',
      '\u2028\u2029 / <script>',
    ];
    await t.db.orm.transaction(async (tx) => {
      await tx.execute(sql`set local timezone = 'America/Bogota'`);
      await writer.write(
        tx,
        nasty.map((s, i) =>
          entry(i, {
            actor: s,
            subjectId: s || null,
            reason: s,
            before: { s, n: 1.5, big: 9007199254740991, nested: [null, true, { 'k"': s }] },
            after: [s, 0, -0.25],
          }),
        ),
      );
    });
    await t.db.client.unsafe(`insert into audit_events (actor, action, subject_type, before) values ('x', 'read', 'identifier', '{"b": 1.50, "a": [1e3]}')`);
    const rows = await t.db.client<{ pg: string; id: string }[]>`select id, juntos_audit_canonical(e) as pg from audit_events e order by chain_position`;
    const svc = (await chain.verify()) as ChainReport;
    expect(svc.ok).toBe(true);
    expect(svc.checked).toBe(rows.length);
    // The TypeScript text of each row, read the way the verifier reads it.
    const ts = await t.db.client<Record<string, string | null>[]>`
      select id::text as id, chain_position::text as position, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "occurredAt",
             actor, actor_role as "actorRole", action, subject_type as "subjectType", subject_id as "subjectId", person_id::text as "personId", field,
             request_id as "requestId", reason, before::text as before, after::text as after
      from audit_events order by chain_position`;
    expect(ts.map((r) => canonicalAuditRow({ ...(r as unknown as ChainRow), hash: null }))).toEqual(rows.map((r) => r.pg));
  });

  describe('a rewrite by the owner (append-only trigger disabled) is detected', () => {
    const verifyBreak = async () => {
      const r = await chain.verify({ batchSize: 7 });
      expect(r.ok).toBe(false);
      return r.break!;
    };

    it('UPDATE of a row: ALTERED at that row', async () => {
      await writeSome(20);
      const ids = await eventIds();
      expect((await chain.verify()).ok).toBe(true);
      await asOwnerWithTriggersOff(`update audit_events set actor = 'client:someone-else' where id = ${ids[11]}`);
      expect(await verifyBreak()).toMatchObject({ reason: 'ALTERED', position: 12, eventId: ids[11] });
    });

    it('UPDATE of a row and its hash (recomputed with the database function): the next row breaks', async () => {
      await writeSome(20);
      const ids = await eventIds();
      // The row's own hash recomputed over its new content, as the trigger would have.
      await asOwnerWithTriggersOff(`update audit_events set reason = 'nothing happened' where id = ${ids[9]}`);
      await asOwnerWithTriggersOff(
        `update audit_events e set chain_hash = juntos_audit_digest((select chain_hash from audit_events where chain_position = 9), e) where id = ${ids[9]}`,
      );
      expect(await verifyBreak()).toMatchObject({ reason: 'ALTERED', position: 11, eventId: ids[10] });
    });

    it('DELETE of a row: MISSING before the next one', async () => {
      await writeSome(20);
      const ids = await eventIds();
      await asOwnerWithTriggersOff(`delete from audit_events where id = ${ids[4]}`);
      expect(await verifyBreak()).toMatchObject({ reason: 'MISSING', position: 5, eventId: ids[5] });
    });

    it('DELETE of the last rows: TRUNCATED after the last intact row', async () => {
      await writeSome(20);
      const ids = await eventIds();
      await asOwnerWithTriggersOff(`delete from audit_events where id in (${ids[18]}, ${ids[19]})`);
      expect(await verifyBreak()).toMatchObject({ reason: 'TRUNCATED', position: 19, eventId: ids[17] });
    });

    it('TRUNCATE: TRUNCATED at the first position', async () => {
      await writeSome(5);
      await asOwnerWithTriggersOff('truncate audit_events');
      expect(await verifyBreak()).toMatchObject({ reason: 'TRUNCATED', position: 1, eventId: null });
    });

    it('INSERT with the chain trigger disabled: UNCHAINED', async () => {
      await writeSome(5);
      await asOwnerWithTriggersOff(`insert into audit_events (actor, action, subject_type) values ('client:forged', 'read', 'identifier')`);
      const [forged] = await t.db.client<{ id: string }[]>`select id from audit_events where actor = 'client:forged'`;
      expect(await verifyBreak()).toMatchObject({ reason: 'UNCHAINED', eventId: Number(forged.id) });
    });

    it('a whole chain recomputed after the rewrite: only the anchor kept outside tells', async () => {
      await writeSome(12);
      const before = await chain.verify();
      const anchor = { position: before.head.position, hash: before.head.hash };
      expect((await chain.verify({ anchor })).ok).toBe(true);
      await asOwnerWithTriggersOff(`update audit_events set reason = 'rewritten' where chain_position = 3`);
      // The owner recomputes every hash and the head with the database's own function.
      await t.owner().client.begin(async (tx) => {
        await tx.unsafe('alter table audit_events disable trigger user');
        await tx.unsafe(`do $$ declare r audit_events; h bytea := decode(repeat('00', 32), 'hex'); begin
            for r in select * from audit_events order by chain_position loop
              h := juntos_audit_digest(h, r); update audit_events set chain_hash = h where id = r.id;
            end loop;
            update audit_chain_head set hash = h; end $$`);
        await tx.unsafe('alter table audit_events enable trigger user');
      });
      expect((await chain.verify()).ok).toBe(true);
      const r = await chain.verify({ anchor });
      expect(r).toMatchObject({ ok: false, break: { reason: 'ANCHOR_MISMATCH', position: 12 }, anchor: { ok: false } });
    });
  });

  it('`juntos-hub audit verify`: exit 0 and the head on an intact chain; exit 1 naming the row (id and time, no content) on a break', async () => {
    await writeSome(10);
    await writer.write(t.db.orm, [entry(50, { reason: CANARY, subjectId: CANARY })]);
    const env = { DATABASE_URL: t.url, LOG_LEVEL: 'silent', REDIS_URL: '' };
    const run = async (args: string[]) => {
      const c = spawnCli(['audit', 'verify', ...args], env);
      const timer = setTimeout(() => c.kill(), 60_000);
      const { code } = await c.exited;
      clearTimeout(timer);
      return { code, out: c.output() };
    };
    const ok = await run([]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/11 filas verificadas/);
    const head = /cabeza\s+(\d+:[0-9a-f]{64})/.exec(ok.out)![1];
    expect((await run(['--anchor', head, '--lang', 'en'])).out).toMatch(/anchor\s+.* OK/);

    const [row] = await t.db.client<{ id: string }[]>`select id from audit_events where reason = ${CANARY}`;
    await asOwnerWithTriggersOff(`update audit_events set reason = 'Otro Nombre' where id = ${row.id}`);
    const broken = await run(['--json']);
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.out.slice(0, broken.out.lastIndexOf('}') + 1)) as ChainReport;
    expect(report.break).toMatchObject({ reason: 'ALTERED', position: 11, eventId: Number(row.id) });
    expect(report.break!.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const human = await run([]);
    expect(human.code).toBe(1);
    expect(human.out).toContain(`evento ${row.id}`);
    for (const out of [broken.out, human.out]) {
      expect(out).not.toContain('Canario');
      expect(out).not.toContain('Otro Nombre');
      expect(out).not.toContain('1017222333');
    }
    expect((await run(['--anchor', 'nonsense'])).code).toBe(2);
  }, 180_000);
});

describe('the audit chain on existing data and in embedded mode', () => {
  const extra: { drop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const d of extra) await d.drop();
  });

  it('the migration chains the rows written before it, in id order', async () => {
    const name = `juntos_t_${process.pid}_chainmig`;
    const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    extra.push({
      drop: async () => {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    });
    // The migrations before the chain, from a copy of the folder with the journal cut there.
    const dir = await mkdtemp(join(tmpdir(), 'juntos-mig-'));
    try {
      await cp(MIGRATIONS_FOLDER, dir, { recursive: true });
      const journalPath = join(dir, 'meta/_journal.json');
      const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
      const cut = journal.entries.findIndex((e) => e.tag.endsWith('_audit_chain_columns'));
      expect(cut).toBeGreaterThan(0);
      await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
      const client = postgres(databaseUrl(name), { onnotice: () => {}, max: 1 });
      try {
        await migrate(drizzle(client), { migrationsFolder: dir });
        for (let i = 0; i < 7; i++) {
          await client`insert into audit_events (actor, action, subject_type, person_id, reason) values (${`client:${i}`}, 'read', 'identifier', ${i}, ${'ñ "' + i})`;
        }
      } finally {
        await client.end();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const db = createPostgresDatabase({ url: databaseUrl(name), poolMax: 2 });
    try {
      await db.migrate();
      await writer.write(db.orm, [entry(1), entry(2)]);
      expect(await new AuditChainService(db).verify()).toMatchObject({ ok: true, checked: 9, head: { position: 9 } });
      const rows = await db.client<{ id: string; p: string }[]>`select id, chain_position as p from audit_events order by id`;
      expect(rows.map((r) => Number(r.p))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await db.close();
    }
  });

  it('works on embedded PGlite', async () => {
    const db = await createPgliteDatabase();
    try {
      await db.migrate();
      await writer.write(db.orm, [entry(1), entry(2, { before: { s: 'ñ "x"' } })]);
      await writer.write(db.orm, [entry(3)]);
      expect(await new AuditChainService(db).verify()).toMatchObject({ ok: true, checked: 3 });
    } finally {
      await db.close();
    }
  }, 120_000);
});
