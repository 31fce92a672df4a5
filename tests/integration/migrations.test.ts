import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase } from '../../src/platform/db/pglite';
import type { Database } from '../../src/platform/db';
import { SISBEN_SUBGROUPS } from '../../src/domain/reference/sisben';
import { createTestDatabase, type TestDatabase } from '../harness';

async function referenceCounts(db: Database) {
  const [row] = await db.rows<Record<string, number>>(sql`select
    (select count(*)::int from departments) as departments,
    (select count(*)::int from municipalities) as municipalities,
    (select count(*)::int from document_types) as document_types,
    (select count(*)::int from sisben_subgroups) as sisben_subgroups,
    (select count(*)::int from victimizing_events) as victimizing_events,
    (select count(*)::int from logro_dimensions) as logro_dimensions,
    (select count(*)::int from logros_basicos) as logros_basicos,
    (select count(*)::int from kinship_roles) as kinship_roles`);
  return row;
}

const EXPECTED = {
  departments: 33,
  municipalities: 1122,
  document_types: 15,
  sisben_subgroups: 51,
  victimizing_events: 16,
  logro_dimensions: 10,
  logros_basicos: 45,
  kinship_roles: 19,
};

describe('migrations', () => {
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await createTestDatabase();
  });
  afterAll(async () => {
    await pg.drop();
  });

  it('apply on PostgreSQL and seed the reference data', async () => {
    expect(await referenceCounts(pg.db)).toEqual(EXPECTED);
    expect(SISBEN_SUBGROUPS).toHaveLength(51);
  });

  it('are idempotent and safe when several processes migrate at once', async () => {
    const { createPostgresDatabase } = await import('../../src/platform/db/postgres');
    const others = [1, 2, 3].map(() => createPostgresDatabase({ url: pg.ownerUrl, poolMax: 2 }));
    await Promise.all(others.map((d) => d.migrate()));
    await Promise.all(others.map((d) => d.close()));
    const [{ n }] = await pg.db.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = (await import('../../migrations/meta/_journal.json', { with: { type: 'json' } })).default;
    expect(n).toBe(journal.entries.length);
  });

  it('keep DIVIPOLA codes as strings with leading zeros and the 2019–2022 changes', async () => {
    const rows = await pg.db.rows<{ code: string; name: string }>(
      sql`select code, name from municipalities where code in ('05001', '27493', '94343', '94663', '11001') order by code`,
    );
    expect(rows.map((r) => r.code)).toEqual(['05001', '11001', '27493', '94343']);
  });

  it('generate time-ordered version-7 public ids', async () => {
    const rows = await pg.db.rows<{ u: string }>(sql`select juntos_uuid_v7()::text as u from generate_series(1, 3)`);
    for (const { u } of rows) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(rows[0].u.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('apply on embedded PGlite with the same result', async () => {
    const lite = await createPgliteDatabase();
    try {
      await lite.migrate();
      expect(await referenceCounts(lite)).toEqual(EXPECTED);
    } finally {
      await lite.close();
    }
  });
});
