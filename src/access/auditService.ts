import { AppError, checkPageSize } from '../kernel';
import type { AuditEvent, TerritoryScope } from '../kernel';
import type { AuditEventFilter, AuditEventRow, AuditRepository, PersonReadRow } from './auditRepository';
import type { SourceRecordView, PersonRow, RegistryService } from '../registry';
import type { ImportRunRow } from '../imports';
/** The audit actor of an API client: stable across renames, never reused. */
export const clientActor = (clientPublicId: string) => `client:${clientPublicId}`;

export interface PersonDossier {
  person: PersonRow;
  /** Internal ids of the person and of every person merged into it. */
  personIds: number[];
  mergedPublicIds: string[];
  sourceRecords: SourceRecordView[];
  importRuns: ImportRunRow[];
}

/** Writes the append-only audit log and answers accountability questions (incidents, titular requests). */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly registry: RegistryService,
    private readonly config: { API_MAX_PAGE_SIZE: number },
  ) {}

  /** One INSERT for all the events (a request's reads are flushed together). */
  record(events: readonly AuditEvent[]): Promise<void> {
    return this.repo.insertMany(events);
  }

  /** "Which persons' full identifiers did this client read between `from` and `to`" (incident reporting). */
  async personsReadBy(
    clientPublicId: string,
    from: Date,
    to: Date,
    first: number,
    afterPersonId?: number,
  ): Promise<{ rows: PersonReadRow[]; hasNextPage: boolean }> {
    this.checkPage(first);
    if (!(from < to)) throw new AppError('BAD_USER_INPUT', '`from` must be before `to`.', { field: 'from' });
    const rows = await this.repo.personsReadBy(clientActor(clientPublicId), from, to, { first, afterPersonId });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  async events(filter: AuditEventFilter, first: number, beforeId?: number): Promise<{ rows: AuditEventRow[]; hasNextPage: boolean }> {
    this.checkPage(first);
    const rows = await this.repo.list(filter, { first, beforeId });
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /**
   * Everything held about one person (a titular's request under Ley 1581): the golden record, every
   * stored version of every linked source record with the import run that brought it, and the
   * ids merged into it. A merged-away id answers for its survivor.
   */
  async dossier(personPublicId: string, scope: TerritoryScope | null): Promise<PersonDossier | null> {
    const person = await this.registry.personByPublicId(personPublicId, scope);
    if (!person) return null;
    const ids = await this.repo.personAndMergedIds(person.id);
    const sourceRecords = await this.repo.allSourceRecordVersions(person.id);
    const importRuns = await this.repo.importRunsByIds([...new Set(sourceRecords.map((r) => r.importRunId))]);
    return {
      person,
      personIds: ids.map((p) => p.id),
      mergedPublicIds: ids.filter((p) => p.id !== person.id).map((p) => p.publicId),
      sourceRecords,
      importRuns,
    };
  }

  private checkPage(first: number) {
    checkPageSize(first, this.config.API_MAX_PAGE_SIZE);
  }
}
