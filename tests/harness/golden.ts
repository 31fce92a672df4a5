/**
 * The golden-record invariant: every person's golden values, derived flags, territory and
 * identifiers equal what a rebuild from its current records gives. `goldenDrift` rebuilds every
 * active person inside a transaction it rolls back, and returns the persons whose stored state
 * differs (with the columns that differ), so a test can require an empty list.
 */
import { sql } from 'drizzle-orm';
import type { App } from '../../src/app';
import { survivorshipOf } from '../../src/reconciliation';

const GOLDEN = sql`p.id, p.first_name, p.second_name, p.first_surname, p.second_surname, p.name_source_record_id, p.birth_date::text,
  p.birth_date_source_record_id, p.sex, p.sex_source_record_id, p.municipality_code, p.municipality_source_record_id, p.department_code,
  p.sisben_group, p.sisben_subgroup, p.is_victim, p.is_displaced, p.health_state,
  (select coalesce(string_agg(i.doc_type || ':' || i.doc_number || ':' || i.source_record_id || ':' || i.seen_count, ',' order by i.doc_type, i.doc_number), '')
     from person_identifiers i where i.person_id = p.id) as identifiers`;

class Rollback extends Error {}

export interface GoldenDrift {
  personId: number;
  columns: Record<string, { stored: unknown; rebuilt: unknown }>;
}

export async function goldenDrift(app: App): Promise<GoldenDrift[]> {
  const { db } = app;
  const read = async (orm = db.orm) =>
    new Map(
      (await db.rows<Record<string, unknown>>(sql`select ${GOLDEN} from persons p where p.status = 'active' order by p.id`, orm)).map((r) => [Number(r.id), r]),
    );
  const stored = await read();
  let rebuilt = new Map<number, Record<string, unknown>>();
  await db.orm
    .transaction(async (tx) => {
      await app.repositories.golden.rebuild(tx, [...stored.keys()], survivorshipOf(app.config));
      rebuilt = await read(tx);
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  const out: GoldenDrift[] = [];
  for (const [id, s] of stored) {
    const r = rebuilt.get(id)!;
    const columns: GoldenDrift['columns'] = {};
    for (const k of Object.keys(s)) if (String(s[k]) !== String(r[k])) columns[k] = { stored: s[k], rebuilt: r[k] };
    if (Object.keys(columns).length) out.push({ personId: id, columns });
  }
  return out;
}
