/** Sisbén IV classification: 4 groups, 51 subgroups (DNP). Lower number = lower income capacity. */
export const SISBEN_GROUPS = {
  A: { name: 'Pobreza extrema', subgroups: 5 },
  B: { name: 'Pobreza moderada', subgroups: 7 },
  C: { name: 'Vulnerable', subgroups: 18 },
  D: { name: 'Población no pobre, no vulnerable', subgroups: 21 },
} as const;
export type SisbenGroup = keyof typeof SISBEN_GROUPS;
export const SISBEN_GROUP_CODES = Object.keys(SISBEN_GROUPS) as SisbenGroup[];

export interface SisbenSubgroupInfo {
  code: string;
  group: SisbenGroup;
  level: number;
}

export const SISBEN_SUBGROUPS: readonly SisbenSubgroupInfo[] = SISBEN_GROUP_CODES.flatMap((group) =>
  Array.from({ length: SISBEN_GROUPS[group].subgroups }, (_, i) => ({ code: `${group}${i + 1}`, group, level: i + 1 })),
);

const SUBGROUP_RE = /^([ABCD])0?(\d{1,2})$/;

/** Normalizes `a1`, `A01`, ` B4 ` to `A1`/`B4`; null when not a valid Sisbén IV subgroup (`B8`, `C19`, `D22`). */
export function parseSisbenSubgroup(value: string): SisbenSubgroupInfo | null {
  const m = SUBGROUP_RE.exec(value.trim().toUpperCase());
  if (!m) return null;
  const group = m[1] as SisbenGroup;
  const level = Number(m[2]);
  if (level < 1 || level > SISBEN_GROUPS[group].subgroups) return null;
  return { code: `${group}${level}`, group, level };
}

/** Zona (`Cod_clase`): 1 cabecera municipal, 2 centro poblado, 3 rural disperso. */
export const ZONES = { '1': 'cabecera', '2': 'centro_poblado', '3': 'rural_disperso' } as const;
export type Zone = (typeof ZONES)[keyof typeof ZONES];

/** Parentesco con el jefe del hogar (Sisbén IV P54, UNIDOS 2019+ E11/E14: same 19 categories). */
export const KINSHIP_ROLES: readonly { code: number; label: string }[] = [
  { code: 1, label: 'Jefe(a) del hogar' },
  { code: 2, label: 'Cónyuge o compañero(a)' },
  { code: 3, label: 'Hijo(a), hijastro(a) o adoptivo(a)' },
  { code: 4, label: 'Nieto(a)' },
  { code: 5, label: 'Padre, madre, padrastro o madrastra' },
  { code: 6, label: 'Hermano(a)' },
  { code: 7, label: 'Yerno o nuera' },
  { code: 8, label: 'Abuelo(a)' },
  { code: 9, label: 'Suegro(a)' },
  { code: 10, label: 'Tío(a)' },
  { code: 11, label: 'Sobrino(a)' },
  { code: 12, label: 'Primo(a)' },
  { code: 13, label: 'Cuñado(a)' },
  { code: 14, label: 'Otro pariente' },
  { code: 15, label: 'Empleado(a) doméstico(a)' },
  { code: 16, label: 'Pariente del empleado(a) doméstico(a)' },
  { code: 17, label: 'Pensionista' },
  { code: 18, label: 'Pariente del pensionista' },
  { code: 19, label: 'No pariente' },
];
