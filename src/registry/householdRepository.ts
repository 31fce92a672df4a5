import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { householdMemberships, households, persons } from '../../schema';
import type { Orm } from '../platform/db';
import type { SisbenGroup, Zone } from '../domain/reference/sisben';
import { toPage, type Page, type PageRequest } from '../kernel';
import { scopeCondition } from '../platform/db/territory';
import type { TerritoryScope } from '../kernel';

export type HouseholdRow = typeof households.$inferSelect;
export type MembershipRow = typeof householdMemberships.$inferSelect;

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
    return this.orm
      .select()
      .from(households)
      .where(and(inArray(households.id, [...ids]), scopeCondition(scope, households.departmentCode, households.municipalityCode)));
  }

  async findByPublicIds(publicIds: readonly string[], scope?: TerritoryScope | null): Promise<HouseholdRow[]> {
    if (!publicIds.length) return [];
    return this.orm
      .select()
      .from(households)
      .where(and(inArray(households.publicId, [...publicIds]), scopeCondition(scope, households.departmentCode, households.municipalityCode)));
  }

  async list(filter: HouseholdFilter, page: PageRequest, scope?: TerritoryScope | null): Promise<Page<HouseholdRow>> {
    const rows = await this.orm
      .select()
      .from(households)
      .where(and(...this.conditions(filter, scope), page.after !== undefined ? gt(households.id, page.after) : undefined))
      .orderBy(asc(households.id))
      .limit(page.first + 1);
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
    return this.orm
      .select()
      .from(householdMemberships)
      .where(
        and(
          inArray(householdMemberships.householdId, [...householdIds]),
          sql`${householdMemberships.personId} is not null`,
          includeEnded ? undefined : isNull(householdMemberships.validTo),
        ),
      )
      .orderBy(asc(householdMemberships.householdId), asc(householdMemberships.memberOrder), asc(householdMemberships.id));
  }

  async membershipsByPersonIds(personIds: readonly number[]): Promise<MembershipRow[]> {
    if (!personIds.length) return [];
    return this.orm
      .select()
      .from(householdMemberships)
      .where(inArray(householdMemberships.personId, [...personIds]))
      .orderBy(asc(householdMemberships.personId), asc(householdMemberships.id));
  }
}
