import { loadConfigFromEnv, ConfigError, type Config } from '../platform/config';
import type { Database } from '../platform/db';
import { DataDirLockedError } from '../platform/db/dataDirLock';
import { createLogger, type Logger } from '../platform/logger';
import type { Runtime } from '../../jobs/runtime';
import pretty from 'pino-pretty';

/** Thrown by commands for an expected failure: printed without a stack, exit code 1 (or given). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function loadCliConfig(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return loadConfigFromEnv(overrides);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
}

let forceJson = false;
/** `--json` output: logs stay JSON too, whatever the terminal (set by main before the command runs). */
export function setJsonOutput(on: boolean) {
  forceJson = on;
}

/** Whether logs are written as human-readable lines: LOG_FORMAT, else a terminal on stderr and no `--json`. */
export function prettyLogs(config: Pick<Config, 'LOG_FORMAT'>, stream: { isTTY?: boolean } = process.stderr): boolean {
  if (config.LOG_FORMAT === 'json') return false;
  if (config.LOG_FORMAT === 'pretty') return true;
  return !forceJson && Boolean(stream.isTTY);
}

/**
 * CLI logs go to stderr so stdout stays clean for `--json` output and piping. On a terminal they are
 * pino-pretty lines (redaction applies before either format: pino censors, then the stream prints).
 */
export function cliLogger(config: Config, opts: { longRunning?: boolean } = {}): Logger {
  const level = config.LOG_LEVEL ?? (opts.longRunning ? 'info' : 'warn');
  if (!prettyLogs(config)) return createLogger({ level, destination: process.stderr as never });
  const destination = pretty({
    destination: 2,
    sync: true,
    colorize: Boolean(process.stderr.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
  return createLogger({ level, destination });
}

/**
 * Opens the database and applies pending migrations: every command that touches the database
 * goes through here, so a fresh or upgraded installation is always at the current schema.
 */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const { openDatabase, migrateAsOwner, MigrationsPendingError } = await import('../platform/db');
  await migrateAsOwner(config, logger);
  const db = await openDatabase(config, logger).catch((e) => {
    if (e instanceof DataDirLockedError) throw new CliError(e.message);
    throw e;
  });
  try {
    await db.migrateIfNeeded();
  } catch (e) {
    await db.close().catch(() => {});
    if (e instanceof MigrationsPendingError) throw new CliError(e.message, 3);
    throw e;
  }
  return db;
}

/**
 * Runs a command with the whole hub: database (migrated), job queue and, in embedded mode (no
 * REDIS_URL), in-process workers so that the command's jobs actually run. With Redis, jobs are run
 * by `juntos-hub worker` processes and the command only enqueues and watches PostgreSQL.
 */
export async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>, opts: { workers?: boolean } = {}): Promise<T> {
  const logger = cliLogger(config);
  const db = await openMigratedDatabase(config, logger);
  let rt: Runtime | undefined;
  try {
    const { startRuntime } = await import('../../jobs/runtime');
    rt = await startRuntime({ config, db, logger, workers: opts.workers ?? !config.REDIS_URL });
    return await fn(rt);
  } finally {
    await rt?.close(2_000).catch(() => {});
    await db.close();
  }
}
