import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { auditEvents, importRuns, persons, sourceEntities, sourceRecords } from '../../schema';
import type { AuditEntry, AuditWriter, Orm } from '../platform/db';
import { SOURCE_RECORD_VIEW, type SourceRecordView } from '../registry';
import type { ImportRunRow } from '../imports';

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

export interface PersonReadRow {
  personId: number;
  fields: string[];
  reads: number;
  firstReadAt: Date;
  lastReadAt: Date;
}

export interface AuditEventFilter {
  actor?: string;
  personIds?: readonly number[];
  action?: string;
  from?: Date;
  to?: Date;
}

/**
 * The append-only audit log (`audit_events`, shared with reconciliation decisions and merges) and
 * the accountability questions asked of it. Rows are only ever inserted: a trigger rejects UPDATE,
 * DELETE and TRUNCATE whatever the role.
 */
export class AuditRepository {
  constructor(
    private readonly orm: Orm,
    private readonly writer: AuditWriter,
  ) {}

  /** One INSERT for a whole request's events. */
  insertMany(events: readonly AuditEntry[]): Promise<void> {
    return this.writer.write(this.orm, events);
  }

  /** Persons whose audited fields (full identifiers, raw lines) an actor read in [from, to), keyset-paginated by person. */
  async personsReadBy(actor: string, from: Date, to: Date, page: { first: number; afterPersonId?: number }): Promise<PersonReadRow[]> {
    const rows = await this.orm
      .select({
        personId: sql<number>`${auditEvents.personId}`.mapWith(Number),
        fields: sql<string[]>`array_agg(distinct ${auditEvents.field} order by ${auditEvents.field})`,
        reads: sql<number>`count(*)`.mapWith(Number),
        firstReadAt: sql<Date>`min(${auditEvents.occurredAt})`.mapWith((v) => new Date(v)),
        lastReadAt: sql<Date>`max(${auditEvents.occurredAt})`.mapWith((v) => new Date(v)),
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.actor, actor),
          eq(auditEvents.action, 'read'),
          gte(auditEvents.occurredAt, from),
          lt(auditEvents.occurredAt, to),
          isNotNull(auditEvents.personId),
          page.afterPersonId !== undefined ? gt(auditEvents.personId, page.afterPersonId) : undefined,
        ),
      )
      .groupBy(auditEvents.personId)
      .orderBy(asc(auditEvents.personId))
      .limit(page.first + 1);
    return rows;
  }

  /** Events matching a filter, newest first, keyset-paginated by id. */
  list(filter: AuditEventFilter, page: { first: number; beforeId?: number }): Promise<AuditEventRow[]> {
    const conds: (SQL | undefined)[] = [
      filter.actor ? eq(auditEvents.actor, filter.actor) : undefined,
      filter.personIds ? (filter.personIds.length ? inArray(auditEvents.personId, [...filter.personIds]) : sql`false`) : undefined,
      filter.action ? eq(auditEvents.action, filter.action) : undefined,
      filter.from ? gte(auditEvents.occurredAt, filter.from) : undefined,
      filter.to ? lt(auditEvents.occurredAt, filter.to) : undefined,
      page.beforeId !== undefined ? lt(auditEvents.id, page.beforeId) : undefined,
    ];
    return this.orm
      .select()
      .from(auditEvents)
      .where(and(...conds))
      .orderBy(desc(auditEvents.id))
      .limit(page.first + 1);
  }

  /** A person and every person merged into it (their ids still resolve to it; their history is its history). */
  async personAndMergedIds(personId: number): Promise<{ id: number; publicId: string }[]> {
    return this.orm
      .select({ id: persons.id, publicId: persons.publicId })
      .from(persons)
      .where(or(eq(persons.id, personId), eq(persons.mergedIntoId, personId)))
      .orderBy(asc(persons.id));
  }

  /** Every stored version of every source record linked to the person (titular requests: all data held). */
  allSourceRecordVersions(personId: number): Promise<SourceRecordView[]> {
    return this.orm
      .select(SOURCE_RECORD_VIEW)
      .from(sourceEntities)
      .innerJoin(sourceRecords, eq(sourceRecords.sourceEntityId, sourceEntities.id))
      .innerJoin(importRuns, eq(importRuns.id, sourceRecords.importRunId))
      .where(eq(sourceEntities.personId, personId))
      .orderBy(asc(sourceRecords.sourceEntityId), asc(sourceRecords.id));
  }

  importRunsByIds(ids: readonly number[]): Promise<ImportRunRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.orm
      .select()
      .from(importRuns)
      .where(inArray(importRuns.id, [...ids]))
      .orderBy(asc(importRuns.id));
  }
}
