/**
 * The test harness of every test that needs services: a TestHub is the real hub in process — a
 * private PostgreSQL database (cloned from the migrated template), the config, the runtime (app +
 * job queue, with or without in-process workers) and, optionally, the real HTTP server with an admin
 * client — plus a temp directory for files, and one close() that undoes it all.
 *
 *   const hub = await testHub().start();                                   // own database, no workers
 *   const hub = await testHub().database(t).pipelineDefaults().workers().start();  // share `t`, jobs run in process
 *   const api = await testHub().database(t).config({ NODE_ENV: 'production' }).http().start();
 *   await api.gql('{ persons(first: 5) { edges { node { id } } } }');
 *
 * Record factories (rows and registry files) are in ./factories, lookups and digests of the state
 * in ./lookups.ts and ./digests.ts, child processes and a private Redis in ./processes.ts and
 * ./redis.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import { sql } from 'drizzle-orm';
import { startRuntime, type Runtime } from '../../jobs/runtime';
import type { App } from '../../src/app';
import type { GraphQLContext } from '../../src/graphql/context';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import type { ImportRunRow } from '../../src/imports';
import type { Clock, Role, SourceName } from '../../src/kernel';
import { loadConfig, type Config } from '../../src/platform/config';
import type { Database } from '../../src/platform/db';
import { createLogger, type Logger } from '../../src/platform/logger';
import { generateFile, type Expected, type GenerateOptions } from '../../src/synthetic';
import { createTestDatabase, type TestDatabase } from './database';
import { TEST_ARCHIVE_DIR } from './env';

export interface GqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** The configuration of a test: NODE_ENV=test, silent logs, then the overrides. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  // Tests send many requests in seconds as one client: their bucket holds a minute's allowance (the
  // burst cap is capped by the per-minute rate), unless a test sets API_RATE_BURST to test the cap.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://unused',
    ARCHIVE_DIR: TEST_ARCHIVE_DIR,
    API_RATE_BURST: '100000000',
    ...overrides,
  });
}

/**
 * The settings of the reconciliation and stewardship scenarios: small hand-made files may lose or
 * reject many rows, and training is off so a run decides with the default model.
 */
export const PIPELINE_DEFAULTS = { IMPORT_MAX_ERROR_RATE: '0.5', IMPORT_MAX_DISAPPEARED_RATE: '1', RECONCILE_TRAINING_SAMPLE: '0' } as const;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface TestHub {
  /** The database the hub runs on. */
  db: Database;
  /** The private database this hub created (dropped by close), or the TestDatabase it was given; null for another Database (PGlite). */
  database: TestDatabase | null;
  config: Config;
  rt: Runtime;
  app: App;
  imports: App['services']['imports'];
  /** A temp directory for the test's files (removed by close). */
  dir: string;
  /** Writes bytes into `dir`; returns the path. */
  file(name: string, bytes: Buffer | string): Promise<string>;
  /** Writes a generated registry file (src/synthetic) into `dir`; returns its path and expected outcome. */
  generate(name: string, opts: Omit<GenerateOptions, 'out'>): Promise<{ path: string; expected: Expected }>;
  /**
   * Submits a file and advances its run to the end (done or failed), returning the run: with
   * workers the job queue runs it (and the reconciliation it requests); without, this process
   * advances it as the job would, and the reconciliation stays queued.
   */
  importFile(path: string, source?: SourceName): Promise<ImportRunRow>;
  /**
   * Writes `content` as `name`, imports it through the whole pipeline and requires the import to be
   * done (throws otherwise); returns the import run and the reconciliation run it started.
   */
  importContent(name: string, content: Buffer | string, source: SourceName): Promise<{ importRunId: number; reconciliationRunId: number | null }>;
  /** Advances a run like the job does; a file-level failure is stored in the run (returned, not thrown). */
  processRun(runId: number): Promise<ImportRunRow>;
  /**
   * Advances a run the way a worker does: under the per-run lock the job processors hold (one worker
   * per run at a time); a worker that finds the run busy waits and tries again, as a deferred job would.
   */
  processAsWorker(runId: number): Promise<ImportRunRow>;
  close(): Promise<void>;
}

/** A hub started with `.http()`: the real HTTP server (Express + Apollo) on an ephemeral port. */
export interface ApiHub extends TestHub {
  http: HttpServer;
  /** Token of the admin client every request uses unless `headers.authorization` says otherwise. */
  adminToken: string;
  /** Sends a GraphQL operation as the default admin client (pass `authorization` in headers to act as another, or '' for none). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** Creates an API client and returns its token. */
  token(role: Role, scope?: string[]): Promise<string>;
}

interface HubOptions {
  overrides: Record<string, string | undefined>;
  database?: TestDatabase | Database;
  workers: boolean;
  schedules: boolean;
  http?: { plugins?: ApolloServerPlugin<GraphQLContext>[] };
  logger?: Logger;
  clock?: Clock;
  closeGraceMs?: number;
}

const isTestDatabase = (d: TestDatabase | Database): d is TestDatabase => 'drop' in d && 'url' in d;

export class TestHubBuilder<WithHttp extends boolean = false> {
  private readonly opts: HubOptions = { overrides: {}, workers: false, schedules: false };

  /** Config overrides (environment variable names), merged over the previous ones. */
  config(overrides: Record<string, string | undefined>): this {
    Object.assign(this.opts.overrides, overrides);
    return this;
  }

