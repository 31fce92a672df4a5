/**
 * GraphQL API latency and throughput over real HTTP, as an agency IT client sees them: a fresh
 * PostgreSQL database is filled with the demo population through the real pipeline (Sisbén, BDUA,
 * RUAF and RUV files → import → reconciliation), the hub's HTTP server (Express + Apollo, auth,
 * limits, masking and read audit all on) is started on an ephemeral port, and typical operations are
 * sent by a reader client (masked identifiers) and a steward (full identifiers: every read audited).
 * Not part of the tests.
 *
 *   npx tsx bench/api.ts [--households 2000] [--requests 300] [--concurrency 4] [--keep]
 *
 * Prints, per operation: latency p50 / p95 / p99 one request at a time, then requests/s with
 * `--concurrency` requests in flight; SQL statements per request; the peak RSS of the process.
 * The per-client rate limit is raised for the run (it would otherwise throttle the load on purpose).
 */
import { loadavg, cpus, totalmem } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { startRuntime } from '../jobs/runtime';
import { loadConfig } from '../src/platform/config';
import { createPostgresDatabase } from '../src/platform/db/postgres';
import { startHttpServer } from '../src/http/server';
import { createLogger } from '../src/platform/logger';
import { seedDemo } from '../src/cli/seedDemo';
import { TEST_PG_ADMIN_URL } from '../tests/harness/env';
import { benchArgs, KEEP_OPTION } from './args';

const { flag, num } = benchArgs(
  `GraphQL API latency and throughput over HTTP on the demo population, every guard on.
  npx tsx bench/api.ts [--households 2000] [--requests 300] [--concurrency 4] [--keep]`,
  {
    households: { type: 'string', value: 'N', help: 'households of the seeded demo population (default 2000)' },
    requests: { type: 'string', value: 'N', help: 'requests per operation (default 300)' },
    concurrency: { type: 'string', value: 'N', help: 'requests in flight for the throughput figure (default 4)' },
    keep: KEEP_OPTION,
  },
);
const households = num('households', 2000);
const requests = num('requests', 300);
const concurrency = num('concurrency', 4);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

const HOUSEHOLD_PAGE = `query HouseholdPage($after: String) {
  households(first: 100, after: $after) {
    edges { node { id zone sisbenGroup municipality { name }
      members { role { label } person { id fullName birthDate
        identifiers { type number }
        affiliations { subsystem administratorCode regime state } } } } }
    pageInfo { hasNextPage endCursor } } }`;
const PERSONS_PAGE = `query Persons($dept: String!) {
  persons(first: 20, filter: { department: $dept }) {
    edges { node { id fullName sisbenGroup healthState identifiers { type number } } } } }`;
const BY_DOCUMENT = `query ByDocument($n: String!) {
  personByDocument(type: CC, number: $n) {
    id fullName birthDate identifiers { type number }
    isDisplaced affiliations { subsystem state } households { role { label } } } }`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 1048576)} MB RAM, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const name = `juntos_bench_api_${process.pid}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url, API_RATE_LIMIT_PER_MINUTE: '100000000' });
    // db.stats.queries counts every statement the ORM sends (the same counter the API tests assert on).
    const db = createPostgresDatabase({ url, poolMax: 10 });
    await db.migrate();
    const rt = await startRuntime({ config, db, logger: createLogger({ level: 'silent' }), workers: true });
    const t0 = performance.now();
    const seeded = await seedDemo(rt.app, { households });
    await rt.drain();
    console.log(
      `seeded ${fmt(seeded.persons)} persons in ${fmt(seeded.households)} households through the pipeline in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const http = await startHttpServer(rt.app, { port: 0, host: '127.0.0.1' });
    const tokenOf = async (role: 'reader' | 'steward') =>
      (await rt.app.services.clients.create({ name: `bench-${role}`, role, scope: [], actor: 'bench' })).token;
    const tokens = { reader: await tokenOf('reader'), steward: await tokenOf('steward') };
    const docs = await db.rows<{ number: string }>(sql`select doc_number as number from person_identifiers where doc_type = 'CC' order by id limit 500`);
    const depts = await db.rows<{ d: string }>(sql`select distinct department_code as d from persons where department_code is not null`);

    const send = async (role: keyof typeof tokens, query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${http.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      if (res.status !== 200 || body.errors) throw new Error(`request failed: ${res.status} ${body.errors?.map((e) => e.extensions?.code).join(',')}`);
    };

    const operations: { label: string; role: keyof typeof tokens; query: string; vars: (i: number) => Record<string, unknown> }[] = [
      { label: 'households page of 100 + members, documents, affiliations (reader, masked)', role: 'reader', query: HOUSEHOLD_PAGE, vars: () => ({}) },
      { label: 'households page of 100 + members, documents, affiliations (steward, audited)', role: 'steward', query: HOUSEHOLD_PAGE, vars: () => ({}) },
      { label: 'persons page of 20 by department (reader)', role: 'reader', query: PERSONS_PAGE, vars: (i) => ({ dept: depts[i % depts.length].d }) },
      {
        label: 'personByDocument "1.234.567" formatting (reader)',
        role: 'reader',
        query: BY_DOCUMENT,
        vars: (i) => ({ n: Number(docs[i % docs.length].number).toLocaleString('de-DE') }),
      },
    ];

    for (const op of operations) {
      for (let i = 0; i < 10; i++) await send(op.role, op.query, op.vars(i)); // warm-up (JIT, plan cache, reference data)
      const n = op.query === HOUSEHOLD_PAGE ? Math.max(20, Math.round(requests / 5)) : requests;
      const latencies: number[] = [];
      const s0 = db.stats.queries;
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await send(op.role, op.query, op.vars(i));
        latencies.push(performance.now() - t);
      }
      const perRequest = (db.stats.queries - s0) / n;
      latencies.sort((a, b) => a - b);
      let next = 0;
      const tc = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < n; i = next++) await send(op.role, op.query, op.vars(i));
        }),
      );
      const rps = (n / (performance.now() - tc)) * 1000;
      console.log(`\n${op.label}`);
      console.log(
        `  latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (${n} requests, one at a time)`,
      );
      console.log(`  ${rps.toFixed(0)} requests/s with ${concurrency} in flight; ${perRequest.toFixed(1)} SQL statements per request`);
    }
    const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events`);
    console.log(`\naudit rows written: ${fmt(audit.n)}; peak RSS of this process (pipeline, server and client): ${fmt(peak / 1048576)} MB`);
    await http.close();
    await rt.close(500);
    await db.close();
  } finally {
    clearInterval(sampler);
    if (!flag('keep')) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
