/**
 * The archive of received files: every imported file kept unchanged, content-addressed by its
 * SHA-256 under ARCHIVE_DIR (default DATA_DIR/archive), verified against its hash when read. It is
 * the provenance of every source record's raw line (records store where their line is, not a copy).
 * Other features import only this file.
 */
export { ArchiveStore, ArchiveError } from './archiveStore';
export { ArchiveService, type LineLocation, type RecordLocation, type VerifyReport, type GcReport } from './archiveService';

/** The archive directory: ARCHIVE_DIR, or DATA_DIR/archive. */
export const archiveDir = (config: { ARCHIVE_DIR?: string; DATA_DIR: string }): string =>
  config.ARCHIVE_DIR ?? `${config.DATA_DIR.replace(/\/+$/, '')}/archive`;