  /** PIPELINE_DEFAULTS, under any overrides given before or after. */
  pipelineDefaults(): this {
    this.opts.overrides = { ...PIPELINE_DEFAULTS, ...this.opts.overrides };
    return this;
  }

  /** Runs on this database (not dropped by close) instead of a fresh clone of the template. */
  database(db: TestDatabase | Database): this {
    this.opts.database = db;
    return this;
  }

  /** Runs the job processors in this process (the inline driver, or BullMQ workers with REDIS_URL). */
  workers(on = true): this {
    this.opts.workers = on;
    return this;
  }

  /** Declares the job schedulers and sweeps once at start, as the `worker` process does. */
  schedules(on = true): this {
    this.opts.schedules = on;
    return this;
  }

  /** Starts the real HTTP server and creates the admin client `gql` sends as. */
  http(opts: { plugins?: ApolloServerPlugin<GraphQLContext>[] } = {}): TestHubBuilder<true> {
    this.opts.http = opts;
    return this as unknown as TestHubBuilder<true>;
  }

  logger(logger: Logger): this {
    this.opts.logger = logger;
    return this;
  }

  clock(clock: Clock): this {
    this.opts.clock = clock;
    return this;
  }

  /** How long close() lets running jobs finish (default: 1 s with workers, 0 without). */
  closeGrace(ms: number): this {
    this.opts.closeGraceMs = ms;
    return this;
  }

  async start(): Promise<WithHttp extends true ? ApiHub : TestHub> {
    return (await startHub(this.opts)) as WithHttp extends true ? ApiHub : TestHub;
  }
}

export const testHub = () => new TestHubBuilder();

async function startHub(opts: HubOptions): Promise<TestHub | ApiHub> {
  const owned = opts.database ? null : await createTestDatabase();
  const given = opts.database;
  const database = owned ?? (given && isTestDatabase(given) ? given : null);
  const db = owned?.db ?? (given && isTestDatabase(given) ? given.db : (given as Database));
  let rt: Runtime | undefined;
  let dir: string | undefined;
  let http: HttpServer | undefined;
  // Undoes whatever was started, in reverse order (the database last: the runtime still holds connections).
  const stop = async () => {
    await http?.close();
    await rt?.close(opts.closeGraceMs ?? (opts.workers ? 1000 : 0));
    if (dir) await rm(dir, { recursive: true, force: true });
    await owned?.drop();
  };
  try {
    const config = testConfig({ ...(database ? { DATABASE_URL: database.url } : {}), ...opts.overrides });
    const logger = opts.logger ?? createLogger({ level: 'silent' });
    rt = await startRuntime({ config, db, logger, workers: opts.workers, schedules: opts.schedules, clock: opts.clock });
    dir = await mkdtemp(join(tmpdir(), 'juntos-test-'));
    const runtime = rt;
    const app = runtime.app;
    const imports = app.services.imports;
    const files = dir;

    const processRun = async (runId: number): Promise<ImportRunRow> => {
      await imports.process(runId).catch((e: Error) => {
        if (e.name !== 'FileFormatError' && e.name !== 'AppError') throw e;
      });
      return (await imports.getRun(runId))!;
    };
    const file = async (name: string, bytes: Buffer | string) => {
      const path = join(files, name);
      await writeFile(path, bytes);
      return path;
    };

    const hub: TestHub = {
      db,
      database,
      config,
      rt: runtime,
      app,
      imports,
      dir: files,
      file,
      async generate(name, genOpts) {
        const path = join(files, name);
        const expected = await generateFile({ ...genOpts, out: path });
        return { path, expected };
      },
      async importFile(path, source) {
        const { run } = await imports.submit(path, { source });
        if (!opts.workers) return processRun(run.id);
        await runtime.drain();
        return (await imports.getRun(run.id))!;
      },
      async importContent(name, content, source) {
        const { run } = await imports.submit(await file(name, content), { source, requestedBy: 'test' });
        if (opts.workers) await runtime.drain();
        else await imports.process(run.id);
        const done = await imports.getRun(run.id);
        if (done?.state !== 'done') throw new Error(`import ${name} ended ${done?.state}: ${done?.failureCode} ${done?.failureReason}`);
        const [r] = await db.rows<{ id: string }>(sql`select id from reconciliation_runs where import_run_id = ${run.id}`);
        return { importRunId: run.id, reconciliationRunId: r ? Number(r.id) : null };
      },
      processRun,
      async processAsWorker(runId) {
        for (;;) {
          const r = await app.repositories.ops.withRunLock('import', runId, () => processRun(runId));
          if (r.acquired) return r.value;
          await new Promise((res) => setTimeout(res, 50));
        }
      },
      close: stop,
    };
    if (!opts.http) return hub;

    const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', plugins: opts.http.plugins });
    http = server;
    const token = async (role: Role, scope: string[] = []) =>
      (await app.services.clients.create({ name: `test-${role}-${randomBytes(4).toString('hex')}`, role, scope, actor: 'test' })).token;
    const adminToken = await token('admin');
    const api: ApiHub = {
      ...hub,
      http: server,
      adminToken,
      token,
      async gql(query, variables, headers = {}) {
        const auth = 'authorization' in headers ? {} : bearer(adminToken);
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth, ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as Omit<GqlResponse, 'status'>;
        return { status: res.status, ...body };
      },
    };
    return api;
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
