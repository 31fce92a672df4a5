import { and, asc, eq, getTableColumns, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { affiliations, personIdentifiers, persons } from '../../schema';
import type { Orm } from '../platform/db';
import type { DocumentTypeCode } from '../domain/reference/documentTypes';
import type { AffiliationState, Subsystem } from '../domain/reference/affiliations';
import type { SisbenGroup } from '../domain/reference/sisben';
import { toPage, type Page, type PageRequest } from '../kernel';
import { scopeCondition } from '../platform/db/territory';
import { anyOf, pickColumns, prepared, scopeParams, scopePlaceholders } from '../platform/db/prepared';
import type { TerritoryScope } from '../kernel';
import { factsShape, parsePersonFacts, personFactsColumn, wantsFacts, type PersonFacts, type PersonFactsWanted } from './personFacts';

/**
 * The columns a person is read with: every column but the row's timestamps, which nothing reading
 * persons returns. Each timestamp costs a string and a Date per row (decoded by postgres.js, then
 * parsed by drizzle): ~2.5 % of the hub's CPU on the persons and households pages went there.
 */
const { createdAt: _createdAt, updatedAt: _updatedAt, ...PERSON_COLUMNS } = getTableColumns(persons);
export { PERSON_COLUMNS };
export type PersonRow = Omit<typeof persons.$inferSelect, 'createdAt' | 'updatedAt'>;

export interface PersonFilter {
  department?: string;
  municipality?: string;
  sisbenGroup?: SisbenGroup;
  displaced?: boolean;
  victim?: boolean;
  affiliationState?: AffiliationState;
  /** Restricts `affiliationState` to one subsystem (e.g. SALUD). */
  subsystem?: Subsystem;
}

/** One document lookup: the number (normalized) under `type`, else under the life-cycle `family`. */
export interface DocumentLookup {
  type: DocumentTypeCode;
  number: string;
  family: readonly DocumentTypeCode[];
}

export class PersonRepository {
  constructor(private readonly orm: Orm) {}

  /** With `columns`, only those of each row (the others absent): for a caller that returns no other. */
  async findByIds(ids: readonly number[], scope?: TerritoryScope | null, columns?: readonly (keyof PersonRow)[]): Promise<PersonRow[]> {
    if (!ids.length) return [];
    const picked = pickColumns(PERSON_COLUMNS, columns);
    const shape = `${scope ? 'persons.byIds.scoped' : 'persons.byIds'}${picked.shape}`;
    const query = prepared(this.orm, shape, () =>
      this.orm
        .select(picked.columns)
        .from(persons)
        .where(and(anyOf(persons.id, 'ids'), scope ? scopePlaceholders(persons.departmentCode, persons.municipalityCode) : undefined))
        .prepare(`${scope ? 'persons_by_ids_scoped' : 'persons_by_ids'}${picked.statement}`),
    );
    return query.execute({ ids: [...ids], ...(scope ? scopeParams(scope) : {}) });
  }

  /**
   * Public ids → current persons. A merged-away id resolves to its survivor (merges keep
   * `merged_into_id` pointing at the final survivor, so one hop is enough).
   * Returns a map keyed by the requested public id.
   */
  async resolvePublicIds(publicIds: readonly string[], scope?: TerritoryScope | null): Promise<Map<string, PersonRow>> {
    const out = new Map<string, PersonRow>();
    if (!publicIds.length) return out;
    const rows = await this.orm
      .select({ publicId: persons.publicId, id: persons.id, mergedIntoId: persons.mergedIntoId })
      .from(persons)
      .where(inArray(persons.publicId, [...publicIds]));
    const targetIds = rows.map((r) => r.mergedIntoId ?? r.id);
    const targets = new Map((await this.findByIds(targetIds, scope)).map((p) => [p.id, p]));
    for (const r of rows) {
      const target = targets.get(r.mergedIntoId ?? r.id);
      if (target && target.status === 'active') out.set(r.publicId, target);
    }
    return out;
  }

  /** Active persons holding a document (exact type, or any type of the same life cycle when asked). */
  async findByDocument(docTypes: readonly DocumentTypeCode[], docNumber: string, scope?: TerritoryScope | null): Promise<PersonRow[]> {
    const [type, ...family] = docTypes;
    if (!type) return [];
    const [found] = await this.findByDocuments([{ type, number: docNumber, family }], scope);
    return found ?? [];
  }

  /**
   * Several document lookups in one statement: for each lookup, the active persons in scope holding
   * the number under its type; when none does and the lookup names a life-cycle family (RC/NUIP → TI
   * → CC), those holding it under a type of the family. One array of persons per lookup, in input
   * order, each sorted by id.
   */
  async findByDocuments(
    lookups: readonly DocumentLookup[],
    scope?: TerritoryScope | null,
    wanted?: PersonFactsWanted,
  ): Promise<PersonRow[][] & { facts?: Map<number, PersonFacts> }> {
    const out: PersonRow[][] & { facts?: Map<number, PersonFacts> } = lookups.map(() => []);
    if (!lookups.length) return out;
    const withFacts = wantsFacts(wanted) ? wanted : undefined;
    // One lookup (personByDocument) reads it from a one-row VALUES: PostgreSQL then knows the row
    // count in a generic plan and keeps one instead of planning the statement on every execution
    // (planning was about 0.2 ms of its 0.25 ms; unnest of a parameter counts as 10 rows).
    const single = lookups.length === 1;
    const shape = `${single ? 'one' : ''}${scope ? 'scoped' : ''}${factsShape(withFacts)}`;
    const exact = sql<boolean>`(${personIdentifiers.docType} = i.doc_type)`;
    const query = prepared(this.orm, `persons.byDocuments:${shape}`, () =>
      this.orm
        // One row per lookup, match kind and person (a person holding the number under two types of the
        // family joins twice): distinct on the keys, not on every column of the row.
        .selectDistinctOn([sql`i.idx`, exact, persons.id], {
          idx: sql<number>`i.idx`,
          exact,
          person: PERSON_COLUMNS,
          facts: withFacts ? personFactsColumn(withFacts) : sql<null>`null::text`,
        })
        .from(
          single
            ? sql`(values (0, ${sql.placeholder('type')}::text, ${sql.placeholder('number')}::text, ${sql.placeholder('oneLifeCycle')}::int)) as i(idx, doc_type, doc_number, life_cycle)`
            : sql`unnest(${sql.placeholder('idx')}::int[], ${sql.placeholder('types')}::text[], ${sql.placeholder('numbers')}::text[], ${sql.placeholder('lifeCycle')}::int[]) as i(idx, doc_type, doc_number, life_cycle)`,
        )
        .innerJoin(
          personIdentifiers,
          sql`${personIdentifiers.docNumber} = i.doc_number and (${personIdentifiers.docType} = i.doc_type or (i.life_cycle = 1 and ${anyOf(personIdentifiers.docType, 'family', 'text')}))`,
        )
        .innerJoin(persons, eq(persons.id, personIdentifiers.personId))
        .where(and(eq(persons.status, 'active'), scope ? scopePlaceholders(persons.departmentCode, persons.municipalityCode) : undefined))
        .prepare(`persons_by_documents${shape.replace(/[^a-z]+/gi, '_')}`),
    );
    // Each lookup's family is the rest of the one life cycle: their union, with a per-lookup flag.
    const family = [...new Set(lookups.flatMap((l) => [...l.family, ...(l.family.length ? [l.type] : [])]))];
    const lifeCycle = lookups.map((l) => (l.family.length > 0 ? 1 : 0)); // ints: postgres.js sends a boolean array as one boolean
    const rows = await query.execute({
      ...(single
        ? { type: lookups[0]!.type, number: lookups[0]!.number, oneLifeCycle: lifeCycle[0] }
        : { idx: lookups.map((_, i) => i), types: lookups.map((l) => l.type), numbers: lookups.map((l) => l.number), lifeCycle }),
      family,
      ...(scope ? scopeParams(scope) : {}),
    });
    const exactIdx = new Set(rows.filter((r) => r.exact).map((r) => Number(r.idx)));
    const seen = new Set<string>();
    for (const r of rows) {
      // A lookup with an exact hit ignores the family's: the number under its own type is the person.
      if (exactIdx.has(Number(r.idx)) && !r.exact) continue;
      const key = `${r.idx}:${r.person.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out[Number(r.idx)]!.push(r.person);
      if (withFacts && r.facts) (out.facts ??= new Map()).set(r.person.id, parsePersonFacts(r.facts, withFacts));
    }
    for (const list of out) list.sort((a, b) => a.id - b.id);
    return out;
  }

  async list(
    filter: PersonFilter,
    page: PageRequest,
    scope?: TerritoryScope | null,
    wanted?: PersonFactsWanted,
  ): Promise<Page<PersonRow> & { facts?: Map<number, PersonFacts> }> {
    const withFacts = wantsFacts(wanted) ? wanted : undefined;
    // One built query per combination of given filters (values are placeholders).
    const given = (Object.keys(filter) as (keyof PersonFilter)[]).filter((k) => filter[k] !== undefined).sort();
    const after = page.after !== undefined;
    const shape = `persons.list:${given.join(',')}:${after ? 'after' : ''}:${scope ? 'scoped' : ''}${factsShape(withFacts)}`;
    const query = prepared(this.orm, shape, () => {
      const p = (name: keyof PersonFilter) => (given.includes(name) ? sql.placeholder(name) : undefined);
      const conditions = [
        eq(persons.status, 'active'),
        p('department') && eq(persons.departmentCode, p('department')!),
        p('municipality') && eq(persons.municipalityCode, p('municipality')!),
        p('sisbenGroup') && eq(persons.sisbenGroup, p('sisbenGroup')!),
        p('displaced') && eq(persons.isDisplaced, p('displaced')!),
        p('victim') && eq(persons.isVictim, p('victim')!),
        p('affiliationState') &&
          sql`exists (select 1 from ${affiliations} a where a.person_id = ${persons.id} and a.status = 'active'
            and a.state = ${p('affiliationState')}${p('subsystem') ? sql` and a.subsystem = ${p('subsystem')}` : sql``})`,
        scope ? scopePlaceholders(persons.departmentCode, persons.municipalityCode) : undefined,
        after ? gt(persons.id, sql.placeholder('after')) : undefined,
      ];
      return this.orm
        .select({ person: PERSON_COLUMNS, facts: withFacts ? personFactsColumn(withFacts) : sql<null>`null::text` })
        .from(persons)
        .where(and(...conditions))
        .orderBy(asc(persons.id))
        .limit(sql.placeholder('limit'))
        .prepare(shape.replace(/[^a-z0-9]+/gi, '_'));
    });
    const rows = await query.execute({ ...filter, after: page.after, limit: page.first + 1, ...(scope ? scopeParams(scope) : {}) });
    const result: Page<PersonRow> & { facts?: Map<number, PersonFacts> } = toPage(
      rows.map((r) => r.person),
      page.first,
    );
    if (withFacts) {
      // The rows past the page (the one that tells hasNextPage) are not primed: nothing reads them.
      const onPage = new Set(result.items.map((p) => p.id));
      result.facts = new Map(rows.filter((r) => r.facts && onPage.has(r.person.id)).map((r) => [r.person.id, parsePersonFacts(r.facts!, withFacts)]));
    }
    return result;
  }

  /**
   * How many active persons match (the same filter and scope as `list`). The filters are the
   * indexed denormalized columns, so a filtered count is an index range count; without a filter it
   * counts every active person (an index-only scan of the whole table: see README, "totalCount").
   */
  async count(filter: PersonFilter, scope?: TerritoryScope | null): Promise<number> {
    const [row] = await this.orm
      .select({ n: sql<number>`count(*)::int` })
      .from(persons)
      .where(and(...this.conditions(filter, scope)));
    return row?.n ?? 0;
  }

  private conditions(filter: PersonFilter, scope?: TerritoryScope | null): (SQL | undefined)[] {
    return [
      eq(persons.status, 'active'),
      filter.department ? eq(persons.departmentCode, filter.department) : undefined,
      filter.municipality ? eq(persons.municipalityCode, filter.municipality) : undefined,
      filter.sisbenGroup ? eq(persons.sisbenGroup, filter.sisbenGroup) : undefined,
      filter.displaced !== undefined ? eq(persons.isDisplaced, filter.displaced) : undefined,
      filter.victim !== undefined ? eq(persons.isVictim, filter.victim) : undefined,
      filter.affiliationState
        ? sql`exists (select 1 from ${affiliations} a where a.person_id = ${persons.id} and a.status = 'active'
            and a.state = ${filter.affiliationState}${filter.subsystem ? sql` and a.subsystem = ${filter.subsystem}` : sql``})`
        : undefined,
      scopeCondition(scope, persons.departmentCode, persons.municipalityCode),
    ];
  }
}
