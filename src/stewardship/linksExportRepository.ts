import { sql, type SQL } from 'drizzle-orm';
import { UNFINISHED_EXPORT_STATES, type ExportState } from '../../schema';
import type { SourceName } from '../kernel';
import type { Database } from '../platform/db';

export type LinksExportState = ExportState;
/** One text[] bind of the unfinished states (the tuple comes from the table's enum). */
const UNFINISHED = `{${UNFINISHED_EXPORT_STATES.join(',')}}`;

export interface LinksExportRow {
  id: number;
  state: LinksExportState;
  source: SourceName | null;
  fileName: string | null;
  rows: number;
  requestedBy: string;
  failureReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One line of the "cruce": a source record and the person it belongs to. */
export interface LinkLine {
  entityId: number;
  source: SourceName;
  file: string;
  line: number;
  personPublicId: string | null;
  linkType: string | null;
  score: number | null;
}

// A hand-written query's row: every column is converted explicitly by the mapper below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;
const toExport = (r: Raw): LinksExportRow => ({
  id: Number(r.id),
  state: r.state,
  source: r.source,
  fileName: r.file_name,
  rows: Number(r.rows),
  requestedBy: r.requested_by,
  failureReason: r.failure_reason,
  createdAt: new Date(r.created_at),
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});

/** Links exports (state rows) and the keyset-paged read of every record's link. */
export class LinksExportRepository {
  constructor(private readonly db: Database) {}

  private q<T = Raw>(s: SQL) {
    return this.db.rows<T>(s);
  }

  async create(source: SourceName | null, requestedBy: string): Promise<LinksExportRow> {
    const [r] = await this.q(sql`insert into links_exports (source, requested_by) values (${source}::source, ${requestedBy}) returning *`);
    return toExport(r);
  }

  async find(id: number): Promise<LinksExportRow | null> {
    const [r] = await this.q(sql`select * from links_exports where id = ${id}`);
    return r ? toExport(r) : null;
  }

  /** pending|running → running (a retried job takes it over); false when done, failed or missing. */
  async start(id: number): Promise<LinksExportRow | null> {
    const [r] = await this.q(
      sql`update links_exports set state = 'running', rows = 0 where id = ${id} and state = any(${UNFINISHED}::export_state[]) returning *`,
    );
    return r ? toExport(r) : null;
  }

  async finish(id: number, fileName: string, rows: number): Promise<void> {
    await this.q(
      sql`update links_exports set state = 'done', file_name = ${fileName}, rows = ${rows}, finished_at = now() where id = ${id} and state = 'running'`,
    );
  }

  async fail(id: number, reason: string): Promise<void> {
    await this.q(
      sql`update links_exports set state = 'failed', failure_reason = ${reason}, finished_at = now() where id = ${id} and state = any(${UNFINISHED}::export_state[])`,
    );
  }

  async unfinished(): Promise<LinksExportRow[]> {
    const rows = await this.q(sql`select * from links_exports where state = any(${UNFINISHED}::export_state[]) order by id`);
    return rows.map(toExport);
  }

  /**
   * The next `limit` records after entity id `after` (current versions: file and line of the version
   * the hub holds now), with their person's public id and how they were linked.
   */
  async page(source: SourceName | null, after: number, limit: number): Promise<LinkLine[]> {
    const rows = await this.q(
      sql`select e.id, e.source, r.file_name, s.line_no, p.public_id::text as person_public_id, l.link_type, l.score
        from source_entities e
        join source_records s on s.id = e.current_record_id
        join import_runs r on r.id = s.import_run_id
        left join persons p on p.id = e.person_id
        left join entity_links l on l.source_entity_id = e.id
        where e.id > ${after} ${source ? sql`and e.source = ${source}::source` : sql``}
        order by e.id limit ${limit}`,
    );
    return rows.map((r) => ({
      entityId: Number(r.id),
      source: r.source,
      file: r.file_name,
      line: Number(r.line_no),
      personPublicId: r.person_public_id,
      linkType: r.link_type,
      score: r.score === null ? null : Number(r.score),
    }));
  }
}
