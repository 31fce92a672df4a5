import { availableParallelism } from 'node:os';
import { basename, resolve, sep } from 'node:path';
import { open, realpath, stat } from 'node:fs/promises';
import {
  FileFormatError,
  detectSource,
  emptyParseStats,
  getConnector,
  parseChunks,
  type FileInspection,
  type ParseStats,
  type RowResult,
} from '../../connectors';
import type { ParseContext } from '../../connectors/types';
import { fileChunks, inspectFile } from './registryFiles';
import { LineIndex } from './lineIndex';
import type { ArchiveService } from '../archive';
import { isTableSource, type SourceName, type Clock, type TerritoryScope, type PersonSourceName } from '../kernel';
import type { Config } from '../platform/config';
import { AppError } from '../kernel';
import type { Logger } from '../platform/logger';
import { JobReleasedError, QueueUnavailableError, type JobQueue } from '../platform/queue';
import {
  FINISHED_STATES,
  LiveRunExistsError,
  UNFINISHED_STATES,
  dryRunStagingTable,
  stagingTable,
  type DeltaStaged,
  type ImportRepository,
  type ImportRunRow,
} from './importRepository';
import type { ReferenceService } from '../registry';
import { heldBackReasons, holdsAll, readRunSummary, type HeldBack, type ImportTimings, type LineAccounting, type Unreadable } from './runSummary';
import { readingContext } from './knownLines';
import { stageRows, type KnownRun, type LineRanges, type StageCounters } from './stageRows';
import { knownShareOfHead, ParsePool, type ParallelParse } from './parallelParse';
import type { SourceSnapshot } from './sourceSnapshot';
import { TableImportRepository, TableImportService, type RunLimits } from './tableSources';
import { AuditWriter } from '../platform/db';

export interface ImportSummary {
  runId: number | null;
  source: SourceName;
  fileName: string;
  state: string;
  rowsTotal: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsWithWarnings: number;
  added: number;
  changed: number;
  unchanged: number;
  disappeared: number;
  /** Records whose row in this extract was rejected (with a usable key): kept at their previous version. */
  keptRejected: number;
  errorRate: number;
  failureCode: string | null;
  failureReason: string | null;
  errorsByCode: { code: string; field: string; severity: string; count: number }[];
  /** Every physical line of the file: physical = header + blank + loaded + rejected (null before parsing). */
  lines: LineAccounting | null;
  /** Records held back from disappearing, and why (unreadable rows might be theirs); null before the run applied. */
  heldBack: HeldBack | null;
}

/** Whether a file's last byte ends a line (a last line without one may have been cut off). */
async function endsWithLineBreak(path: string, bytes: number): Promise<boolean> {
  if (bytes === 0) return true;
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, bytes - 1);
    return b[0] === 0x0a || b[0] === 0x0d;
  } finally {
    await fh.close();
  }
}

/** How the hold-back applies to a staged file. */
const holdOf = (u: Unreadable | undefined) => ({ all: holdsAll(u), reasons: heldBackReasons(u) });

/** Thrown when a run must wait for an earlier run of the same source; retried by the queue. */
/**
 * The bulk path needs a first snapshot of at least this many rows and one full chunk: below, the
 * chunked apply is about as fast (and a file of one chunk is one transaction anyway), without the
 * bulk path's exclusive table locks.
 */
const BULK_MIN_ROWS = 10_000;

/**
 * A nightly file is parsed by worker threads only when at least this share of its head's lines is
 * known by the line digests (parallelParse.ts knownShareOfHead): the workers save little wall time
 * when the staging thread must take every row whole, and each whole row crossing threads costs memory.
 */
const PARALLEL_MIN_KNOWN_SHARE = 0.5;

export class WaitForEarlierRunError extends Error {
  constructor(earlierId: number) {
    super(`waiting for earlier import run ${earlierId} of the same source to finish`);
  }
}

/** Options of one run, given by whoever submits or retries it; recorded on the run and honoured by whichever process applies it. */
export interface RunOptions {
  /** Share of rejected rows above which the run fails (default: IMPORT_MAX_ERROR_RATE of the submitting process). */
  maxErrorRate?: number;
  /** Share of the source's records one extract may make disappear (default: IMPORT_MAX_DISAPPEARED_RATE of the submitting process). */
  maxDisappearedRate?: number;
}

/** Who asks for a retry (the audit log's actor). */
export interface RunActor {
  actor: string;
  actorRole?: string | null;
  requestId?: string | null;
}

/** A share in [0, 1], or a BAD_USER_INPUT error naming the option. */
function checkRate(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new AppError('BAD_USER_INPUT', `${field} must be a share between 0 and 1.`, { field });
  return value;
}

const pct = (v: number) => `${(v * 100).toFixed(1).replace(/\.0$/, '')} %`;

export interface ImportHooks {
  /** Called once a run is applied (e.g. to start reconciliation); must be idempotent. */
  afterApplied?(run: ImportRunRow): Promise<void>;
}

/**
 * Import runs as a durable state machine: received → parsing → staged → applied → done, or failed.
 * Every step can be repeated after a crash: parsing restarts from the file, applied chunks are
 * skipped, the disappearance step commits together with the move to `applied`.
 */
