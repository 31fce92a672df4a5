import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { SourceName } from '../../src/kernel';
import type { Database } from '../../src/platform/db';
import { generateFile, type Expected } from '../../src/synthetic';
import { TEST_REDIS_URL } from '../helpers/env';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/juntos-hub.mjs');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

export const uniquePrefix = (name: string) => `ops${name}${randomBytes(4).toString('hex')}`;

/** Deletes every key of a queue prefix on the shared Redis (never FLUSHALL: other files use it). */
export async function dropPrefix(prefix: string, url = TEST_REDIS_URL) {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

// --- inboxes --------------------------------------------------------------------------------------

export interface Inbox {
  dir: string;
  drop(source: SourceName, opts: { rows: number; seed?: number; faults?: string; name?: string; changes?: string }): Promise<{ path: string; expected: Expected }>;
  remove(): Promise<void>;
}

/** An INBOX_DIR with one folder per source; files are dropped with an mtime in the past (settled). */
export async function createInbox(): Promise<Inbox> {
  const dir = await mkdtemp(join(tmpdir(), 'juntos-inbox-'));
  for (const s of ['sisben', 'bdua', 'ruaf', 'ruv']) await mkdir(join(dir, s));
  return {
    dir,
    async drop(source, opts) {
      const seed = opts.seed ?? 7;
      const path = join(dir, source, opts.name ?? `${source}-${seed}-${opts.rows}.txt`);
      const expected = await generateFile({ source, rows: opts.rows, seed, faults: opts.faults, changes: opts.changes, out: path });
      const past = new Date(Date.now() - 3_600_000);
      await utimes(path, past, past);
      return { path, expected };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

// --- the state an import and its reconciliation leave ---------------------------------------------

/**
 * An ordered hash of the business columns of every table an import and a reconciliation write,
 * free of surrogate ids (sequences skip values when a transaction is cut short by a crash, so ids
 * legitimately differ): records are named by (source, source_key), persons by their smallest
 * member record. Two runs of the same files leave the same digest exactly when they leave the
 * same registry.
 */
export async function stateDigest(db: Database): Promise<{ digest: string; parts: Record<string, string>; counts: Record<string, number> }> {
  const ek = (alias: string) => sql.raw(`(${alias}.source::text || ':' || ${alias}.source_key)`);
  const person = (col: string) =>
    sql.raw(`(select min(pe.source::text || ':' || pe.source_key) from source_entities pe where pe.person_id = coalesce((select pm.merged_into_id from persons pm where pm.id = ${col}), ${col}))`);
  const queries: Record<string, ReturnType<typeof sql>> = {
    importRuns: sql`select id, source, state, rows_total, rows_loaded, rows_rejected, rows_with_warnings, added, changed, unchanged, disappeared,
      chunks_total, chunks_done, failure_code from import_runs order by id`,
    importChunks: sql`select import_run_id, chunk_no, added, changed, unchanged from import_chunks order by 1, 2`,
    rowErrors: sql`select import_run_id, line, field, code, severity from import_row_errors order by 1, 2, 3, 4`,
    sourceRecords: sql`select source, source_key, encode(content_hash, 'hex'), import_run_id, line_no, raw from source_records order by 1, 2, 4, 5`,
    sourceEntities: sql`select e.source, e.source_key, encode(e.content_hash, 'hex'), e.status, e.first_seen_run_id, e.changed_run_id, e.vanished_run_id,
      e.doc_type, e.doc_number, e.first_name, e.second_name, e.first_surname, e.second_surname, e.birth_date, e.sex, e.municipality_code,
      e.household_key, e.match_pending, ${person('e.person_id')} as person
      from source_entities e order by 1, 2`,
    households: sql`select source, source_key, municipality_code, zone, sisben_ficha, sisben_group, sisben_subgroup, status from households order by 1, 2`,
    memberships: sql`select h.source, h.source_key, ${ek('e')}, m.role, m.member_order, m.valid_from, m.valid_to, ${person('m.person_id')}
      from household_memberships m join households h on h.id = m.household_id join source_entities e on e.id = m.source_entity_id order by 1, 2, 3`,
    sisben: sql`select ${ek('e')}, f."group", f.subgroup, f.cut_date, f.status from sisben_classifications f join source_entities e on e.id = f.source_entity_id order by 1`,
    affiliations: sql`select ${ek('e')}, f.subsystem, f.administrator_code, f.regime, f.state, f.start_date, f.status from affiliations f join source_entities e on e.id = f.source_entity_id order by 1`,
    victims: sql`select ${ek('e')}, f.event_code, f.victim_type, f.occurrence_date, f.status from victim_registrations f join source_entities e on e.id = f.source_entity_id order by 1`,
    persons: sql`select ${person('p.id')} as k, p.status, p.first_name, p.second_name, p.first_surname, p.second_surname, p.birth_date, p.sex,
      p.municipality_code, p.sisben_group, p.sisben_subgroup, p.is_victim, p.is_displaced, p.health_state
      from persons p where p.status <> 'merged' and exists (select 1 from source_entities e where e.person_id = p.id) order by 1`,
    links: sql`select ${ek('e')}, l.link_type, l.reasons, round(l.score::numeric, 6), (select ${ek('m')} from source_entities m where m.id = l.matched_entity_id), l.model_version
      from entity_links l join source_entities e on e.id = l.source_entity_id order by 1`,
    reviewItems: sql`select r.reason, r.status, ${person('r.person_a_id')} as a, ${person('r.person_b_id')} as b,
      (select ${ek('e')} from source_entities e where e.id = r.source_entity_id) as ent,
      (select ${ek('c')} from source_entities c where c.id = r.candidate_entity_id) as cand, round(r.score::numeric, 6)
      from review_items r order by 1, 3, 4, 5, 6`,
    reconciliationRuns: sql`select id, state, import_run_id, records_processed, auto_linked, new_persons, merges_applied, breaker_tripped from reconciliation_runs order by id`,
  };
  const parts: Record<string, string> = {};
  const counts: Record<string, number> = {};
  const all = createHash('sha256');
  for (const [name, q] of Object.entries(queries)) {
    const rows = await db.rows<Record<string, unknown>>(q);
    const h = createHash('sha256');
    for (const r of rows) h.update(JSON.stringify(Object.values(r)) + '\n');
    parts[name] = h.digest('hex').slice(0, 16);
    counts[name] = rows.length;
    all.update(`${name}:${parts[name]}\n`);
  }
  return { digest: all.digest('hex'), parts, counts };
}

// --- processes ------------------------------------------------------------------------------------

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `juntos-hub <args>` as a real process with the given environment (logs collected). */
export function spawnCli(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return { proc, output: () => out, exited, kill: (s = 'SIGKILL') => void proc.kill(s) };
}

/** `juntos-hub worker`, resolved once it says it is ready. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<Child> {
  const child = spawnCli(['worker'], env);
  let exitedEarly = false;
  void child.exited.then(() => (exitedEarly = true));
  await waitFor('worker ready', async () => {
    if (exitedEarly) throw new Error(`worker exited before ready:\n${child.output()}`);
    return child.output().includes('juntos-hub worker ready');
  }, timeoutMs, 50).catch((e) => {
    child.kill();
    throw new Error(`${(e as Error).message}\n${child.output()}`);
  });
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * A private redis-server (no persistence: a restart loses everything, like a crash of a Redis
 * without AOF) for fault injection; the shared Redis on 6379 is never touched.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  start(extraArgs?: string[]): Promise<void>;
  stop(): Promise<void>;
  flushAll(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const api: PrivateRedis = {
    url,
    port,
    async start(extraArgs = []) {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--maxmemory-policy', 'noeviction', ...extraArgs], {
        stdio: 'ignore',
      });
      await waitFor('private redis', async () => {
        const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
        r.on('error', () => {});
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } finally {
          r.disconnect();
        }
      }, 10_000, 50);
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise((r) => p.on('exit', r));
      p.kill('SIGKILL');
      await gone;
    },
    async flushAll() {
      const r = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await r.flushall();
      } finally {
        r.disconnect();
      }
    },
  };
  return api;
}
