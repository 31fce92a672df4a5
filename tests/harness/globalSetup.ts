import postgres from 'postgres';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import { grantRuntimeRole } from '../../src/platform/db/roles';
import { TEMPLATE_DB, TEMPLATE_PREFIX, TEST_DB_PREFIX, TEST_OWNER_ROLE, TEST_PG_ADMIN_URL, TEST_RUNTIME_ROLE, databaseUrl } from './env';

const SETUP_LOCK = 0x6a74657374; // "jtest"
const KEPT_TEMPLATES = 8;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the migrated template database once per set of migrations; every test file clones it
 * (CREATE DATABASE ... TEMPLATE takes ~100 ms), so files run isolated and in parallel on the real
 * PostgreSQL. Databases left behind by crashed runs (their process is gone) are dropped.
 */
export default async function setup() {
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  try {
    await admin`select pg_advisory_lock(${SETUP_LOCK})`;
    const dbs = await admin<{ datname: string }[]>`select datname from pg_database where datname like 'juntos\\_%' order by oid desc`;
    // Several checkouts of the project (branches with other migrations) may test at once on this
    // PostgreSQL: keep the most recent templates, drop only the older ones.
    const templates = dbs.filter((d) => d.datname.startsWith(TEMPLATE_PREFIX) && !d.datname.endsWith('_building')).map((d) => d.datname);
    const keep = new Set([TEMPLATE_DB, ...templates.slice(0, KEPT_TEMPLATES)]);
    for (const { datname } of dbs) {
      const pid = datname.startsWith(TEST_DB_PREFIX) ? Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]) : NaN;
      const staleClone = datname.startsWith(TEST_DB_PREFIX) && !alive(pid);
      const staleTemplate = datname.startsWith(TEMPLATE_PREFIX) && !keep.has(datname) && !datname.endsWith('_building');
      if (staleClone || staleTemplate) await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
    // The two roles of docs/security.md (no attributes: the owner is no superuser and cannot create roles).
    for (const role of [TEST_OWNER_ROLE, TEST_RUNTIME_ROLE]) {
      const [has] = await admin`select 1 from pg_roles where rolname = ${role}`;
      if (!has) await admin.unsafe(`create role "${role}" login`).catch((e: { code?: string }) => (e.code === '42710' ? undefined : Promise.reject(e)));
    }
    const [exists] = await admin`select 1 from pg_database where datname = ${TEMPLATE_DB}`;
    if (!exists) {
      const building = `${TEMPLATE_DB}_building`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}" owner "${TEST_OWNER_ROLE}"`);
      // Migrated as the owner, then the runtime role's grants (the same as docs/security.md gives).
      const db = createPostgresDatabase({ url: databaseUrl(building, TEST_OWNER_ROLE), poolMax: 2 });
      try {
        await db.migrate();
        await grantRuntimeRole(db.client, TEST_RUNTIME_ROLE);
      } finally {
        await db.close();
      }
      await admin.unsafe(`alter database "${building}" rename to "${TEMPLATE_DB}"`);
    }
  } finally {
    await admin`select pg_advisory_unlock(${SETUP_LOCK})`.catch(() => {});
    await admin.end();
  }
}
