import { DOCUMENT_TYPES } from '../domain/reference/documentTypes';
import { LOGRO_DIMENSIONS, LOGROS_BASICOS } from '../domain/reference/logros';
import { KINSHIP_ROLES, SISBEN_GROUPS, SISBEN_SUBGROUPS } from '../domain/reference/sisben';
import { VICTIMIZING_EVENTS } from '../domain/reference/victims';
import type { DepartmentRow, MunicipalityRow, ReferenceRepository } from './referenceRepository';

/**
 * Reference data changes only with a migration, so it is read once per process and served from
 * memory: resolving a municipality on a page of 100 households costs no query.
 */
export class ReferenceService {
  private cache?: Promise<{
    departments: DepartmentRow[];
    municipalities: MunicipalityRow[];
    byCode: Map<string, MunicipalityRow>;
    departmentByCode: Map<string, DepartmentRow>;
  }>;
  private readonly kinship = new Map(KINSHIP_ROLES.map((k) => [k.code, k.label]));
  private readonly events = new Map(VICTIMIZING_EVENTS.map((e) => [e.code, e.label]));

  constructor(private readonly repo: ReferenceRepository) {}

  private load() {
    this.cache ??= (async () => {
      const [departments, municipalities] = await Promise.all([this.repo.departments(), this.repo.municipalities()]);
      return {
        departments,
        municipalities,
        byCode: new Map(municipalities.map((m) => [m.code, m])),
        departmentByCode: new Map(departments.map((d) => [d.code, d])),
      };
    })().catch((e) => {
      this.cache = undefined;
      throw e;
    });
    return this.cache;
  }

  async departments() {
    return (await this.load()).departments;
  }

  async municipalities(departmentCode?: string) {
    const all = (await this.load()).municipalities;
    return departmentCode ? all.filter((m) => m.departmentCode === departmentCode.padStart(2, '0')) : all;
  }

  async municipality(code: string | null | undefined) {
    return code ? ((await this.load()).byCode.get(code) ?? null) : null;
  }

  async department(code: string | null | undefined) {
    return code ? ((await this.load()).departmentByCode.get(code) ?? null) : null;
  }

  async municipalityCodes(): Promise<ReadonlySet<string>> {
    return new Set((await this.load()).byCode.keys());
  }

  kinshipLabel = (code: number) => this.kinship.get(code);
  eventLabel = (code: number) => this.events.get(code);

  documentTypes() {
    return DOCUMENT_TYPES;
  }

  sisbenSubgroups() {
    return SISBEN_SUBGROUPS.map((s) => ({ ...s, groupName: SISBEN_GROUPS[s.group].name }));
  }

  victimizingEvents() {
    return VICTIMIZING_EVENTS;
  }

  kinshipRoles() {
    return KINSHIP_ROLES;
  }

  logroDimensions() {
    return LOGRO_DIMENSIONS.map((d) => ({ ...d, logros: LOGROS_BASICOS.filter((l) => l.dimensionId === d.id) }));
  }
}
