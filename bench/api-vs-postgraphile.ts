/**
 * The hub against PostGraphile on one database, over real HTTP: what an agency IT team would
 * otherwise do is point PostGraphile at the registry, so the hub must be at least as fast with every
 * guard on.
 *
 * A fresh PostgreSQL database is filled with the demo population through the real pipeline (Sisbén,
 * BDUA, RUAF and RUV files → import → reconciliation; 6,600 persons in ~2,000 households). Two
 * child processes serve it: the hub's API process (bench/servers/hub.ts: production mode, token auth,
 * roles, territorial scopes, masking, read audit, depth/alias/cost limits, rate limiter, deadlines)
 * and PostGraphile 5 with the Amber preset (bench/servers/postgraphile.ts: every table, no auth, no
 * limits). autocannon drives the same operations, with equivalent selections, at each concurrency
 * for a warm-up and then a measured interval, one server at a time.
 *
 *   npx tsx bench/api-vs-postgraphile.ts [--duration 12] [--warmup 3] [--connections 8,32]
 *       [--cases households,persons,byDocument,byDocumentSteward,reviewQueue,lookup]
 *       [--database NAME (reuse a seeded database; it is kept)] [--keep] [--households 2000]
 *
 * The hub serves a **reader** client scoped to all 33 departments (so the scope predicate runs on
 * every path while the rows equal PostGraphile's; identifiers come back masked), a steward for the
 * review queue, and a steward for the audited variant of the document lookup. The rate limiter stays
 * on: the hub process is started with API_RATE_LIMIT_PER_MINUTE=100000000 (its ordinary setting, the
 * schema's maximum), and only the bench's clients ever call that process. The in-flight cap stays on
 * too, at twice the largest client count (API_MAX_CONCURRENT_REQUESTS; see MAX_IN_FLIGHT).
 *
 * Throughput counts successful responses only (HTTP 200 without errors): a refused or failed
 * request is reported as a failure, never as a served one.
 *
 * Prints per case and concurrency: req/s, p50 and p99 latency of both servers and the hub/PostGraphile
 * throughput ratio; SQL statements per request of the hub (its drizzle counter) and transactions per
 * request of each server (pg_stat_database, which counts every autocommit statement); CPU
 * milliseconds per request of each server process and of the PostgreSQL backends serving it; and the
 * peak RSS (VmHWM) of both server processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { startRuntime } from '../jobs/runtime';
import { loadConfig } from '../src/platform/config';
import { createPostgresDatabase } from '../src/platform/db/postgres';
import { createLogger } from '../src/platform/logger';
import { seedDemo } from '../src/cli/seedDemo';
import { TEST_PG_ADMIN_URL } from '../tests/harness/env';
import { benchArgs, KEEP_OPTION } from './args';

const { arg, flag, num } = benchArgs(
  `The hub against PostGraphile 5 (Amber preset) on one database over HTTP: req/s, p50 and p99, ratio, CPU per request.
  npx tsx bench/api-vs-postgraphile.ts [--duration 12] [--warmup 3] [--connections 8,32] [--cases households,persons,...]`,
  {
    duration: { type: 'string', value: 'S', help: 'measured seconds per case and concurrency (default 12)' },
    warmup: { type: 'string', value: 'S', help: 'warm-up seconds before each measurement (default 3)' },
    connections: { type: 'string', value: 'N,N', help: 'client counts (default 8,32)' },
    cases: { type: 'string', value: 'LIST', help: 'households, persons, byDocument, byDocumentSteward, reviewQueue, lookup (default all)' },
    households: { type: 'string', value: 'N', help: 'households of the seeded demo population (default 2000)' },
    database: { type: 'string', value: 'NAME', help: 'reuse a seeded database (it is kept)' },
    keep: KEEP_OPTION,
  },
);
const duration = num('duration', 12);
const warmup = num('warmup', 3);
const concurrencies = (arg('connections') ?? '8,32').split(',').map(Number);
const householdsToSeed = num('households', 2000);
const reuse = arg('database');
const RATE_LIMIT_PER_MINUTE = '100000000';
/**
 * The hub's in-flight cap (API_MAX_CONCURRENT_REQUESTS, default 16) stays on, set to twice the
 * largest client count: at its default, 32 clients get 503 SERVER_BUSY for half their requests,
 * and a refused request is not a served one.
 */
