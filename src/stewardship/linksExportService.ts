import { once } from 'node:events';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { SOURCE_NAMES, type SourceName, AppError } from '../kernel';
import type { Clock } from '../kernel';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { QueueUnavailableError, type JobQueue } from '../platform/queue';
import type { LinkLine, LinksExportRepository, LinksExportRow } from './linksExportRepository';

export const LINKS_CSV_HEADER = 'source,file,line,person_id,link_type,score';
const PAGE = 5_000;

/** RFC 4180: quote a field holding a comma, quote or line break. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function linkCsvLine(l: LinkLine): string {
  return [l.source, csvField(l.file), String(l.line), l.personPublicId ?? '', l.linkType ?? '', l.score === null ? '' : String(l.score)].join(',') + '\n';
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) {
    // Wait for room, but do not hang if the stream fails meanwhile.
    await Promise.race([once(out, 'drain'), once(out, 'error').then(([e]) => Promise.reject(e))]);
  }
}

/**
 * The links export ("cruce"): one CSV row per source record, `source,file,line,person_id,link_type,score`,
 * so an agency can join the lines of its own files to the hub's persons. The file carries public
 * person ids, registry file names and line numbers — no names or document numbers — but it is still
 * personal data (pseudonymous: it links a person to registries such as RUV), so it is written to
 * EXPORT_DIR with owner-only permissions and never served over the API.
 *
 * Streams: records are read in keyset pages of 5,000 and written as they come (flat memory).
 */
export class LinksExportService {
  constructor(
    private readonly repo: LinksExportRepository,
    private readonly queue: JobQueue,
    private readonly config: Pick<Config, 'EXPORT_DIR'>,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  static parseSource(s: string | null | undefined): SourceName | null {
    if (s == null) return null;
    const v = s.toLowerCase() as SourceName;
    if (!SOURCE_NAMES.includes(v)) throw new AppError('BAD_USER_INPUT', `source must be one of ${SOURCE_NAMES.join(', ')}.`, { field: 'source' });
    return v;
  }

  /** Writes the CSV to a stream; returns the number of data rows. */
  async writeCsv(out: Writable, source: SourceName | null): Promise<number> {
    await write(out, LINKS_CSV_HEADER + '\n');
    let after = 0;
    let rows = 0;
    for (;;) {
      const page = await this.repo.page(source, after, PAGE);
      if (!page.length) return rows;
      await write(out, page.map(linkCsvLine).join(''));
      rows += page.length;
      after = page[page.length - 1].entityId;
    }
  }

  /** Records an export and hands it to the `links.export` job (ids only in the payload). */
  async request(source: SourceName | null, requestedBy: string): Promise<LinksExportRow> {
    const row = await this.repo.create(source, requestedBy);
    try {
      await this.queue.enqueue('links.export', { exportId: row.id });
    } catch (e) {
      if (!(e instanceof QueueUnavailableError)) throw e;
      this.logger.warn({ exportId: row.id }, 'queue unavailable; links export left pending');
    }
    return row;
  }

  get(id: number): Promise<LinksExportRow | null> {
    return this.repo.find(id);
  }

  /** Exports not finished, oldest first (what the sweeper makes sure a job advances). */
  async unfinishedIds(): Promise<number[]> {
    return (await this.repo.unfinished()).map((r) => r.id);
  }

  /** The export's job spent its last attempt on a transient failure: failed with the reason. */
  giveUp(exportId: number, reason: string): Promise<void> {
    return this.repo.fail(exportId, reason);
  }

  /**
   * The job: writes EXPORT_DIR/links-<id>-<source|all>-<date>.csv through a temporary file renamed
   * at the end, so a reader never sees half a file and a retried job starts clean. Idempotent.
   */
  async process(exportId: number): Promise<void> {
    const row = await this.repo.start(exportId);
    if (!row) return;
    const dir = resolve(this.config.EXPORT_DIR);
    const stamp = this.clock.now().toISOString().slice(0, 10).replace(/-/g, '');
    const fileName = `links-${row.id}-${row.source ?? 'all'}-${stamp}.csv`;
    const tmp = join(dir, `.${fileName}.part`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const fh = await open(tmp, 'w', 0o600);
      const out = fh.createWriteStream();
      let failure: unknown;
      out.on('error', (e) => (failure ??= e));
      let rows = 0;
      try {
        rows = await this.writeCsv(out, row.source);
      } finally {
        out.end();
        await finished(out).catch(() => {});
      }
      if (failure) throw failure;
      await chmod(tmp, 0o600);
      await rename(tmp, join(dir, fileName));
      await this.repo.finish(row.id, fileName, rows);
      this.logger.info({ exportId: row.id, rows }, 'links export written');
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      const code = (e as NodeJS.ErrnoException).code;
      // A file-system refusal will not heal by retrying; anything else (database) is retried by the job.
      if (code === 'EACCES' || code === 'EROFS' || code === 'ENOSPC' || code === 'ENOTDIR') {
        await this.repo.fail(row.id, `Cannot write to EXPORT_DIR (${code}).`);
        return;
      }
      throw e;
    }
  }
}
