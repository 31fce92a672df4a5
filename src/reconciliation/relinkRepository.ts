import { sql, type SQL } from 'drizzle-orm';
import type { Database, Orm } from '../platform/db';

export interface RelinkRow {
  id: number;
  entityId: number;
  fromPerson: number;
  toPerson: number;
  newcomerEntityId: number;
  status: string;
  rule: string | null;
  explanation: unknown;
}

export interface RelinkWrite {
  entityId: number;
  fromPerson: number;
  toPerson: number;
  newcomerEntityId: number;
  explanation: unknown;
}

const bigints = (ids: readonly number[]) => sql`${`{${ids.join(',')}}`}::bigint[]`;
const texts = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`}::text[]`;

/** The rows of a run's relink proposals (earlier links in doubt), from the batches to the end of the run. */
export class RelinkRepository {
  constructor(private readonly db: Database) {}

  private q<T = Record<string, unknown>>(s: SQL, orm: Orm = this.db.orm) {
    return this.db.rows<T>(s, orm);
  }

  async insert(orm: Orm, runId: number, rows: readonly RelinkWrite[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      sql`insert into relink_proposals (reconciliation_run_id, source_entity_id, from_person_id, to_person_id, newcomer_entity_id, explanation)
        select ${runId}, r.entity_id, r.from_p, r.to_p, r.newcomer, r.explanation::jsonb
        from unnest(${bigints(rows.map((r) => r.entityId))}, ${bigints(rows.map((r) => r.fromPerson))}, ${bigints(rows.map((r) => r.toPerson))},
                    ${bigints(rows.map((r) => r.newcomerEntityId))}, ${texts(rows.map((r) => JSON.stringify(r.explanation)))}) with ordinality
          as r(entity_id, from_p, to_p, newcomer, explanation, ord)
        order by r.ord`,
      orm,
    );
  }

  async ofRun(runId: number, status: string): Promise<RelinkRow[]> {
    const rows = await this.q<{
      id: string;
      source_entity_id: string;
      from_person_id: string;
      to_person_id: string;
      newcomer_entity_id: string;
      status: string;
      rule: string | null;
      explanation: unknown;
    }>(sql`select * from relink_proposals where reconciliation_run_id = ${runId} and status = ${status} order by id`);
    return rows.map((r) => ({
      id: Number(r.id),
      entityId: Number(r.source_entity_id),
      fromPerson: Number(r.from_person_id),
      toPerson: Number(r.to_person_id),
      newcomerEntityId: Number(r.newcomer_entity_id),
      status: r.status,
      rule: r.rule,
      explanation: r.explanation,
    }));
  }

  async setStatus(orm: Orm, ids: readonly number[], status: string, rule?: string, explanation?: unknown): Promise<void> {
    if (!ids.length) return;
    await this.q(
      sql`update relink_proposals set status = ${status}, rule = coalesce(${rule ?? null}, rule),
        explanation = coalesce(${explanation === undefined ? null : JSON.stringify(explanation)}::jsonb, explanation)
        where id = any(${bigints(ids)})`,
      orm,
    );
  }

  /** The persons these ids stand for now (a merged-away id stands for its survivor). */
  async currentPersons(orm: Orm, ids: readonly number[]): Promise<Map<number, number>> {
    if (!ids.length) return new Map();
    const rows = await this.q<{ id: string; current: string }>(
      sql`select id, coalesce(merged_into_id, id) as current from persons where id = any(${bigints(ids)})`,
      orm,
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.current)]));
  }

  /** Link types of the records (a steward's placement is never moved). */
  async linkTypes(orm: Orm, entityIds: readonly number[]): Promise<Map<number, string>> {
    if (!entityIds.length) return new Map();
    const rows = await this.q<{ id: string; link_type: string }>(
      sql`select source_entity_id as id, link_type from entity_links where source_entity_id = any(${bigints(entityIds)})`,
      orm,
    );
    return new Map(rows.map((r) => [Number(r.id), r.link_type]));
  }
}
