import postgres from 'postgres';
import { createPostgresDatabase } from '../../src/platform/db/postgres';
import { TEMPLATE_DB, TEMPLATE_PREFIX, TEST_DB_PREFIX, TEST_PG_ADMIN_URL, databaseUrl } from './env';

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
    const [exists] = await admin`select 1 from pg_database where datname = ${TEMPLATE_DB}`;
    if (!exists) {
      const building = `${TEMPLATE_DB}_building`;
      await admin.unsafe(`drop database if exists "${building}" with (force)`);
      await admin.unsafe(`create database "${building}"`);
      const db = createPostgresDatabase({ url: databaseUrl(building), poolMax: 2 });
      try {
        await db.migrate();
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
