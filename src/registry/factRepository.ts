import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { affiliations, importRuns, personIdentifiers, sisbenClassifications, sourceEntities, sourceRecords, victimRegistrations } from '../../schema';
import type { RecordLocation } from '../archive';
import type { Orm } from '../platform/db';
import { anyOf, pickColumns, prepared } from '../platform/db/prepared';

// A document's and an affiliation's columns as they are read (the loaders and the facts read with
// a person, src/registry/personFacts.ts): every column but the row's timestamp, which no reader
// returns (a string and a Date per row, decoded and thrown away).
const { createdAt: _identifierCreatedAt, ...IDENTIFIER_COLUMNS } = getTableColumns(personIdentifiers);
const { updatedAt: _affiliationUpdatedAt, ...AFFILIATION_COLUMNS } = getTableColumns(affiliations);
export { AFFILIATION_COLUMNS, IDENTIFIER_COLUMNS };
export type IdentifierRow = Omit<typeof personIdentifiers.$inferSelect, 'createdAt'>;
export type AffiliationRow = Omit<typeof affiliations.$inferSelect, 'updatedAt'>;
export type SisbenRow = typeof sisbenClassifications.$inferSelect;
export type VictimRow = typeof victimRegistrations.$inferSelect;
export interface SourceRecordView {
  id: number;
  source: (typeof sourceRecords.$inferSelect)['source'];
  personId: number | null;
  sourceEntityId: number;
  sourceKey: string;
  lineNo: number;
  /** Only for records imported before the archive existed; otherwise the line is read from the archive. */
  raw: string | null;
  /** Only for records written before 0026 (or without an archived file); otherwise re-derived from the archived line. */
  normalized: unknown;
  /** The record's content digest (hex): what re-derived values are checked against. */
  contentHash: string;
  importRunId: number;
  fileName: string;
  /** The run's file in the archive, its encoding, and where the record's line is in it. */
  sha256: string;
  encoding: string | null;
  byteOffset: number | null;
  byteLength: number | null;
  entityStatus: 'active' | 'vanished';
  createdAt: Date;
}

/**
 * Where a record's normalized values are re-derived from (its archived line, its run's source and
 * file, its key and digest), or null when it keeps a copy (written before 0026) or has no archived line.
 */
export function valuesLocation(r: SourceRecordView): RecordLocation | null {
  if (r.normalized !== null || r.byteOffset === null || r.byteLength === null) return null;
  return {
    sha256: r.sha256,
    encoding: r.encoding,
    offset: r.byteOffset,
    length: r.byteLength,
    source: r.source,
    fileName: r.fileName,
    line: r.lineNo,
    sourceKey: r.sourceKey,
    contentHash: r.contentHash,
    importedAt: r.createdAt,
  };
}

/** Columns of a SourceRecordView: a record version with its entity's person and status and its file. */
export const SOURCE_RECORD_VIEW = {
  id: sourceRecords.id,
  source: sourceRecords.source,
  personId: sourceEntities.personId,
  sourceEntityId: sourceRecords.sourceEntityId,
  sourceKey: sourceRecords.sourceKey,
  lineNo: sourceRecords.lineNo,
  raw: sourceRecords.raw,
  normalized: sourceRecords.normalized,
  contentHash: sql<string>`encode(${sourceRecords.contentHash}, 'hex')`,
  importRunId: sourceRecords.importRunId,
  fileName: importRuns.fileName,
  sha256: importRuns.sha256,
  encoding: importRuns.encoding,
  byteOffset: sourceRecords.byteOffset,
  byteLength: sourceRecords.byteLength,
  entityStatus: sourceEntities.status,
  createdAt: sourceRecords.createdAt,
};

/** Source facts and provenance, always fetched for a batch of persons (DataLoader batch functions). */
export class FactRepository {
  constructor(private readonly orm: Orm) {}

  /** With `columns`, only those of each row (the others absent): for a caller that returns no other. */
  identifiersByPersonIds(personIds: readonly number[], columns?: readonly (keyof IdentifierRow)[]): Promise<IdentifierRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    const picked = pickColumns(IDENTIFIER_COLUMNS, columns);
    return prepared(this.orm, `facts.identifiersByPersonIds${picked.shape}`, () =>
      this.orm
        .select(picked.columns)
        .from(personIdentifiers)
        .where(anyOf(personIdentifiers.personId, 'ids'))
        .orderBy(asc(personIdentifiers.personId), asc(personIdentifiers.id))
        .prepare(`facts_identifiersByPersonIds${picked.statement}`),
    ).execute({ ids: [...personIds] });
  }

  /** With `columns`, only those of each row (the others absent): for a caller that returns no other. */
  affiliationsByPersonIds(personIds: readonly number[], columns?: readonly (keyof AffiliationRow)[]): Promise<AffiliationRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    const picked = pickColumns(AFFILIATION_COLUMNS, columns);
    return prepared(this.orm, `facts.affiliationsByPersonIds${picked.shape}`, () =>
      this.orm
        .select(picked.columns)
        .from(affiliations)
        .where(anyOf(affiliations.personId, 'ids'))
        .orderBy(asc(affiliations.personId), asc(affiliations.subsystem), asc(affiliations.id))
        .prepare(`facts_affiliationsByPersonIds${picked.statement}`),
    ).execute({ ids: [...personIds] });
  }

  sisbenByPersonIds(personIds: readonly number[]): Promise<SisbenRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    return prepared(this.orm, 'facts.sisbenByPersonIds', () =>
      this.orm
        .select()
        .from(sisbenClassifications)
        .where(anyOf(sisbenClassifications.personId, 'ids'))
        .orderBy(asc(sisbenClassifications.personId), asc(sisbenClassifications.id))
        .prepare('facts_sisbenByPersonIds'),
    ).execute({ ids: [...personIds] });
  }

  victimRegistrationsByPersonIds(personIds: readonly number[]): Promise<VictimRow[]> {
    if (!personIds.length) return Promise.resolve([]);
    return prepared(this.orm, 'facts.victimRegistrationsByPersonIds', () =>
      this.orm
        .select()
        .from(victimRegistrations)
        .where(anyOf(victimRegistrations.personId, 'ids'))
        .orderBy(asc(victimRegistrations.personId), asc(victimRegistrations.id))
        .prepare('facts_victimRegistrationsByPersonIds'),
    ).execute({ ids: [...personIds] });
  }

  /** The current version of every source record linked to the persons (their provenance). */
  async sourceRecordsByPersonIds(personIds: readonly number[]): Promise<SourceRecordView[]> {
    if (!personIds.length) return [];
    return this.orm
      .select(SOURCE_RECORD_VIEW)
      .from(sourceEntities)
      .innerJoin(sourceRecords, eq(sourceRecords.id, sourceEntities.currentRecordId))
      .innerJoin(importRuns, eq(importRuns.id, sourceRecords.importRunId))
      .where(inArray(sourceEntities.personId, [...personIds]))
      .orderBy(asc(sourceEntities.personId), asc(sourceRecords.id));
  }

  async sourceRecordsByIds(ids: readonly number[]): Promise<SourceRecordView[]> {
    if (!ids.length) return [];
    return this.orm
      .select(SOURCE_RECORD_VIEW)
      .from(sourceRecords)
      .innerJoin(sourceEntities, eq(sourceEntities.id, sourceRecords.sourceEntityId))
      .innerJoin(importRuns, eq(importRuns.id, sourceRecords.importRunId))
      .where(and(inArray(sourceRecords.id, [...ids])));
  }
}