const MAX_IN_FLIGHT = String(2 * Math.max(...concurrencies));
/** Documents per lookup request: the hub's page cap (API_MAX_PAGE_SIZE) and alias limit are 100. */
const LOOKUP_BATCH = 100;

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

// ---------------------------------------------------------------------------------------------------
// The operations. Each case has the hub's query and PostGraphile's with the same data selected
// (PostGraphile has no computed full name, masking or life-cycle document matching: it returns the
// four name columns, raw numbers and exact matches), and a count of returned rows that must agree.

type Vars = Record<string, unknown>;
interface Side {
  query: string;
  vars: (i: number) => Vars;
  /** Rows in a response (persons, identifiers, affiliations …): the same for both servers. */
  rows: (data: any) => number;
}
interface Case {
  key: string;
  label: string;
  role: 'reader' | 'steward';
  hub: Side;
  pgl: Side;
  /** Rows each request stands for, when reporting rows per second (the lookup). */
  perRequest?: number;
}

const NAMES = 'firstName secondName firstSurname secondSurname';
const len = (x: unknown[] | null | undefined) => x?.length ?? 0;
const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

function buildCases(fixtures: { departments: string[]; documents: string[] }): Case[] {
  const { departments, documents } = fixtures;
  const doc = (i: number) => documents[i % documents.length];
  const lookupVars = (i: number) => Object.fromEntries(Array.from({ length: LOOKUP_BATCH }, (_, k) => [`d${k}`, doc(i * LOOKUP_BATCH + k)]));
  const lookupVarDecls = Array.from({ length: LOOKUP_BATCH }, (_, k) => `$d${k}: String!`).join(', ');

  const hubPerson = (p: any) => 1 + len(p?.identifiers) + len(p?.affiliations) + len(p?.households);
  const pglPerson = (p: any) =>
    1 + len(p?.personIdentifiersByPersonId?.nodes) + len(p?.affiliationsByPersonId?.nodes) + len(p?.householdMembershipsByPersonId?.nodes);

  return [
    {
      key: 'households',
      label: 'households page of 100 + members, documents, affiliations',
      role: 'reader',
      hub: {
        query: `query HouseholdPage { households(first: 100) {
          edges { node { id zone sisbenGroup municipality { name }
            members { role { label } person { id fullName birthDate
              identifiers { type number }
              affiliations { subsystem administratorCode regime state } } } } }
          pageInfo { hasNextPage endCursor } } }`,
        vars: () => ({}),
        rows: (d) => sum(d.households.edges, (e: any) => 1 + sum(e.node.members, (m: any) => hubPerson(m.person))),
      },
      pgl: {
        query: `query HouseholdPage { allHouseholds(first: 100, orderBy: PRIMARY_KEY_ASC) {
          edges { node { publicId zone sisbenGroup municipalityByMunicipalityCode { name }
            householdMembershipsByHouseholdId { nodes { kinshipRoleByRole { label } personByPersonId { publicId ${NAMES} birthDate
              personIdentifiersByPersonId { nodes { docType docNumber } }
              affiliationsByPersonId { nodes { subsystem administratorCode regime state } } } } } } }
          pageInfo { hasNextPage endCursor } } }`,
        vars: () => ({}),
        rows: (d) => sum(d.allHouseholds.edges, (e: any) => 1 + sum(e.node.householdMembershipsByHouseholdId.nodes, (m: any) => pglPerson(m.personByPersonId))),
      },
    },
    {
      key: 'persons',
      label: 'persons page of 20 by department',
      role: 'reader',
      hub: {
        query: `query Persons($dept: String!) { persons(first: 20, filter: { department: $dept }) {
          edges { node { id fullName sisbenGroup healthState identifiers { type number } } }
          pageInfo { hasNextPage endCursor } } }`,
        vars: (i) => ({ dept: departments[i % departments.length] }),
        rows: (d) => sum(d.persons.edges, (e: any) => hubPerson(e.node)),
      },
      pgl: {
        query: `query Persons($dept: String!) { allPeople(first: 20, condition: { departmentCode: $dept }, orderBy: PRIMARY_KEY_ASC) {
          edges { node { publicId ${NAMES} sisbenGroup healthState personIdentifiersByPersonId { nodes { docType docNumber } } } }
          pageInfo { hasNextPage endCursor } } }`,
        vars: (i) => ({ dept: departments[i % departments.length] }),
        rows: (d) => sum(d.allPeople.edges, (e: any) => pglPerson(e.node)),
      },
    },
    ...(['reader', 'steward'] as const).map((role): Case => ({
      key: role === 'reader' ? 'byDocument' : 'byDocumentSteward',
      label: role === 'reader' ? 'personByDocument' : 'personByDocument, steward (full numbers, audited)',
      role,
      hub: {
        query: `query ByDocument($n: String!) { personByDocument(type: CC, number: $n) {
            id fullName birthDate identifiers { type number } isDisplaced
            affiliations { subsystem state } households { role { label } } } }`,
        vars: (i) => ({ n: doc(i) }),
        rows: (d) => (d.personByDocument ? hubPerson(d.personByDocument) : 0),
      },
      pgl: {
        query: `query ByDocument($n: String!) { allPersonIdentifiers(condition: { docType: "CC", docNumber: $n }) {
            nodes { personByPersonId { publicId ${NAMES} birthDate personIdentifiersByPersonId { nodes { docType docNumber } } isDisplaced
              affiliationsByPersonId { nodes { subsystem state } } householdMembershipsByPersonId { nodes { kinshipRoleByRole { label } } } } } } }`,
        vars: (i) => ({ n: doc(i) }),
        rows: (d) => sum(d.allPersonIdentifiers.nodes, (n: any) => pglPerson(n.personByPersonId)),
      },
    })),
    {
      key: 'reviewQueue',
      label: 'review-queue page of 20 with both persons (steward)',
      role: 'steward',
      hub: {
        query: `query Queue { reviewItems(first: 20) { nodes { id reason status score createdAt
          personA { id fullName birthDate } personB { id fullName birthDate } } hasNextPage endCursor } }`,
        vars: () => ({}),
        rows: (d) => sum(d.reviewItems.nodes, (n: any) => 1 + (n.personA ? 1 : 0) + (n.personB ? 1 : 0)),
      },
      pgl: {
        query: `query Queue { allReviewItems(first: 20, condition: { status: open }, orderBy: PRIMARY_KEY_ASC) { nodes { rowId reason status score createdAt
          personByPersonAId { publicId ${NAMES} birthDate } personByPersonBId { publicId ${NAMES} birthDate } } pageInfo { hasNextPage endCursor } } }`,
        vars: () => ({}),
        rows: (d) => sum(d.allReviewItems.nodes, (n: any) => 1 + (n.personByPersonAId ? 1 : 0) + (n.personByPersonBId ? 1 : 0)),
      },
    },
    {
      key: 'lookup',
      label: `1,000-document lookup, as ${1000 / LOOKUP_BATCH} requests of ${LOOKUP_BATCH}`,
      role: 'reader',
      perRequest: LOOKUP_BATCH,
      // The batch lookup: one personsByDocuments request of LOOKUP_BATCH documents (one SQL statement).
      hub: {
        query: `query Lookup($docs: [DocumentInput!]!) { personsByDocuments(documents: $docs) { index status person { id fullName birthDate sisbenGroup healthState } } }`,
        vars: (i) => ({ docs: Object.values(lookupVars(i)).map((number) => ({ type: 'CC', number })) }),
        rows: (d) => d.personsByDocuments.filter((r: any) => r.person).length,
      },
      pgl: {
        query: `query Lookup(${lookupVarDecls}) { ${Array.from(
          { length: LOOKUP_BATCH },
          (_, k) =>
            `p${k}: allPersonIdentifiers(condition: { docType: "CC", docNumber: $d${k} }) { nodes { personByPersonId { publicId ${NAMES} birthDate sisbenGroup healthState } } }`,
        ).join(' ')} }`,
        vars: lookupVars,
        rows: (d) => sum(Object.values(d) as any[], (c) => c.nodes.length),
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Server processes

interface Server {
  name: 'hub' | 'PostGraphile';
  url: string;
  child: ChildProcess;
}

async function startServer(name: Server['name'], script: string, env: Record<string, string>): Promise<Server> {
  const child = fork(join(import.meta.dirname, 'servers', script), [], {
    // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each server (open it in Chrome DevTools).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m?.type === 'ready' && m.url) {
        clearTimeout(timer);
        resolve(m.url);
      }
    });
  });
  return { name, url, child };
}

function hubQueries(hub: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hub did not report its statement counter')), 10_000);
    const onMessage = (m: { type?: string; queries?: number }) => {
      if (m?.type !== 'stats') return;
      clearTimeout(timer);
      hub.child.off('message', onMessage);
      resolve(m.queries!);
    };
    hub.child.on('message', onMessage);
    hub.child.send({ type: 'stats' });
  });
}

