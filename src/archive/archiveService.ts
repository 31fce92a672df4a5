import { rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db';
import { ArchiveError, type ArchiveStore } from './archiveStore';

/** Where a source record's line is: in which archived file, at which bytes, in which encoding. */
export interface LineLocation {
  sha256: string;
  encoding: string | null;
  offset: number;
  length: number;
}

/**
 * A record whose normalized values are re-derived from its archived line (src/imports
 * recordValues.ts): where the line is, the run's source and file name (a connector reads both), the
 * line's number, and what the values are checked against (key and content digest).
 */
export interface RecordLocation extends LineLocation {
  source: string;
  fileName: string;
  line: number;
  sourceKey: string;
  /** The record's content digest as stored (hex). */
  contentHash: string;
  /** When the record was imported: the connector's "today" (dates after it are refused). */
  importedAt: Date;
}

export interface VerifyReport {
  /** Archived files the database knows, checked against their hash. */
  checked: number;
  ok: number;
  missing: string[];
  corrupt: string[];
  /** Files in the archive directory the database does not know (left by a crash, or copied in by hand). */
  unknown: string[];
  /** Import runs whose file is not recorded in the archive (runs from before the archive existed). */
  runsWithoutArchive: number;
}

export interface GcReport {
  /** Files no source record references (runs that failed, were dry, or whose records were all superseded and are kept anyway). */
  unreferenced: { sha256: string; bytes: number }[];
  /** Interrupted copies removed. */
  temporaries: number;
  removed: boolean;
}

/**
 * The archive of received files: stored once each (content-addressed, see ArchiveStore) and
 * recorded in `archive_files`; the raw line of any source record is read back from it, verified.
 */
export class ArchiveService {
  constructor(
    private readonly db: Database,
    readonly store: ArchiveStore,
  ) {}

  /**
   * Archives a received file (idempotent: the same bytes are stored once) and records it. Called
   * before a run is created for the file, and again before it is staged (a run from before the
   * archive existed is archived then).
   */
  async archive(path: string, sha256: string, bytes: number): Promise<void> {
    const { bytes: stored } = await this.store.put(path, sha256);
    if (stored !== bytes) throw new ArchiveError('ARCHIVE_CORRUPT', sha256, 'The archived file has another size than the file received.');
    await this.db.rows(sql`insert into archive_files (sha256, bytes) values (${sha256}, ${bytes}) on conflict (sha256) do nothing`);
  }

  /** The raw line(s) of a record, decoded as its file was; ARCHIVE_MISSING / ARCHIVE_CORRUPT when the archive cannot give them. */
  async rawLine(at: LineLocation): Promise<string> {
    return new TextDecoder(at.encoding === 'utf-8' ? 'utf-8' : 'windows-1252').decode(await this.lineBytes(at));
  }

  /** The bytes of a record's line(s), from the verified file (what rawLine decodes and recordValues re-parses). */
  lineBytes(at: LineLocation): Promise<Buffer> {
    return this.store.read(at.sha256, at.offset, at.length);
  }

  /** A verified archived file from its start (its head decides how its lines are read); typed errors as rawLine. */
  fileBytes(sha256: string): Promise<AsyncIterable<Buffer>> {
    return this.store.stream(sha256);
  }

  /** Rehashes every archived file the database knows and reports what is missing, altered or unknown. */
  async verify(onFile?: (sha256: string, ok: boolean) => void): Promise<VerifyReport> {
    const known = await this.db.rows<{ sha256: string; bytes: string }>(sql`select sha256, bytes from archive_files order by sha256`);
    const report: VerifyReport = { checked: 0, ok: 0, missing: [], corrupt: [], unknown: [], runsWithoutArchive: 0 };
    for (const f of known) {
      report.checked++;
      try {
        await this.store.verify(f.sha256, Number(f.bytes));
        report.ok++;
        await this.db.rows(sql`update archive_files set verified_at = now() where sha256 = ${f.sha256}`);
        onFile?.(f.sha256, true);
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        (e.reason === 'ARCHIVE_MISSING' ? report.missing : report.corrupt).push(f.sha256);
        onFile?.(f.sha256, false);
      }
    }
    const names = new Set(known.map((k) => k.sha256));
    report.unknown = (await this.store.list()).files.filter((f) => !names.has(f));
    const [r] = await this.db.rows<{ n: number }>(
      sql`select count(*)::int as n from import_runs r where not exists (select 1 from archive_files a where a.sha256 = r.sha256)`,
    );
    report.runsWithoutArchive = r.n;
    return report;
  }

  /**
   * Files no source record references: the files of failed runs (nothing was applied) and files in
   * the directory the database does not know. `remove` deletes them (otherwise a dry run).
   * Files of unfinished runs are never touched (their run still reads them).
   */
  async gc(remove: boolean): Promise<GcReport> {
    const rows = await this.db.rows<{ sha256: string; bytes: string }>(sql`
      select a.sha256, a.bytes from archive_files a
      where not exists (select 1 from import_runs r where r.sha256 = a.sha256 and r.state not in ('failed', 'done'))
        and not exists (select 1 from import_runs r join source_records s on s.import_run_id = r.id where r.sha256 = a.sha256)
      order by a.sha256`);
    const listing = await this.store.list();
    const known = new Set((await this.db.rows<{ sha256: string }>(sql`select sha256 from archive_files`)).map((k) => k.sha256));
    const unreferenced = [
      ...rows.map((r) => ({ sha256: r.sha256, bytes: Number(r.bytes) })),
      ...listing.files.filter((f) => !known.has(f)).map((f) => ({ sha256: f, bytes: 0 })),
    ];
    if (remove) {
      for (const f of unreferenced) {
        await this.store.remove(f.sha256);
        await this.db.rows(sql`delete from archive_files where sha256 = ${f.sha256}`);
      }
      for (const t of listing.temporaries) await rm(t, { force: true });
    }
    return { unreferenced, temporaries: listing.temporaries.length, removed: remove };
  }
}