export class ImportService {
  /** The table sources' staging and apply (src/imports/tableSources); runs and row errors are shared. */
  private readonly tables: TableImportService;

  constructor(
    private readonly repo: ImportRepository,
    private readonly reference: ReferenceService,
    private readonly queue: JobQueue,
    private readonly config: Pick<
      Config,
      | 'IMPORT_MAX_ERROR_RATE'
      | 'IMPORT_MAX_DISAPPEARED_RATE'
      | 'IMPORT_CHUNK_SIZE'
      | 'IMPORT_PARSE_THREADS'
      | 'IMPORT_PARSE_PARALLEL_MIN_BYTES'
      | 'IMPORT_PARSE_RANGE_BYTES'
      | 'INBOX_DIR'
      | 'API_MAX_PAGE_SIZE'
    >,
    private readonly logger: Logger,
    private readonly clock: Clock,
    /** Every received file is kept there, unchanged: the provenance of its records' raw lines. */
    private readonly archive: ArchiveService,
    private readonly hooks: ImportHooks = {},
    private readonly auditWriter: AuditWriter = new AuditWriter(),
  ) {
    this.tables = new TableImportService(
      repo,
      new TableImportRepository(repo.db),
      reference,
      {
        limitsOf: (run) => this.limitsOf(run),
        verdict: (staged, limits) => this.verdict(staged, limits),
        massDisappearance: (p, limits) => this.massDisappearance(p, limits),
        disappearanceReason: (p, limits) => this.disappearanceReason(p, limits),
      },
      clock,
    );
  }

