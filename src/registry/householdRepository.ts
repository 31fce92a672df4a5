import { and, asc, eq, getTableColumns, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { householdMemberships, households, persons } from '../../schema';
import type { Orm } from '../platform/db';
import type { SisbenGroup, Zone } from '../domain/reference/sisben';
import { toPage, type Page, type PageRequest } from '../kernel';
import { scopeCondition } from '../platform/db/territory';
import { anyOf, prepared, scopeParams, scopePlaceholders } from '../platform/db/prepared';
import type { TerritoryScope } from '../kernel';

// A household's and a membership's columns as they are read: every column but the row's
// timestamps, which nothing reading them returns (each a string and a Date per row, decoded and
// thrown away; a households page reads ~100 households and ~330 memberships).
const { createdAt: _householdCreatedAt, updatedAt: _householdUpdatedAt, ...HOUSEHOLD_COLUMNS } = getTableColumns(households);
const { createdAt: _membershipCreatedAt, updatedAt: _membershipUpdatedAt, ...MEMBERSHIP_COLUMNS } = getTableColumns(householdMemberships);
export { HOUSEHOLD_COLUMNS, MEMBERSHIP_COLUMNS };
export type HouseholdRow = Omit<typeof households.$inferSelect, 'createdAt' | 'updatedAt'>;
export type MembershipRow = Omit<typeof householdMemberships.$inferSelect, 'createdAt' | 'updatedAt'>;

export interface HouseholdFilter {
  department?: string;
  municipality?: string;
  sisbenGroup?: SisbenGroup;
  zone?: Zone;
  /** At least one current member is registered as forcibly displaced (RUV hecho 5). */
  displaced?: boolean;
  /** At least one current member is registered in the victims' registry. */
  victim?: boolean;
}

const memberFlag = (flag: SQL) =>
  sql`exists (select 1 from ${householdMemberships} m join ${persons} p on p.id = m.person_id
      where m.household_id = ${households.id} and m.valid_to is null and ${flag})`;

export class HouseholdRepository {
  constructor(private readonly orm: Orm) {}

  async findByIds(ids: readonly number[], scope?: TerritoryScope | null): Promise<HouseholdRow[]> {
    if (!ids.length) return [];
    const query = prepared(this.orm, scope ? 'households.byIds.scoped' : 'households.byIds', () =>
      this.orm
        .select(HOUSEHOLD_COLUMNS)
        .from(households)
        .where(and(anyOf(households.id, 'ids'), scope ? scopePlaceholders(households.departmentCode, households.municipalityCode) : undefined))
        .prepare(scope ? 'households_by_ids_scoped' : 'households_by_ids'),
    );
    return query.execute({ ids: [...ids], ...(scope ? scopeParams(scope) : {}) });
  }

  async findByPublicIds(publicIds: readonly string[], scope?: TerritoryScope | null): Promise<HouseholdRow[]> {
    if (!publicIds.length) return [];
    return this.orm
      .select(HOUSEHOLD_COLUMNS)
      .from(households)
      .where(and(inArray(households.publicId, [...publicIds]), scopeCondition(scope, households.departmentCode, households.municipalityCode)));
  }

  async list(filter: HouseholdFilter, page: PageRequest, scope?: TerritoryScope | null): Promise<Page<HouseholdRow>> {
    // One built query per combination of given filters (values are placeholders; the member flags
    // are part of the shape, as their SQL differs).
    const given = (Object.keys(filter) as (keyof HouseholdFilter)[]).filter((k) => filter[k] !== undefined).sort();
    const after = page.after !== undefined;
    const flags = `${filter.displaced ?? ''}/${filter.victim ?? ''}`;
    const shape = `households.list:${given.join(',')}:${flags}:${after ? 'after' : ''}:${scope ? 'scoped' : ''}`;
    const query = prepared(this.orm, shape, () => {
      const p = (name: 'department' | 'municipality' | 'sisbenGroup' | 'zone') => (given.includes(name) ? sql.placeholder(name) : undefined);
      const flag = (v: boolean | undefined, column: SQL) => (v === undefined ? undefined : v ? memberFlag(column) : sql`not ${memberFlag(column)}`);
      const conditions = [
        eq(households.status, 'active'),
        p('department') && eq(households.departmentCode, p('department')!),
        p('municipality') && eq(households.municipalityCode, p('municipality')!),
        p('sisbenGroup') && eq(households.sisbenGroup, p('sisbenGroup')!),
        p('zone') && eq(households.zone, p('zone')!),
        flag(filter.displaced, sql`p.is_displaced`),
        flag(filter.victim, sql`p.is_victim`),
        scope ? scopePlaceholders(households.departmentCode, households.municipalityCode) : undefined,
        after ? gt(households.id, sql.placeholder('after')) : undefined,
      ];
      return this.orm
        .select(HOUSEHOLD_COLUMNS)
        .from(households)
        .where(and(...conditions))
        .orderBy(asc(households.id))
        .limit(sql.placeholder('limit'))
        .prepare(shape.replace(/[^a-z0-9]+/gi, '_'));
    });
    const { department, municipality, sisbenGroup, zone } = filter;
    const rows = await query.execute({
      department,
      municipality,
      sisbenGroup,
      zone,
      after: page.after,
      limit: page.first + 1,
      ...(scope ? scopeParams(scope) : {}),
    });
    return toPage(rows, page.first);
  }

  /** How many active households match (the filter and scope of `list`). */
  async count(filter: HouseholdFilter, scope?: TerritoryScope | null): Promise<number> {
    const [row] = await this.orm
      .select({ n: sql<number>`count(*)::int` })
      .from(households)
      .where(and(...this.conditions(filter, scope)));
    return row?.n ?? 0;
  }

  private conditions(filter: HouseholdFilter, scope?: TerritoryScope | null): (SQL | undefined)[] {
    return [
      eq(households.status, 'active'),
      filter.department ? eq(households.departmentCode, filter.department) : undefined,
      filter.municipality ? eq(households.municipalityCode, filter.municipality) : undefined,
      filter.sisbenGroup ? eq(households.sisbenGroup, filter.sisbenGroup) : undefined,
      filter.zone ? eq(households.zone, filter.zone) : undefined,
      filter.displaced !== undefined ? (filter.displaced ? memberFlag(sql`p.is_displaced`) : sql`not ${memberFlag(sql`p.is_displaced`)}`) : undefined,
      filter.victim !== undefined ? (filter.victim ? memberFlag(sql`p.is_victim`) : sql`not ${memberFlag(sql`p.is_victim`)}`) : undefined,
      scopeCondition(scope, households.departmentCode, households.municipalityCode),
    ];
  }

  /** Current memberships (valid_to null) of linked persons, for a batch of households. */
  async membershipsByHouseholdIds(householdIds: readonly number[], includeEnded = false): Promise<MembershipRow[]> {
    if (!householdIds.length) return [];
    const shape = includeEnded ? 'memberships.byHousehold.all' : 'memberships.byHousehold';
    return prepared(this.orm, shape, () =>
      this.orm
        .select(MEMBERSHIP_COLUMNS)
        .from(householdMemberships)
        .where(
          and(
            anyOf(householdMemberships.householdId, 'ids'),
            sql`${householdMemberships.personId} is not null`,
            includeEnded ? undefined : isNull(householdMemberships.validTo),
          ),
        )
        .orderBy(asc(householdMemberships.householdId), asc(householdMemberships.memberOrder), asc(householdMemberships.id))
        .prepare(shape.replace(/\./g, '_')),
    ).execute({ ids: [...householdIds] });
  }

  async membershipsByPersonIds(personIds: readonly number[]): Promise<MembershipRow[]> {
    if (!personIds.length) return [];
    return prepared(this.orm, 'memberships.byPerson', () =>
      this.orm
        .select(MEMBERSHIP_COLUMNS)
        .from(householdMemberships)
        .where(anyOf(householdMemberships.personId, 'ids'))
        .orderBy(asc(householdMemberships.personId), asc(householdMemberships.id))
        .prepare('memberships_by_person'),
    ).execute({ ids: [...personIds] });
  }
}