/** utime + stime of a process, in milliseconds. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.send({ type: 'stop' });
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------------

async function post(url: string, token: string | null, query: string, variables: Vars): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  if (res.status !== 200 || body.errors) {
    throw new Error(`request failed: HTTP ${res.status} ${body.errors?.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
  }
  return body.data;
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  cpuPerRequest: number;
  /** CPU of the PostgreSQL backends, per request. */
  pgCpuPerRequest: number;
  xactPerRequest: number;
  hubStatements?: number;
}

async function main() {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `machine: ${machine}; load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  const admin = postgres(TEST_PG_ADMIN_URL, { onnotice: () => {}, max: 1 });
  const name = reuse ?? `juntos_bench_pgl_${process.pid}`;
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const dataDir = await mkdtemp(join(tmpdir(), 'juntos-bench-'));
  const servers: Server[] = [];
  try {
    if (!reuse) await admin.unsafe(`create database "${name}"`);

    // Seed (or reuse) and create the bench's clients, in this process; then leave the database to the servers.
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url, DATA_DIR: dataDir });
    const db = createPostgresDatabase({ url, poolMax: 10 });
    await db.migrate();
    const rt = await startRuntime({ config, db, logger: createLogger({ level: 'silent' }), workers: true });
    const t0 = performance.now();
    const seeded = await seedDemo(rt.app, { households: householdsToSeed });
    await rt.drain();
    console.log(
      seeded.skipped
        ? `database ${name}: reusing ${fmt(seeded.persons)} persons`
        : `seeded ${fmt(seeded.persons)} persons in ${fmt(seeded.households)} households through the pipeline in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Statistics, as autovacuum would have them on a deployment (the test server runs with
    // autovacuum off): without them both servers' statements get plans for empty tables (the
    // persons page read every person of the department and sorted them).
    await db.rows(sql`analyze`);
    const departments = (await db.rows<{ d: string }>(sql`select distinct department_code as d from persons where department_code is not null order by 1`)).map(
      (r) => r.d,
    );
    const allDepartments = (await db.rows<{ code: string }>(sql`select code from departments order by 1`)).map((r) => r.code);
    // CC numbers held by one person and by no other document of anyone else: both servers find exactly that person.
    const documents = (
      await db.rows<{ n: string }>(sql`
        select doc_number as n from person_identifiers i
        where doc_type = 'CC' and not exists (select 1 from person_identifiers o where o.doc_number = i.doc_number and o.person_id <> i.person_id)
        order by md5(doc_number)`)
    ).map((r) => r.n);
    const suffix = String(process.pid);
    const create = async (role: 'reader' | 'steward', scope: string[]) =>
      (await rt.app.services.clients.create({ name: `bench-${role}-${suffix}`, role, scope, actor: 'bench' })).token;
    const tokens = { reader: await create('reader', allDepartments), steward: await create('steward', []) };
    await rt.close(500);
    await db.close();
    console.log(
      `${departments.length} departments, ${fmt(documents.length)} unambiguous CC documents; reader scoped to all ${allDepartments.length} departments`,
    );

    const hub = await startServer('hub', 'hub.ts', {
      DATABASE_URL: url,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      API_RATE_LIMIT_PER_MINUTE: RATE_LIMIT_PER_MINUTE,
      API_MAX_CONCURRENT_REQUESTS: MAX_IN_FLIGHT,
    });
    servers.push(hub);
    const pgl = await startServer('PostGraphile', 'postgraphile.ts', { DATABASE_URL: url, NODE_ENV: 'production' });
    servers.push(pgl);
    console.log(`hub at ${hub.url} (pid ${hub.child.pid}), PostGraphile at ${pgl.url} (pid ${pgl.child.pid})`);

    const xacts = async () => {
      await admin`select pg_stat_force_next_flush()`.catch(() => {});
      await admin`select pg_stat_clear_snapshot()`;
      const [r] = await admin<{ n: string }[]>`select xact_commit + xact_rollback as n from pg_stat_database where datname = ${name}`;
      return Number(r.n);
    };

    // CPU of the PostgreSQL backends serving the bench database (the servers' pools keep them open).
    const backendCpu = async (): Promise<Map<number, number>> => {
      const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name} and backend_type = 'client backend'`;
      const out = new Map<number, number>();
      for (const { pid } of pids) out.set(pid, await cpuMs(pid).catch(() => 0));
      return out;
    };
    const cpuDelta = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((t, [pid, ms]) => t + ms - (a.get(pid) ?? 0), 0);

    const only = arg('cases')?.split(',');
    const cases = buildCases({ departments, documents }).filter((c) => !only || only.includes(c.key));
    const results: { c: Case; connections: number; hub: Measure; pgl: Measure }[] = [];

    for (const c of cases) {
      // Same rows from both, or the comparison means nothing.
      const hubData = await post(hub.url, tokens[c.role], c.hub.query, c.hub.vars(0));
      const pglData = await post(pgl.url, null, c.pgl.query, c.pgl.vars(0));
      const rows = { hub: c.hub.rows(hubData), pgl: c.pgl.rows(pglData) };
      console.log(`\n${c.label}: ${rows.hub} rows from the hub, ${rows.pgl} from PostGraphile`);
      if (rows.hub !== rows.pgl || rows.hub === 0) throw new Error(`${c.key}: the servers return different rows (${rows.hub} vs ${rows.pgl})`);

      for (const connections of concurrencies) {
        const measured: Partial<Record<'hub' | 'pgl', Measure>> = {};
        for (const [key, server, side, token] of [
          ['hub', hub, c.hub, tokens[c.role]],
          ['pgl', pgl, c.pgl, null],
        ] as const) {
          // A pool of request bodies, cycled: documents and departments vary from request to request.
          const bodies = Array.from({ length: 512 }, (_, i) => JSON.stringify({ query: side.query, variables: side.vars(i) }));
          let next = 0;
          let failures = 0;
          const run = (seconds: number) =>
            autocannon({
              url: server.url,
              connections,
              duration: seconds,
              // A slow answer is a data point, not a failure (autocannon's default gives up at 10 s).
              timeout: 120,
              requests: [
                {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
                  setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
                  onResponse: (status, body) => {
                    if (status !== 200 || body.includes('"errors"')) failures++;
                  },
                },
              ],
            });
          await run(warmup);
          failures = 0;
          const [cpu0, x0, q0, pg0] = await Promise.all([cpuMs(server.child.pid!), xacts(), key === 'hub' ? hubQueries(hub) : 0, backendCpu()]);
          const r = await run(duration);
          const [cpu1, x1, q1, pg1] = await Promise.all([cpuMs(server.child.pid!), xacts(), key === 'hub' ? hubQueries(hub) : 0, backendCpu()]);
          const n = r.requests.total;
          const failed = failures + r.errors + r.timeouts;
          measured[key] = {
            // Served requests only: a 503 or an error response is not throughput.
            rps: Math.max(0, n - failures) / duration,
            p50: r.latency.p50,
            p99: r.latency.p99,
            requests: n,
            failures: failed,
            cpuPerRequest: (cpu1 - cpu0) / n,
            pgCpuPerRequest: cpuDelta(pg0, pg1) / n,
            xactPerRequest: (x1 - x0) / n,
            hubStatements: key === 'hub' ? (q1 - q0) / n : undefined,
          };
          if (measured[key]!.failures) console.log(`  ${server.name}: ${measured[key]!.failures} failed responses of ${n}`);
        }
        const m = { c, connections, hub: measured.hub!, pgl: measured.pgl! };
        results.push(m);
        const unit = c.perRequest ? ` (${fmt(m.hub.rps * c.perRequest)} vs ${fmt(m.pgl.rps * c.perRequest)} documents/s)` : '';
        console.log(
          `  ${connections} clients: hub ${fmt(m.hub.rps)} req/s p50 ${m.hub.p50} ms p99 ${m.hub.p99} ms · ` +
            `PostGraphile ${fmt(m.pgl.rps)} req/s p50 ${m.pgl.p50} ms p99 ${m.pgl.p99} ms · ratio ${(m.hub.rps / m.pgl.rps).toFixed(2)} ×${unit}`,
        );
      }
    }

    const rss = { hub: await peakRssMb(hub.child.pid!), pgl: await peakRssMb(pgl.child.pid!) };
    console.log(
      `\nResults (${duration} s per case after ${warmup} s warm-up; ${machine}; load average at end ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')})\n`,
    );
    console.log(
      '| operation | clients | hub req/s | hub p50 / p99 ms | PostGraphile req/s | PostGraphile p50 / p99 ms | ratio | hub SQL / req | xact / req hub · PG | server CPU ms / req hub · PG | PostgreSQL CPU ms / req hub · PG |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const { c, connections, hub: h, pgl: p } of results) {
      const failed = h.failures || p.failures ? ` (failures: hub ${h.failures}, PG ${p.failures})` : '';
      console.log(
        `| ${c.label}${failed} | ${connections} | ${fmt(h.rps, h.rps < 100 ? 1 : 0)} | ${h.p50} / ${h.p99} | ${fmt(p.rps, p.rps < 100 ? 1 : 0)} | ${p.p50} / ${p.p99} | ` +
          `**${(h.rps / p.rps).toFixed(2)} ×** | ${h.hubStatements!.toFixed(1)} | ${h.xactPerRequest.toFixed(1)} · ${p.xactPerRequest.toFixed(1)} | ` +
          `${h.cpuPerRequest.toFixed(2)} · ${p.cpuPerRequest.toFixed(2)} | ${h.pgCpuPerRequest.toFixed(2)} · ${p.pgCpuPerRequest.toFixed(2)} |`,
      );
    }
    console.log(`\npeak RSS: hub ${fmt(rss.hub)} MB, PostGraphile ${fmt(rss.pgl)} MB`);
    const benchDb = postgres(url, { max: 1, onnotice: () => {} });
    const [audit] = await benchDb<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'read'`;
    await benchDb.end();
    console.log(`audit rows (identifier reads) written during the run: ${fmt(audit.n)}`);
  } finally {
    await Promise.all(servers.map(stopServer));
    if (!reuse && !flag('keep')) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    else console.log(`database kept: ${name}`);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
