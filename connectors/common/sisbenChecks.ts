/**
 * Checks shared by the Sisbén IV extracts (persons, and hogares/viviendas): both are keyed by the DNP
 * ficha and the household number inside it, and both carry the same place columns. One definition
 * keeps a household's key validated the same way in the two files, so its dwelling joins its members.
 */
import { ZONES, type Zone } from '../../src/domain/reference/sisben';
import type { RowIssues } from './issues';
import { smallInt } from './values';

const FICHA = /^[0-9A-Za-z-]{1,30}$/;

/** ide_ficha_origen: required, letters, digits or hyphens. Returns the value, or null with an error. */
export function checkFicha(raw: string, field: string, iss: RowIssues): string | null {
  if (raw === '') iss.error(field, 'MISSING_REQUIRED', `${field} is required.`);
  else if (!FICHA.test(raw)) iss.error(field, 'INVALID_CODE', `${field} must be letters, digits or hyphens (at most 30).`);
  else return raw;
  return null;
}

/** ide_hogar / ide_persona: a required whole number from 1 to 99. */
export function checkKeyNumber(raw: string, field: string, iss: RowIssues): number | null {
  const n = smallInt(raw, 1, 99);
  if (n === null) {
    if (raw === '') iss.error(field, 'MISSING_REQUIRED', `${field} is required.`);
    else iss.error(field, 'INVALID_CODE', `${field} must be a whole number from 1 to 99.`);
  }
  return n;
}

/** clase (zona): optional; 1 cabecera, 2 centro poblado, 3 rural disperso. */
export function checkZone(raw: string, field: string, iss: RowIssues): Zone | null {
  if (raw === '') return null;
  const n = smallInt(raw, 1, 3);
  if (n === null) {
    iss.error(field, 'INVALID_CODE', `${field} must be 1 (cabecera), 2 (centro poblado) or 3 (rural disperso).`);
    return null;
  }
  return ZONES[String(n) as keyof typeof ZONES];
}

/** A department column that disagrees with the municipality's DIVIPOLA prefix is a warning: the municipality wins. */
export function checkDepartmentAgrees(dept: string, municipalityCode: string, deptField: string, municipalityField: string, iss: RowIssues): void {
  if (dept !== '' && dept.padStart(2, '0') !== municipalityCode.slice(0, 2)) {
    iss.warn(deptField, 'INCONSISTENT_DEPARTMENT', `${deptField} does not match the department of ${municipalityField}.`);
  }
}