  /** Resolves the file and its source (given or detected), inspecting its bytes once. */
  private async inspect(path: string, source?: SourceName): Promise<{ path: string; info: FileInspection; source: SourceName }> {
    const abs = resolve(path);
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile()) throw new AppError('BAD_USER_INPUT', 'The file does not exist or is not a regular file.', { field: 'path' });
    let info: FileInspection;
    try {
      info = await inspectFile(abs);
    } catch (e) {
      if (e instanceof FileFormatError) throw new AppError('INVALID_FILE', e.message, { reason: e.code });
      throw e;
    }
    const chosen = source ?? detectSource(basename(abs), info.headLines)?.source;
    if (!chosen) {
      throw new AppError('INVALID_FILE', 'Could not recognize the registry this file comes from; pass the source explicitly.', { reason: 'UNKNOWN_SOURCE' });
    }
    return { path: abs, info, source: chosen };
  }

  private async archiveFile(path: string, sha256: string, bytes: number): Promise<void> {
    try {
      await this.archive.archive(path, sha256, bytes);
    } catch (e) {
      // The file changed while it was copied: the same verdict as a changed file at staging.
      if (e instanceof AppError && e.code === 'ARCHIVE_CORRUPT') throw new FileFormatError('FILE_CHANGED', e.message);
      throw e;
    }
  }

  /** Only files inside INBOX_DIR may be imported through the API (no path traversal). */
  async resolveInboxFile(relativePath: string): Promise<string> {
    const inbox = await realpath(resolve(this.config.INBOX_DIR)).catch(() => {
      throw new AppError('BAD_USER_INPUT', 'The inbox directory does not exist on the server.', { field: 'path' });
    });
    // One answer for "missing", "outside the inbox" and "a link out of it": the API must not become
    // a probe of which files exist elsewhere on the server. A path that leaves the inbox by its
    // spelling is refused without touching the file system at all.
    const notInInbox = () => new AppError('BAD_USER_INPUT', 'No such file in the inbox.', { field: 'path' });
    const inside = (p: string) => p.startsWith(inbox + sep);
    if (!inside(resolve(inbox, relativePath))) throw notInInbox();
    const candidate = await realpath(resolve(inbox, relativePath)).catch(() => {
      throw notInInbox();
    });
    if (!inside(candidate)) throw notInInbox();
    return candidate;
  }

  /**
   * Records a run for the file and enqueues it. Submitting the same bytes with the same source again
   * (even at the same time) returns the live run; a failed run does not count, so a file refused
   * with a wrong source or too strict a limit can be submitted again with other options (the new run
   * says which failed runs it follows: `failedBefore`). With the queue down the run stays `received`
   * in PostgreSQL (the sweeper enqueues it later) and a retriable SERVICE_UNAVAILABLE error is raised.
   */
  async submit(
    path: string,
    opts: { source?: SourceName; requestedBy?: string | null } & RunOptions = {},
  ): Promise<{ run: ImportRunRow; created: boolean; failedBefore: ImportRunRow[] }> {
    const limits = this.limitsFrom(opts);
    const { path: abs, info, source } = await this.inspect(path, opts.source);
    // Archived before the run exists: a run always has its file in the archive.
    await this.archive.archive(abs, info.sha256, info.bytes);
    const { run, created } = await this.repo.createOrGetRun({
      source,
      fileName: basename(abs),
      filePath: abs,
      sha256: info.sha256,
      fileBytes: info.bytes,
      encoding: info.encoding,
      requestedBy: opts.requestedBy ?? null,
      ...limits,
    });
    const failedBefore = created ? (await this.repo.failedRunsOf(info.sha256)).filter((r) => r.id !== run.id) : [];
    if (created) {
      this.logger.info({ runId: run.id, source, bytes: info.bytes, ...limits, after: failedBefore.map((r) => r.id) }, 'import run received');
      await this.enqueue(run.id);
    } else {
      this.logger.info({ runId: run.id, source }, 'same file already submitted; returning its run');
    }
    return { run, created, failedBefore };
  }

  /** A run's limits as given, completed with this process' settings (what is recorded on a new run). */
  private limitsFrom(opts: RunOptions): RunLimits {
    return {
      maxErrorRate: checkRate(opts.maxErrorRate, 'maxErrorRate') ?? this.config.IMPORT_MAX_ERROR_RATE,
      maxDisappearedRate: checkRate(opts.maxDisappearedRate, 'maxDisappearedRate') ?? this.config.IMPORT_MAX_DISAPPEARED_RATE,
    };
  }

  /** The limits a run applies: its own, recorded at submission; runs from before they were recorded take this process' settings. */
  limitsOf(run: Pick<ImportRunRow, 'maxErrorRate' | 'maxDisappearedRate'>): RunLimits {
    return {
      maxErrorRate: run.maxErrorRate ?? this.config.IMPORT_MAX_ERROR_RATE,
      maxDisappearedRate: run.maxDisappearedRate ?? this.config.IMPORT_MAX_DISAPPEARED_RATE,
    };
  }

  async enqueue(runId: number): Promise<void> {
    try {
      await this.queue.enqueue('import.run', { runId });
    } catch (e) {
      if (e instanceof QueueUnavailableError) {
        throw new AppError('SERVICE_UNAVAILABLE', 'The import was recorded but the job queue is unavailable; it will start when the queue returns.', {}, true);
      }
      throw e;
    }
  }

  /**
   * Retries a failed run from the start, optionally with another source or other limits (a wrong
   * `--source`, a limit that was too strict); unchanged options keep the run's. Audited with the
   * options before and after. Refused (CONFLICT) when the run is not failed, or when another run of
   * the same bytes and the new source is live.
   */
  async retry(runId: number, changes: { source?: SourceName } & RunOptions = {}, who: RunActor = { actor: 'system' }): Promise<ImportRunRow> {
    const current = await this.repo.findRun(runId);
    if (!current) throw new AppError('NOT_FOUND', 'No such import run.');
    const limits = this.limitsOf(current);
    const next = {
      source: changes.source ?? current.source,
      maxErrorRate: checkRate(changes.maxErrorRate, 'maxErrorRate') ?? limits.maxErrorRate,
      maxDisappearedRate: checkRate(changes.maxDisappearedRate, 'maxDisappearedRate') ?? limits.maxDisappearedRate,
    };
    let run: ImportRunRow | null;
    try {
      run = await this.repo.retryRun(runId, next, (tx, before, after) =>
        this.auditWriter.write(tx, [
          {
            actor: who.actor,
            actorRole: who.actorRole ?? null,
            requestId: who.requestId ?? null,
            action: 'import.retry',
            subjectType: 'ImportRun',
            subjectId: String(runId),
            before: {
              source: before.source,
              maxErrorRate: before.maxErrorRate,
              maxDisappearedRate: before.maxDisappearedRate,
              failureCode: before.failureCode,
            },
            after: { source: after.source, maxErrorRate: after.maxErrorRate, maxDisappearedRate: after.maxDisappearedRate },
          },
        ]),
      );
    } catch (e) {
      if (e instanceof LiveRunExistsError) {
        throw new AppError('CONFLICT', `The same file with source ${next.source} is already run ${e.runId}.`, { runId: e.runId });
      }
      throw e;
    }
    if (!run) {
      const fresh = (await this.repo.findRun(runId))!;
      throw new AppError('CONFLICT', `Only failed runs can be retried; this one is ${fresh.state}.`, { state: fresh.state });
    }
    this.logger.info({ runId, source: run.source, maxErrorRate: run.maxErrorRate, maxDisappearedRate: run.maxDisappearedRate }, 'import run retried');
    await this.enqueue(runId);
    return run;
  }

  /** A run; with a territorial scope, only if it brought records of that territory. */
  getRun(runId: number, scope?: TerritoryScope | null) {
    return this.repo.findRun(runId, scope);
  }

  /** Runs PostgreSQL says are unfinished, oldest first (what the sweeper makes sure a job advances). */
  async unfinishedRunIds(): Promise<number[]> {
    return (await this.repo.unfinishedRuns()).map((r) => r.id);
  }

  /**
   * The run's job spent its last attempt on a transient failure: the run is failed with the reason,
   * so it stays visible and waits for an operator (`runs retry`) rather than the sweeper.
   */
  async giveUp(runId: number, reason: string): Promise<void> {
    await this.repo.transition(runId, UNFINISHED_STATES, 'failed', { failureCode: 'RETRIES_EXHAUSTED', failureReason: reason, finishedAt: this.clock.now() });
  }

  /** Drops the staging tables of runs that have finished (a crash can leave one behind); returns their run ids. */
  async dropOrphanStaging(): Promise<number[]> {
    const runIds = await this.repo.orphanStagingTables();
    for (const runId of runIds) await this.repo.dropStaging(stagingTable(runId));
    return runIds;
  }

  get maxPage(): number {
    return this.config.API_MAX_PAGE_SIZE;
  }

  listRuns(opts: Parameters<ImportRepository['listRuns']>[0]) {
    return this.repo.listRuns(opts);
  }

  rowErrors(runId: number, opts: Parameters<ImportRepository['rowErrors']>[1]) {
    return this.repo.rowErrors(runId, opts);
  }

  /**
   * Advances a run as far as it can go. Safe to call again after a crash (at any point) or after an
   * earlier call ended: each step resumes from what PostgreSQL records. Calls for the same run must
   * not overlap: the job processors hold a per-run lock (one worker per run); a chunk is in any case
   * applied once (its own lock and done-mark).
   */
  async process(runId: number, signal?: AbortSignal): Promise<void> {
    let run = await this.repo.findRun(runId);
    if (!run || FINISHED_STATES.includes(run.state)) return;
    const log = this.logger.child({ runId, source: run.source });
    const timings: ImportTimings = {};
    const timed = async <T>(phase: keyof ImportTimings, fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        timings[phase] = Math.round(performance.now() - t);
      }
    };
    try {
      if (run.state === 'received' || run.state === 'parsing') {
        const staged = await this.stage(run, log, timed);
        if (!staged || staged.state === 'failed') return;
        run = staged;
      } else if (run.state === 'staged' && !(await this.repo.stagingIntact(runId))) {
        // PostgreSQL restarted and emptied the unlogged staging table: stage the same bytes again;
        // chunks already applied stay applied (and are skipped).
        log.warn('staging table lost (database restart); staging the file again');
        const staged = await this.stage(run, log, timed, { resume: true });
        if (!staged || staged.state === 'failed') return;
        run = staged;
      }
      if (run.state === 'staged') {
        const earlier = await this.repo.earlierUnfinishedRun(run);
        if (earlier) throw new WaitForEarlierRunError(earlier.id);
        const delta = isTableSource(run.source) ? undefined : readRunSummary(run.summary).staged?.delta;
        if (delta && (await this.repo.snapshotStale(run, delta))) {
          // Another run of the source wrote records after this file was compared with the source
          // (an earlier run retried and applied first): compare it again with what the source holds now.
          log.warn('the source changed since this file was staged; staging it again');
          const staged = await this.stage(run, log, timed, { resume: true });
          if (!staged || staged.state === 'failed') return;
          run = staged;
        }
        if (isTableSource(run.source)) {
          await timed('apply', () => this.tables.apply(run!, log));
          run = (await this.repo.findRun(runId))!;
        } else {
          await timed('apply', () => this.apply(run!, log, signal, timed));
          run = (await this.repo.findRun(runId))!;
        }
        if (run.state === 'staged' && !isTableSource(run.source)) {
          const { staged } = readRunSummary(run.summary);
          const { disappeared, keptRejected, heldBack, linesRefreshed } = await timed('disappear', () =>
            this.repo.markDisappeared(run!, staged?.rejectedWithKey !== 0, holdOf(staged?.unreadable), staged?.delta),
          );
          log.info({ disappeared, keptRejected, heldBack, linesRefreshed }, 'import applied');
          run = (await this.repo.findRun(runId))!;
        }
      }
      if (run.state === 'applied') {
        const t = performance.now();
        await this.hooks.afterApplied?.(run);
        await this.repo.dropStaging(stagingTable(runId));
        const summary = await this.summary(run);
        timings.finish = Math.round(performance.now() - t);
        // Merged into what staging and apply wrote (line accounting, keptRejected, earlier timings).
        const { runId: _id, ...rest } = summary;
        const before = readRunSummary(run.summary);
        const merged = { ...before, ...rest, state: 'done', timings: { ...before.timings, ...timings } };
        await this.repo.transition(runId, ['applied'], 'done', { finishedAt: this.clock.now(), summary: merged as never });
        log.info(
          { rowsLoaded: run.rowsLoaded, rowsRejected: run.rowsRejected, added: run.added, changed: run.changed, disappeared: run.disappeared },
          'import done',
        );
        return;
      }
    } catch (e) {
      if (e instanceof FileFormatError || (e instanceof AppError && e.code === 'INVALID_FILE')) {
        await this.fail(runId, (e as FileFormatError).code ?? 'INVALID_FILE', e.message, log);
      }
      throw e;
    } finally {
      // The phases this call ran, for a run that did not finish here (the next call adds the rest).
      const t = timings;
      if (Object.keys(t).length && !('finish' in t)) {
        const before = readRunSummary((await this.repo.findRun(runId).catch(() => null))?.summary);
        await this.repo.mergeSummary(runId, { timings: { ...before.timings, ...t } }).catch(() => {});
      }
    }
  }

  private async fail(runId: number, code: string, reason: string, log: Logger) {
    await this.repo.dropStaging(stagingTable(runId)).catch(() => {});
    await this.repo.transition(runId, ['received', 'parsing', 'staged'], 'failed', {
      failureCode: code,
      failureReason: reason,
      finishedAt: this.clock.now(),
    });
    log.warn({ failureCode: code }, 'import failed; canonical tables unchanged');
  }

  private async stage(
    run: ImportRunRow,
    log: Logger,
    timed: <T>(phase: keyof ImportTimings, fn: () => Promise<T>) => Promise<T>,
    opts: { resume?: boolean } = {},
  ): Promise<ImportRunRow | null> {
    // Claimed by bumping `attempts` from the value this caller read: of two callers staging the same
    // run at once, one proceeds and the other leaves it (a crashed attempt's run is claimed again).
    const claimed = await this.repo.claim(run.id, run.attempts, opts.resume ? ['staged'] : ['received', 'parsing'], opts.resume ? 'staged' : 'parsing', {
      startedAt: run.startedAt ?? this.clock.now(),
      bytesRead: 0,
    });
    if (!claimed) {
      log.info('another caller is staging this run');
      return null;
    }
    // A person source's key → digest map is read while the file is checked again (its SHA-256 and
    // encoding, ~0.2 s per 95 MB) and archived: PostgreSQL sends the map meanwhile instead of after
    // (issue 15). Read once claimed, so that the records this run already wrote are flagged as now.
    const early = isTableSource(run.source) ? null : this.repo.readSnapshot(run.source, run.id);
    early?.catch(() => undefined); // awaited by stageFile, or below when the file is refused
    let info: FileInspection;
    try {
      info = await inspectFile(run.filePath).catch((e) => {
        if (e instanceof FileFormatError) throw e;
        throw new FileFormatError('FILE_UNREADABLE', 'The file of this run can no longer be read from its path.');
      });
      if (info.sha256 !== run.sha256) {
        throw new FileFormatError('FILE_CHANGED', 'The file at the run’s path no longer has the bytes that were submitted (SHA-256 differs).');
      }
      // A run submitted before the archive existed (or whose archived copy was lost) is archived now.
      await this.archiveFile(run.filePath, run.sha256, run.fileBytes);
    } catch (e) {
      // No COPY left running behind a refused file.
      await early?.catch(() => undefined);
      throw e;
    }
    if (isTableSource(run.source)) {
      const { failed } = await timed('stage', () => this.tables.stage(run, info, Boolean(opts.resume)));
      if (failed) await this.fail(run.id, failed.code, failed.reason, log);
      else log.info('file staged');
      return (await this.repo.findRun(run.id))!;
    }
    let lastProgress = Date.now();
    const staged = await this.stageFile(
      stagingTable(run.id),
      run.id,
      run.filePath,
      run.fileName,
      run.source as PersonSourceName,
      info,
      timed,
      async (c, bytesRead) => {
        if (Date.now() - lastProgress < 1000) return;
        lastProgress = Date.now();
        await this.repo.update(run.id, { bytesRead, rowsTotal: c.rowsTotal, rowsLoaded: c.rowsLoaded, rowsRejected: c.rowsRejected });
      },
      { keepChunks: opts.resume, snapshot: early },
    );
    await this.repo.update(run.id, {
      bytesRead: run.fileBytes,
      rowsTotal: staged.rowsTotal,
      rowsLoaded: staged.rowsLoaded,
      rowsRejected: staged.rowsRejected,
      rowsWithWarnings: staged.rowsWithWarnings,
      errorRate: staged.errorRate,
      errorSummary: (await this.repo.errorSummary(run.id)) as never,
      previousRunId: await this.repo.previousAcceptedRun(run),
    });
    await this.repo.mergeSummary(run.id, {
      lines: staged.lines,
      staged: { rows: staged.stagedRows, parts: staged.parts, rejectedWithKey: staged.rejectedWithKey, unreadable: staged.unreadable, delta: staged.delta },
    });
    log.info({ rowsTotal: staged.rowsTotal, rowsLoaded: staged.rowsLoaded, rowsRejected: staged.rowsRejected }, 'file staged');
    if (opts.resume) return (await this.repo.findRun(run.id))!;

    const verdict = this.verdict(staged, this.limitsOf(run));
    if (verdict) {
      await this.fail(run.id, verdict.code, verdict.reason, log);
      return (await this.repo.findRun(run.id))!;
    }
    const chunksTotal = Math.ceil(staged.stagedRows / this.config.IMPORT_CHUNK_SIZE);
    await this.repo.transition(run.id, ['parsing'], 'staged', { stagedAt: this.clock.now(), chunksTotal });
    return (await this.repo.findRun(run.id))!;
  }

  /**
   * Parses a file into a staging table (and, for a real run, its row issues into import_row_errors),
   * then marks in-file duplicate keys. Shared by runs and dry runs so both report the same numbers.
   */
  private async stageFile(
    table: string,
    runId: number | null,
    path: string,
    fileName: string,
    source: PersonSourceName,
    info: FileInspection,
    timed: <T>(phase: keyof ImportTimings, fn: () => Promise<T>) => Promise<T>,
    onProgress?: (c: StageCounters, bytesRead: number) => Promise<void>,
    opts: { keepChunks?: boolean; snapshot?: Promise<SourceSnapshot> | null } = {},
  ) {
    await this.repo.resetStaging(table, runId, opts);
    const stats: ParseStats = emptyParseStats();
    const ctx: ParseContext = { fileName, today: this.clock.now().toISOString().slice(0, 10), municipalities: await this.reference.municipalityCodes(), stats };
    let bytesRead = 0;
    // The bytes pass through a line index on their way to the decoder: each record is staged with
    // where its line is in the file (its raw line is then read from the archive, not copied).
    const index = new LineIndex();
    const chunkSize = this.config.IMPORT_CHUNK_SIZE;
    // A large nightly file is parsed on every core (parallelParse.ts); the workers start while the map is read.
    const threads = this.config.IMPORT_PARSE_THREADS === 0 ? Math.min(4, availableParallelism()) : (this.config.IMPORT_PARSE_THREADS ?? 1);
    const starting =
      threads > 1 && info.bytes >= this.config.IMPORT_PARSE_PARALLEL_MIN_BYTES
        ? ParsePool.start(threads).catch((e: unknown) => {
            this.logger.warn({ err: e }, 'parse workers unavailable: parsing in one thread');
            return null;
          })
        : null;
    let parallel: ParallelParse | null = null;
    const { snapshot, counters, keys, tally } = await timed('stage', async () => {
      try {
        // The source's key → digest map: unchanged rows are compared here and never staged (issue 15).
        // (Already under way when the caller started it early: then only what is left of it is timed here.)
        const snapshot = await timed('stageMap', () => opts.snapshot ?? this.repo.readSnapshot(source, runId));
        const context = readingContext(ctx.today, ctx.municipalities);
        const lineRanges: LineRanges = {
          range: (line, lines) => (parallel ? parallel.ranges : index).range(line, lines),
          pass: (line) => (parallel ? parallel.ranges : index).pass(line),
        };
        // Decided when staging asks for its first row (stageRows' known lines must exist first).
        const rows = async function* (this: ImportService): AsyncGenerator<RowResult | KnownRun, void, undefined> {
          const pool = await starting;
          // Only for a file compared with line digests (the nightly case): where every row is a full
          // result (a first snapshot), copying results between threads cost the staging thread more
          // than the parse it saved (measured: Node CPU 17.9 → 26.1 s, peak RSS 353 → 688 MB per 1M rows).
          if (pool && !(snapshot.size > 0 && snapshot.hasLines)) await pool.close();
          else if (pool) {
            const init = {
              path,
              size: info.bytes,
              encoding: info.encoding,
              source,
              fileName,
              today: ctx.today,
              municipalities: [...ctx.municipalities],
              context,
              lines: snapshot.shareLines(),
            };
            // The same for a nightly whose lines the digests do not know (a month's first, every line
            // parsed and compared): its rows crossed whole, and it peaked ~250 MB above a nightly of known lines.
            if ((await knownShareOfHead(init)) < PARALLEL_MIN_KNOWN_SHARE) await pool.close();
            else parallel = await pool.parse(init, { rangeBytes: this.config.IMPORT_PARSE_RANGE_BYTES }, (reading) => out.known.begin(reading.text));
          }
          if (parallel) {
            const p = parallel;
            try {
              for await (const r of p.rows) {
                bytesRead = p.bytesRead();
                yield r;
              }
            } finally {
              Object.assign(stats, p.stats);
            }
            return;
          }
          yield* parseChunks(index.tee(fileChunks(path)), getConnector(source), ctx, { encoding: info.encoding, onProgress: (b) => void (bytesRead = b) });
        }.call(this);
        // A dry run keeps no row errors: it reports them counted (the tally), like a run's error summary.
        const out = stageRows(
          runId ?? 0,
          rows,
          lineRanges,
          async (text) => {
            if (runId !== null) await this.repo.copyRowErrors(text);
          },
          onProgress && ((c) => onProgress(c, bytesRead)),
          {
            snapshot,
            chunkSize,
            context,
            refreshLines: runId === null ? undefined : (text) => this.repo.copyLineDigests(table, text),
          },
        );
        // The parse generator has not started yet: it reads knownLines once it knows the file's layout.
        ctx.knownLines = out.known;
        await this.copyStaged(table, out.staged);
        // The keys no row named: what may disappear (a dry run only counts them).
        if (runId !== null) await this.repo.copyAbsent(table, snapshot);
        return { ...out, snapshot };
      } finally {
        // Also when staging failed: no parse thread outlives its file.
        await (await starting)?.close();
      }
    });
    const { duplicates: sqlDuplicates, duplicateLines: sqlDuplicateLines } = await timed('prepare', () =>
      this.repo.prepareStaging(table, runId, keys.candidates()),
    );
    const duplicates = sqlDuplicates + counters.snapshotDuplicates;
    const duplicateLines = sqlDuplicateLines + counters.snapshotDuplicateLines;
    const chunksTotal = Math.ceil(counters.rowsLoaded / chunkSize);
    const delta: DeltaStaged = {
      ...snapshot.tally(),
      unchangedByChunk: Array.from({ length: chunksTotal }, (_, k) => counters.unchangedByChunk[k] ?? 0),
      fingerprint: snapshot.fingerprint,
    };
    const rowsRejected = counters.rowsRejected + duplicates;
    const unreadable: Unreadable = {
      unknownKeyRows: counters.unknownKeyRows,
      possibleKeyRows: counters.possibleKeyRows,
      // A rejected last record without a final line break: the transfer may have stopped there.
      cutOffLastLine: counters.lastRowRejected && !(await endsWithLineBreak(path, info.bytes)),
    };
    const lines: LineAccounting = {
      physical: stats.physicalLines,
      header: stats.headerLines,
      blank: stats.blankLines,
      loaded: counters.loadedLines - duplicateLines,
      rejected: counters.rejectedLines + duplicateLines,
    };
    return {
      rowsTotal: counters.rowsTotal,
      rowsLoaded: counters.rowsLoaded - duplicates,
      rowsRejected,
      rowsWithWarnings: counters.rowsWithWarnings,
      duplicates,
      stagedRows: counters.rowsLoaded,
      // Rounded as stored (a 4-byte real would otherwise read back differently from a dry run's).
      errorRate: counters.rowsTotal ? Math.round((rowsRejected / counters.rowsTotal) * 1e6) / 1e6 : 0,
      lines,
      parts: counters.parts,
      rejectedWithKey: counters.rejectedWithKey,
      unreadable,
      delta,
      issues: tally.counts(),
    };
  }

  private copyStaged(table: string, staged: AsyncIterable<Uint8Array>): Promise<void> {
    return this.repo.copyStaging(table, staged).catch((e) => {
      // A value the staging table's types refuse is a connector defect; the database's message may
      // quote the value (personal data), so only its SQLSTATE is kept.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && /^22/.test(code)) {
        throw new FileFormatError(
          'STAGING_REJECTED',
          `A parsed value could not be stored in the staging table (SQLSTATE ${code}); nothing was applied. Report this file to the maintainers.`,
        );
      }
      throw e;
    });
  }

  /** File-level rules that fail a run after staging (nothing applied), under the run's limits. */
  private verdict(staged: { rowsTotal: number; rowsRejected: number; errorRate: number }, limits: RunLimits): { code: string; reason: string } | null {
    if (staged.rowsTotal === 0) {
      return { code: 'EMPTY_FILE', reason: 'The file has no data rows; an empty extract would mark every record of the source as disappeared.' };
    }
    if (staged.errorRate > limits.maxErrorRate) {
      return {
        code: 'ERROR_RATE_EXCEEDED',
        reason:
          `${staged.rowsRejected} of ${staged.rowsTotal} rows were rejected (${(staged.errorRate * 100).toFixed(1)} %), above the run's limit of ` +
          `${pct(limits.maxErrorRate)} (--max-error-rate, IMPORT_MAX_ERROR_RATE). See the row errors; nothing was applied.`,
      };
    }
    return null;
  }

  /** Whether `disappeared` of `active` records would vanish beyond the run's disappearance limit. */
  private massDisappearance(p: { active: number; disappeared: number }, limits: RunLimits): boolean {
    return p.active > 0 && p.disappeared / p.active > limits.maxDisappearedRate;
  }

  private disappearanceReason(p: { active: number; disappeared: number }, limits: RunLimits): string {
    return (
      `${p.disappeared} of ${p.active} active records of this source would disappear, above the run's limit of ${pct(limits.maxDisappearedRate)} ` +
      `(--max-disappearance, IMPORT_MAX_DISAPPEARED_RATE). Check that the file is a complete extract; nothing was applied.`
    );
  }

  /**
   * Parses and diffs a file exactly like a run would, and reports the same summary, without
   * creating a run or touching any canonical table.
   */
  async dryRun(path: string, opts: { source?: SourceName } & RunOptions = {}): Promise<ImportSummary & { wouldFail: boolean }> {
    const limits = this.limitsFrom(opts);
    const { path: abs, info, source } = await this.inspect(path, opts.source);
    const table = dryRunStagingTable();
    const untimed = <T>(_phase: keyof ImportTimings, fn: () => Promise<T>) => fn();
    if (isTableSource(source)) return this.dryRunTable(table, abs, source, info, limits);
    try {
      const staged = await this.stageFile(table, null, abs, basename(abs), source, info, untimed);
      const issues = staged.duplicates
        ? [...staged.issues, { code: 'DUPLICATE_KEY', field: '(row)', severity: 'error', count: staged.duplicates }]
        : staged.issues;
      const verdict = this.verdict(staged, limits);
      const hold = holdOf(staged.unreadable);
      const { keptRejected, heldBack, ...diff } = await this.repo.previewDiff(table, source, hold, staged.delta);
      const active = await this.repo.disappearancePreview(table, source, staged.delta);
      const mass = !verdict && this.massDisappearance(active, limits);
      const failureCode = verdict?.code ?? (mass ? 'DISAPPEARANCE_LIMIT_EXCEEDED' : null);
      return {
        runId: null,
        source,
        fileName: basename(abs),
        state: failureCode ? 'failed' : 'done',
        rowsTotal: staged.rowsTotal,
        rowsLoaded: staged.rowsLoaded,
        rowsRejected: staged.rowsRejected,
        rowsWithWarnings: staged.rowsWithWarnings,
        // A failed run applies nothing: its diff counts stay zero, as a real run's would.
        ...(failureCode ? { added: 0, changed: 0, unchanged: 0, disappeared: 0, keptRejected: 0 } : { ...diff, keptRejected }),
        heldBack: failureCode ? null : { records: heldBack, reasons: heldBack ? hold.reasons : [] },
        errorRate: staged.errorRate,
        failureCode,
        failureReason: verdict?.reason ?? (mass ? this.disappearanceReason(active, limits) : null),
        errorsByCode: issues.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.field.localeCompare(b.field)),
        lines: staged.lines,
        wouldFail: Boolean(failureCode),
      };
    } finally {
      await this.repo.dropStaging(table);
    }
  }

  private async dryRunTable(
    table: string,
    abs: string,
    source: Extract<SourceName, 'sisben_hogares' | 'oferta'>,
    info: FileInspection,
    limits: RunLimits,
  ): Promise<ImportSummary & { wouldFail: boolean }> {
    try {
      const staged = await this.tables.stageFile(table, null, abs, basename(abs), source, info);
      const verdict = this.verdict(staged, limits);
      const { active, ...diff } = await this.tables.preview(table, source);
      const mass = !verdict && this.massDisappearance({ active, disappeared: diff.disappeared }, limits);
      const failureCode = verdict?.code ?? (mass ? 'DISAPPEARANCE_LIMIT_EXCEEDED' : null);
      return {
        runId: null,
        source,
        fileName: basename(abs),
        state: failureCode ? 'failed' : 'done',
        rowsTotal: staged.rowsTotal,
        rowsLoaded: staged.rowsLoaded,
        rowsRejected: staged.rowsRejected,
        rowsWithWarnings: staged.rowsWithWarnings,
        ...(failureCode ? { added: 0, changed: 0, unchanged: 0, disappeared: 0, keptRejected: 0 } : diff),
        errorRate: staged.errorRate,
        failureCode,
        failureReason: verdict?.reason ?? (mass ? this.disappearanceReason({ active, disappeared: diff.disappeared }, limits) : null),
        errorsByCode: staged.issues.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.field.localeCompare(b.field)),
        lines: staged.lines,
        heldBack: null,
        wouldFail: Boolean(failureCode),
      };
    } finally {
      await this.repo.dropStaging(table);
    }
  }

  /**
   * Applies a staged run. The first snapshot of a source, if large, takes the bulk path (one
   * transaction, see ImportRepository.bulkLoad); otherwise chunk by chunk, each chunk and its
   * done-mark in one transaction, skipping chunks a previous attempt applied.
   */
  private async apply(
    run: ImportRunRow,
    log: Logger,
    signal?: AbortSignal,
    timed: <T>(phase: keyof ImportTimings, fn: () => Promise<T>) => Promise<T> = (_phase, fn) => fn(),
  ) {
    const size = this.config.IMPORT_CHUNK_SIZE;
    const done = await this.repo.appliedChunks(run.id);
    const { staged } = readRunSummary(run.summary);
    if (done.size === 0) {
      if (staged && (await this.repo.canBulkLoad(run, staged.rows, Math.max(size, BULK_MIN_ROWS)))) {
        if (signal?.aborted) throw new JobReleasedError();
        const counts = await this.repo.bulkLoad(run, { chunkSize: size, chunksTotal: run.chunksTotal, stagedRows: staged.rows, parts: staged.parts });
        if (counts) {
          log.info({ added: counts.added }, 'first snapshot of the source bulk-loaded');
          return;
        }
      }
    }
    const plan = await timed('plan', () => this.repo.planChanges(run.id, run.source, size, holdsAll(staged?.unreadable), staged?.delta));
    // The guard weighs every absent record, held back or not: a file cut in half still fails.
    const limits = this.limitsOf(run);
    if (done.size === 0 && this.massDisappearance({ active: plan.active, disappeared: plan.absent }, limits)) {
      // A truncated or wrong file must not make half a registry vanish: fail it for an operator to review.
      throw new FileFormatError('DISAPPEARANCE_LIMIT_EXCEEDED', this.disappearanceReason({ active: plan.active, disappeared: plan.absent }, limits));
    }
    for (let chunk = 0; chunk < run.chunksTotal; chunk++) {
      if (done.has(chunk)) continue;
      if (signal?.aborted) throw new JobReleasedError();
      const counts = await this.repo.applyChunk(run, chunk, chunk * size, (chunk + 1) * size, plan.totals[chunk] ?? 0);
      if (counts) log.debug({ chunk, ...counts }, 'chunk applied');
    }
  }

  async summary(run: ImportRunRow): Promise<ImportSummary> {
    const fresh = (await this.repo.findRun(run.id)) ?? run;
    const extra = readRunSummary(fresh.summary);
    return {
      runId: fresh.id,
      source: fresh.source,
      fileName: fresh.fileName,
      state: fresh.state,
      rowsTotal: fresh.rowsTotal,
      rowsLoaded: fresh.rowsLoaded,
      rowsRejected: fresh.rowsRejected,
      rowsWithWarnings: fresh.rowsWithWarnings,
      added: fresh.added,
      changed: fresh.changed,
      unchanged: fresh.unchanged,
      disappeared: fresh.disappeared,
      keptRejected: extra.keptRejected ?? 0,
      errorRate: fresh.errorRate ?? 0,
      failureCode: fresh.failureCode,
      failureReason: fresh.failureReason,
      errorsByCode: await this.repo.errorSummary(fresh.id),
      lines: extra.lines ?? null,
      heldBack: extra.heldBack ?? null,
    };
  }
}
