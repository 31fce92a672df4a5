/** DIVIPOLA municipalities for synthetic populations, from the vendored reference (schema/reference). */
import { loadDivipola } from '../../schema/reference/divipola';

export interface Municipality {
  code: string;
  name: string;
  department: string;
}

let cache: Municipality[] | null = null;

/** The 1,122 DIVIPOLA municipal units (codes as 5-character strings), in the file's order. */
export function loadMunicipalities(): Municipality[] {
  cache ??= loadDivipola().map((r) => ({ code: r.municipalityCode.padStart(5, '0'), name: r.municipalityName, department: r.departmentCode.padStart(2, '0') }));
  return cache;
}

export function municipalityCodes(): Set<string> {
  return new Set(loadMunicipalities().map((m) => m.code));
}
