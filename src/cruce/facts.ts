/**
 * What a cruce answers about a matched person, and who may get what. The sensitivity of each fact
 * follows the API's policy (src/graphql/security/policy.ts): registry facts are `personal`,
 * victim/displaced status is `victimStatus` (readers get it: they target programmes with it), the
 * victimizing events are `victim` details (Ley 1448 art. 29: stewards and admins only). Operators get
 * no personal data, so they cannot run a cruce at all.
 *
 * Extension point: another feature (e.g. logros) contributes columns with a {@link CruceFactSource};
 * the service loads them for the matched persons of each batch and the answer carries them in
 * `extra` (CSV/XLSX columns, GraphQL `extraFacts`), filtered by each column's sensitivity.
 */
import type { Role } from '../kernel';
import type { PersonFactsRow } from './cruceRepository';

export type FactSensitivity = 'personal' | 'victimStatus' | 'victim';

/** Roles that may run a cruce (it discloses personal data). */
export const CRUCE_ROLES: readonly Role[] = ['reader', 'steward', 'admin'];

const ALLOWED: Readonly<Record<FactSensitivity, readonly Role[]>> = {
  personal: ['reader', 'steward', 'admin'],
  victimStatus: ['reader', 'steward', 'admin'],
  victim: ['steward', 'admin'],
};

export function mayDisclose(sensitivity: FactSensitivity, role: Role): boolean {
  return ALLOWED[sensitivity].includes(role);
}

export interface FactColumn {
  /** Stable column name in the answer files (snake case, Spanish like the layout). */
  key: string;
  sensitivity: FactSensitivity;
}

/** Facts another feature contributes per matched person. `load` returns values by internal person id. */
export interface CruceFactSource {
  readonly name: string;
  readonly columns: readonly FactColumn[];
  load(personIds: readonly number[]): Promise<Map<number, Record<string, string | null>>>;
}

export interface CruceFacts {
  sisbenGroup: string | null;
  sisbenSubgroup: string | null;
  healthState: string | null;
  healthRegime: string | null;
  healthAdministrator: string | null;
  isVictim: boolean | null;
  isDisplaced: boolean | null;
  /** Hecho victimizante codes; null when the role may not see them. */
  victimEvents: number[] | null;
  /** Columns of the extension sources the role may see, by key. */
  extra: Record<string, string | null>;
}

/** The built-in columns of the answer, in order. */
export const BUILTIN_FACT_COLUMNS: readonly FactColumn[] = [
  { key: 'sisben_grupo', sensitivity: 'personal' },
  { key: 'sisben_subgrupo', sensitivity: 'personal' },
  { key: 'salud_estado', sensitivity: 'personal' },
  { key: 'salud_regimen', sensitivity: 'personal' },
  { key: 'salud_administradora', sensitivity: 'personal' },
  { key: 'victima', sensitivity: 'victimStatus' },
  { key: 'desplazado', sensitivity: 'victimStatus' },
  { key: 'hechos_victimizantes', sensitivity: 'victim' },
];

/** The fact columns a role gets (built-in, then each source's), for the answer files' header. */
export function factColumnsFor(role: Role, sources: readonly CruceFactSource[]): FactColumn[] {
  return [...BUILTIN_FACT_COLUMNS, ...sources.flatMap((s) => s.columns)].filter((c) => mayDisclose(c.sensitivity, role));
}

/** The facts of one person as the role may see them. */
export function factsFor(p: PersonFactsRow, role: Role, extra: Record<string, string | null>, sources: readonly CruceFactSource[]): CruceFacts {
  const personal = mayDisclose('personal', role);
  const status = mayDisclose('victimStatus', role);
  const visibleExtra: Record<string, string | null> = {};
  for (const s of sources) for (const c of s.columns) if (mayDisclose(c.sensitivity, role)) visibleExtra[c.key] = extra[c.key] ?? null;
  return {
    sisbenGroup: personal ? p.sisbenGroup : null,
    sisbenSubgroup: personal ? p.sisbenSubgroup : null,
    healthState: personal ? p.healthState : null,
    healthRegime: personal ? p.healthRegime : null,
    healthAdministrator: personal ? p.healthAdministrator : null,
    isVictim: status ? p.isVictim : null,
    isDisplaced: status ? p.isDisplaced : null,
    victimEvents: mayDisclose('victim', role) ? p.victimEvents : null,
    extra: visibleExtra,
  };
}

/** A fact's value as text in the answer files. */
export function factCell(f: CruceFacts, key: string): string {
  const yesNo = (b: boolean | null) => (b === null ? '' : b ? 'SI' : 'NO');
  switch (key) {
    case 'sisben_grupo':
      return f.sisbenGroup ?? '';
    case 'sisben_subgrupo':
      return f.sisbenSubgroup ?? '';
    case 'salud_estado':
      return f.healthState ?? '';
    case 'salud_regimen':
      return f.healthRegime ?? '';
    case 'salud_administradora':
      return f.healthAdministrator ?? '';
    case 'victima':
      return yesNo(f.isVictim);
    case 'desplazado':
      return yesNo(f.isDisplaced);
    case 'hechos_victimizantes':
      return f.victimEvents ? f.victimEvents.join(' ') : '';
    default:
      return f.extra[key] ?? '';
  }
}
