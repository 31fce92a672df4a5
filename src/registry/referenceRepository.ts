import { asc, eq } from 'drizzle-orm';
import { departments, municipalities } from '../../schema';
import type { Orm } from '../platform/db';

export type DepartmentRow = typeof departments.$inferSelect;
export type MunicipalityRow = typeof municipalities.$inferSelect;

export class ReferenceRepository {
  constructor(private readonly orm: Orm) {}

  departments(): Promise<DepartmentRow[]> {
    return this.orm.select().from(departments).orderBy(asc(departments.code));
  }

  municipalities(departmentCode?: string): Promise<MunicipalityRow[]> {
    const q = this.orm.select().from(municipalities);
    return (departmentCode ? q.where(eq(municipalities.departmentCode, departmentCode)) : q).orderBy(asc(municipalities.code));
  }

  async municipalityCodes(): Promise<Set<string>> {
    const rows = await this.orm.select({ code: municipalities.code }).from(municipalities);
    return new Set(rows.map((r) => r.code));
  }
}
