import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SOURCE_NAMES, type SourceName, AppError } from '../kernel';
import type { Clock } from '../kernel';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { ImportRepository, ImportService } from '../imports';
import type { OpsRepository } from './opsRepository';
/** Names that are never imported: hidden files and the usual "still being written" suffixes. */
const IGNORED = /^\.|\.(tmp|part|partial|crdownload|filepart|swp)$|~$/i;

export interface SourceScan {
  source: SourceName;
  /** Files looked at. */
  files: number;
  /** Known path, size and modification time: not read again. */
  unchanged: number;
  /** New import runs started. */
  started: number[];
  /** Bytes already imported under another name or path (same SHA-256): the existing run is kept. */
  duplicates: number;
  /** Files modified less than INBOX_SETTLE_MS ago: left for the next scan. */
  settling: number;
  /** Files refused before parsing (empty, binary, unreadable): recorded as failed runs. */
  rejected: number[];
  /** Runs recorded while the queue was unavailable: the sweeper starts them when it returns. */
  queuedLater: number;
  /** The inbox folder of this source does not exist. */
  missing: boolean;
}

/**
 * The nightly inbox scan: `INBOX_DIR/<source>/` holds the extracts agencies drop for each registry.
 * Each new file becomes an import run (the file is only read: never moved, changed or deleted); a
 * file whose bytes were imported before is skipped by the import's SHA-256 de-duplication, and a
 * file already seen with the same size and modification time is not even hashed again.
 */
export class InboxScanner {
  constructor(
    private readonly imports: ImportService,
    private readonly importRepo: ImportRepository,
    private readonly repo: OpsRepository,
    private readonly config: Pick<Config, 'INBOX_DIR' | 'INBOX_SETTLE_MS'>,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  inboxOf(source: SourceName): string {
    return join(resolve(this.config.INBOX_DIR), source);
  }

  async scan(sources: readonly SourceName[] = SOURCE_NAMES): Promise<SourceScan[]> {
    const out: SourceScan[] = [];
    for (const source of sources) out.push(await this.scanSource(source));
    return out;
  }

  private async scanSource(source: SourceName): Promise<SourceScan> {
    const result: SourceScan = { source, files: 0, unchanged: 0, started: [], duplicates: 0, settling: 0, rejected: [], queuedLater: 0, missing: false };
    const dir = this.inboxOf(source);
    const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!entries) {
      result.missing = true;
      this.logger.warn({ source }, 'inbox folder does not exist; nothing to scan');
      return result;
    }
    const files: { path: string; size: number; mtimeMs: number }[] = [];
    for (const e of entries) {
      if (IGNORED.test(e.name)) continue;
      const path = join(dir, e.name);
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) continue;
      files.push({ path, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
    }
    // Arrival order: snapshots of one source are applied in run order, so older extracts go first.
    files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));

    const now = this.clock.now().getTime();
    for (const f of files) {
      result.files++;
      if (now - f.mtimeMs < this.config.INBOX_SETTLE_MS) {
        result.settling++;
        continue;
      }
      const seen = await this.repo.inboxFile(f.path);
      if (seen && seen.fileBytes === f.size && seen.mtimeMs === f.mtimeMs) {
        result.unchanged++;
        continue;
      }
      await this.submit(source, f, result);
    }
    const log = {
      source,
      files: result.files,
      started: result.started.length,
      unchanged: result.unchanged,
      duplicates: result.duplicates,
      settling: result.settling,
      rejected: result.rejected.length,
    };
    this.logger.info(log, 'inbox scanned');
    return result;
  }

  private async submit(source: SourceName, f: { path: string; size: number; mtimeMs: number }, result: SourceScan) {
    try {
      const { run, created } = await this.imports.submit(f.path, { source, requestedBy: 'inbox-scan' });
      if (created) result.started.push(run.id);
      else result.duplicates++;
      await this.repo.recordInboxFile({ path: f.path, source, fileBytes: f.size, mtimeMs: f.mtimeMs, sha256: run.sha256, importRunId: run.id });
    } catch (e) {
      if (e instanceof AppError && e.code === 'SERVICE_UNAVAILABLE') {
        // The run is recorded as received; the sweeper enqueues it. The file is looked at again next scan.
        result.queuedLater++;
        return;
      }
      if (e instanceof AppError && e.code === 'INVALID_FILE') {
        const runId = await this.recordRejected(source, f, e);
        result.rejected.push(runId);
        return;
      }
      throw e;
    }
  }

  /**
   * A file refused before any run exists (empty, binary, unreadable) still becomes a visible failed
   * run with its reason, so the operator sees it next to the night's other runs.
   */
  private async recordRejected(source: SourceName, f: { path: string; size: number; mtimeMs: number }, e: AppError): Promise<number> {
    const sha256 = await sha256Of(f.path);
    const { run, created } = await this.importRepo.createOrGetRun({
      source,
      fileName: basename(f.path),
      filePath: f.path,
      sha256,
      fileBytes: f.size,
      encoding: 'unknown',
      requestedBy: 'inbox-scan',
    });
    if (created) {
      const code = typeof e.details.reason === 'string' ? e.details.reason : 'INVALID_FILE';
      await this.importRepo.transition(run.id, ['received'], 'failed', { failureCode: code, failureReason: e.message, finishedAt: this.clock.now() });
      this.logger.warn({ source, runId: run.id, failureCode: code }, 'inbox file refused; recorded as a failed run');
    }
    await this.repo.recordInboxFile({ path: f.path, source, fileBytes: f.size, mtimeMs: f.mtimeMs, sha256, importRunId: run.id });
    return run.id;
  }
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
