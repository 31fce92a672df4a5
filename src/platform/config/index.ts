import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * The only module that reads `process.env`. Everything else receives a parsed `Config`.
 * All problems are collected and reported together so an operator fixes them in one pass.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const ratio = z.coerce.number().min(0).max(1);

const split = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
/** Comma-separated list. */
const list = z.string().transform(split).pipe(z.array(z.string()).min(1));
const SOURCES = ['sisben', 'bdua', 'ruaf', 'ruv'] as const;
/** Comma-separated source names, e.g. `bdua,ruaf,sisben,ruv`. */
const sources = z
  .string()
  .transform((s) => split(s.toLowerCase()))
  .pipe(z.array(z.enum(SOURCES, { error: `must list sources among ${SOURCES.join(', ')}` })).min(1));

/** A cron pattern (5 fields, or 6 with seconds first), checked by the parser BullMQ itself uses. */
const cron = z.string().refine(
  (p) => {
    try {
      CronExpressionParser.parse(p);
      return p.trim().split(/\s+/).length >= 5;
    } catch {
      return false;
    }
  },
  { message: 'must be a cron pattern such as "0 2 * * *"' },
);
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as America/Bogota' },
);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * The owner (migrator) role's connection, when the hub runs under a separate runtime role at
   * DATABASE_URL (docs/security.md, "Database roles"): migrations are applied through it and the
   * runtime role's grants refreshed. Unset: DATABASE_URL's role applies migrations itself if it can.
   */
  DATABASE_OWNER_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATA_DIR: z.string().min(1).default('.data'),
  /** The archive of received files (content-addressed by SHA-256; back it up with the database). Unset: DATA_DIR/archive. */
  ARCHIVE_DIR: z.string().min(1).optional(),
  INBOX_DIR: z.string().min(1).default('inbox'),
  EXPORT_DIR: z.string().min(1).default('exports'),
  /** Unset: `info` for long-running processes (serve, worker), `warn` for one-shot CLI commands. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** `auto`: human-readable lines (pino-pretty) when the log stream is a terminal, JSON otherwise; `json` always JSON; `pretty` always readable. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Language of the CLI's human text: Spanish by default (`--lang` overrides it per command). */
  JUNTOS_LANG: z.enum(['es', 'en']).default('es'),
  /** Prefix for every BullMQ key, so several hubs (or test files) can share one Redis. */
  QUEUE_PREFIX: z.string().min(1).default('juntos'),
  /** BullMQ job lock; a worker killed mid-job has its job taken over after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /**
   * A run's lease: the process advancing an import or reconciliation run renews it every third of
   * this; a run whose lease expired is advanced by nobody and the next process that needs it takes it over.
   */
  RUN_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** With Redis, how long a CLI command waits for a worker to consume its queue before it says so and exits 3. */
  NO_WORKER_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
  /** On SIGTERM/SIGINT, how long running jobs get to finish or release their chunk. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  // --- nightly operations (docs/operations.md) ------------------------------------------------
  /** When the inboxes are scanned (every source; INBOX_SCAN_CRON_<SOURCE> overrides one). */
  INBOX_SCAN_CRON: cron.default('0 2 * * *'),
  INBOX_SCAN_CRON_SISBEN: cron.optional(),
  INBOX_SCAN_CRON_BDUA: cron.optional(),
  INBOX_SCAN_CRON_RUAF: cron.optional(),
  INBOX_SCAN_CRON_RUV: cron.optional(),
  INBOX_SCAN_CRON_SISBEN_HOGARES: cron.optional(),
  INBOX_SCAN_CRON_OFERTA: cron.optional(),
  /** Time zone of the cron patterns. */
  SCHEDULE_TZ: timeZone.default('America/Bogota'),
  /** How often the sweeper re-enqueues unfinished runs that no job is advancing (and workers check their schedulers). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  /** Inbox files modified more recently than this are left for the next scan (a copy may still be in progress). */
  INBOX_SETTLE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** Base delay of the exponential backoff (with jitter) between attempts after a transient failure; unset: each job's own (2–5 s). */
  JOB_BACKOFF_MS: z.coerce.number().int().min(1).max(600_000).optional(),
  /** Jobs of each queue one worker process runs at once (reconciliation is serialized by its engine lock anyway). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** A static bearer secret for Prometheus scrapers at /metrics (operator/admin API tokens work too). */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** `juntos-hub worker` serves /metrics on this port when set (the API serves it on PORT). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Largest page a connection field returns; larger `first` values are a BAD_USER_INPUT error. */
  API_MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Statistical disclosure control for readers: aggregate counts from 1 to this minus one come back suppressed. */
  LOGROS_DISCLOSURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** GraphiQL at /graphql; defaults to on outside production. */
  GRAPHIQL: bool.optional(),
  /** Share of rejected rows above which an import run fails and changes nothing. */
  IMPORT_MAX_ERROR_RATE: ratio.default(0.1),
  /**
   * Share of a source's records that one extract may make disappear; above it the run fails for an
   * operator to check (a truncated file must not vanish half the registry).
   */
  IMPORT_MAX_DISAPPEARED_RATE: ratio.default(0.2),
  IMPORT_CHUNK_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  /**
   * Worker threads that parse a large nightly file in byte ranges (docs/imports.md); 0 (the default):
   * one per core, at most 4; 1: parse in the importing thread (the workers add ~100 MB of peak RSS per
   * million rows).
   */
  IMPORT_PARSE_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  /** Smallest file parsed by worker threads (starting them costs about half a CPU second each). */
  IMPORT_PARSE_PARALLEL_MIN_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(32 * 1024 * 1024),
  /** Bytes of the file per range a worker parses. */
  IMPORT_PARSE_RANGE_BYTES: z.coerce
    .number()
    .int()
    .min(64)
    .default(1024 * 1024),
  /** GraphQL hardening (see docs/security.md). Depth counts fragments flattened and introspection fields (15: what GraphiQL’s own introspection query needs). */
  API_MAX_DEPTH: z.coerce.number().int().min(2).max(64).default(15),
  API_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(100),
  API_MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(20),
  /** Lexical tokens per document; the parser stops at this count. */
  API_MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(3000),
  /** Largest cost of one operation (object/list selections, connection subtrees times `first`). */
  API_MAX_COST: z.coerce.number().int().min(1).max(10_000_000).default(5000),
  /** Cost units each client may spend per minute (token bucket refilled continuously). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000_000).default(30_000),
  /**
   * Most cost units a client may spend at once (the bucket's size). Defaults to ten seconds of its
   * allowance, and never less than API_MAX_COST (so the largest admissible query can run).
   */
  API_RATE_BURST: z.coerce.number().int().min(1).max(100_000_000).optional(),
  /**
   * How queries are executed: `jit` compiles a query document seen twice with graphql-jit (same
   * resolvers and guards; src/graphql/jitExecutor.ts says what stays on graphql-js), `graphql-js`
   * executes every operation with graphql-js.
   */
  API_EXECUTOR: z.enum(['jit', 'graphql-js']).default('jit'),
  /** GraphQL requests one API process handles at once, all clients together; beyond it → 503 SERVER_BUSY. */
  API_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(10_000).default(16),
  /**
   * Failed authentications (missing, malformed, unknown or revoked token) one address may make per
   * minute; beyond it requests whose token is not already verified get 429 without a database lookup.
   */
  API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /**
   * Express's `trust proxy` (e.g. `loopback`, `10.0.0.0/8`, or a hop count): set it behind a reverse
   * proxy so the per-address limits see the client's address, not the proxy's. Unset: the socket's peer.
   */
  API_TRUST_PROXY: z.string().optional(),
  /**
   * How long an API process trusts a verified token before asking the database again. Revocations
   * reach every process sooner (PostgreSQL notifications): this bounds them only if those are lost.
   * 0 checks the database on every request.
   */
  API_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** Time limit of one GraphQL request; fields still unresolved then fail with TIMEOUT. */
  API_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(15_000),
  /** Automatic persisted queries (off unless set). */
  API_PERSISTED_QUERIES: bool.default(false),

  // --- identity reconciliation --------------------------------------------------------------
  /** Match probability at or above which records link automatically. */
  RECONCILE_LINK_PROBABILITY: ratio.default(0.99),
  /** Match probability at or above which (and below the link threshold) a pair goes to review. */
  RECONCILE_REVIEW_PROBABILITY: ratio.default(0.5),
  /** Records matched per batch (one transaction under the engine lock). */
  RECONCILE_BATCH_SIZE: z.coerce.number().int().min(1).max(500_000).default(20_000),
  /** Blocking keys shared by more records than this are skipped as non-discriminating. */
  RECONCILE_MAX_BLOCK_SIZE: z.coerce.number().int().min(2).max(100_000).default(200),
  /** Blocking rule names (see src/domain/identity/blocking.ts); unset = the default rule set. */
  RECONCILE_BLOCKING_RULES: list.optional(),
  /** Circuit breaker: share of processed records that may merge existing persons automatically. */
  RECONCILE_MAX_AUTO_MERGE_RATE: ratio.default(0.02),
  /** ... and the breaker only trips from this many such merges (small runs stay quiet). */
  RECONCILE_BREAKER_MIN_MERGES: z.coerce.number().int().min(1).default(10),
  /**
   * Share of each run's automatic links sampled into the review queue (AUTO_LINK_AUDIT) so stewards'
   * verdicts measure their precision; at least one per run with links, at most RECONCILE_AUDIT_SAMPLE.
   */
  RECONCILE_AUDIT_RATE: ratio.default(0.001),
  RECONCILE_AUDIT_SAMPLE: z.coerce.number().int().min(0).max(10_000).default(50),
  /** Records sampled to train the linkage model (0: keep the built-in priors). */
  RECONCILE_TRAINING_SAMPLE: z.coerce.number().int().min(0).max(2_000_000).default(100_000),
  /** How long a steward's claim on a review item lasts (re-claiming extends it). */
  REVIEW_CLAIM_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Survivorship: source precedence per golden attribute (first wins). */
  SURVIVORSHIP_NAME: sources.default(['bdua', 'ruaf', 'sisben', 'ruv']),
  SURVIVORSHIP_BIRTH_DATE: sources.default(['bdua', 'ruaf', 'sisben', 'ruv']),
  SURVIVORSHIP_SEX: sources.default(['bdua', 'ruaf', 'sisben', 'ruv']),
  SURVIVORSHIP_MUNICIPALITY: sources.default(['sisben', 'bdua', 'ruaf', 'ruv']),
});

export type Config = z.infer<typeof configSchema> & {
  /** Derived: which database the hub runs on. */
  databaseKind: 'postgres' | 'pglite';
  graphiql: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in env files mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    ...c,
    databaseKind: c.DATABASE_URL ? 'postgres' : 'pglite',
    graphiql: c.GRAPHIQL ?? c.NODE_ENV !== 'production',
  };
}

/** The process environment with command-line overrides on top (an undefined override unsets). */
export function loadConfigFromEnv(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ ...process.env, ...overrides });
}

/**
 * The two settings the CLI needs before the configuration is validated: the language (an invalid
 * configuration is itself reported in it) and whether to print stacks. Raw, unvalidated values.
 */
export function preConfigSettings(env: Record<string, string | undefined> = process.env): { lang: string | undefined; logLevel: string | undefined } {
  return { lang: env.JUNTOS_LANG || undefined, logLevel: env.LOG_LEVEL || undefined };
}
