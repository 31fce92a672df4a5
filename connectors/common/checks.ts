/**
 * Validation steps shared by the connectors. Each reads one cleaned value, records issues on the row
 * and returns the normalized value (or null). Messages name the field and the rule, never the value.
 */
import type { DocumentTypeCode } from '../../src/domain/reference/documentTypes';
import { MIN_DATE, parseDate, isOpenEnd } from './dates';
import { normalizeDocumentNumber } from '../../src/domain/identity/documentNumber';
import { isPlaceholderDocumentNumber } from '../../src/domain/identity/normalizeDocument';
import type { RowIssues } from './issues';
import { cleanField, hasUndecodable, isSuspiciousName, municipalityCode, municipalityFromParts, nameValue } from './values';
import type { RawRecord } from './reader';

export interface DateRules {
  required?: boolean;
  today: string;
  /** `31/12/2999` and similar mean "open": returns null without an issue. */
  openEnd?: boolean;
  /** Severity of an unparseable / out-of-range date (default error). */
  severity?: 'error' | 'warning';
}

/** Real calendar date, ≥ 1900-01-01, not after `today`. Pass a rules object built once per file (hot path). */
export function checkDate(raw: string, field: string, iss: RowIssues, rules: DateRules): string | null {
  if (raw === '') {
    if (rules.required) iss.error(field, 'MISSING_REQUIRED', `${field} is required.`);
    return null;
  }
  const d = parseDate(raw);
  let code: string;
  let message: string;
  if (d === null) {
    code = 'INVALID_DATE';
    message = `${field} is not a real date in DD/MM/AAAA (or AAAA-MM-DD) form.`;
  } else if (rules.openEnd && isOpenEnd(d)) {
    return null;
  } else if (d < MIN_DATE) {
    code = 'DATE_TOO_OLD';
    message = `${field} is before 01/01/1900.`;
  } else if (d > rules.today) {
    code = 'FUTURE_DATE';
    message = `${field} is after the import date.`;
  } else {
    return d;
  }
  if (rules.severity === 'warning') iss.warn(field, code, message);
  else iss.error(field, code, message);
  return null;
}

/** Municipality code that exists in DIVIPOLA (padded to 5 digits). */
export function checkMunicipality(
  code: string | null,
  raw: string,
  field: string,
  iss: RowIssues,
  municipalities: ReadonlySet<string>,
  required: boolean,
): string | null {
  if (raw === '') {
    if (required) iss.error(field, 'MISSING_REQUIRED', `${field} is required.`);
    return null;
  }
  if (code === null) {
    iss.error(field, 'UNKNOWN_MUNICIPALITY', `${field} is not a DIVIPOLA municipality code (5 digits, department + municipality).`);
    return null;
  }
  if (!municipalities.has(code)) {
    iss.error(field, 'UNKNOWN_MUNICIPALITY', `${field} is not a municipality in DIVIPOLA.`);
    return null;
  }
  return code;
}

/** DIVIPOLA codes as a table indexed by their numeric value: existence checks without string hashing. */
interface MunicipalityIndex {
  code: (string | undefined)[];
}
const indexes = new WeakMap<ReadonlySet<string>, MunicipalityIndex>();

function municipalityIndex(set: ReadonlySet<string>): MunicipalityIndex {
  let ix = indexes.get(set);
  if (!ix) {
    ix = { code: new Array(100_000) };
    for (const c of set) if (/^\d{5}$/.test(c)) ix.code[Number(c)] = c;
    indexes.set(set, ix);
  }
  return ix;
}

export function checkMunicipalityCode(raw: string, field: string, iss: RowIssues, municipalities: ReadonlySet<string>, required: boolean): string | null {
  // Fast path: 4 or 5 plain digits of a known municipality.
  if (raw.length === 5 || raw.length === 4) {
    let n = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i) - 48;
      if (c < 0 || c > 9) {
        n = -1;
        break;
      }
      n = n * 10 + c;
    }
    if (n >= 0) {
      const known = municipalityIndex(municipalities).code[n];
      if (known !== undefined) return known;
    }
  }
  return checkMunicipality(raw === '' ? null : municipalityCode(raw), raw, field, iss, municipalities, required);
}

export function checkMunicipalityParts(
  dept: string,
  mun: string,
  field: string,
  iss: RowIssues,
  municipalities: ReadonlySet<string>,
  required: boolean,
): string | null {
  const raw = mun === '' ? '' : dept + mun;
  return checkMunicipality(raw === '' ? null : municipalityFromParts(dept, mun), raw, field, iss, municipalities, required);
}

/** Person-name field in display form; required names missing → MISSING_REQUIRED. */
export function checkName(raw: string, field: string, iss: RowIssues, required: boolean): string | null {
  const value = nameValue(raw);
  if (value === null) {
    if (required) iss.error(field, 'MISSING_REQUIRED', `${field} is required.`);
    return null;
  }
  if (isSuspiciousName(value)) iss.warn(field, 'SUSPICIOUS_NAME', `${field} contains digits or symbols (possibly a lost accent or Ñ).`);
  return value;
}

/** Document type through a per-source code list, then the number normalized for that type. */
export function checkDocument(
  typeRaw: string,
  numberRaw: string,
  codes: Readonly<Record<string, DocumentTypeCode>>,
  typeField: string,
  numberField: string,
  iss: RowIssues,
): { docType: DocumentTypeCode | null; docNumber: string | null } {
  if (typeRaw === '') {
    iss.error(typeField, 'MISSING_REQUIRED', `${typeField} is required.`);
    return { docType: null, docNumber: null };
  }
  let key = typeRaw.replace(/\.0+$/, '').toUpperCase();
  if (key.length > 1 && key.charCodeAt(0) === 48 && /^\d+$/.test(key)) key = String(Number(key)); // `03` → `3`
  const docType = codes[key] ?? null;
  if (docType === null) {
    iss.error(typeField, 'INVALID_DOCUMENT_TYPE', `${typeField} is not a known document type code for this source.`);
    return { docType: null, docNumber: null };
  }
  if (docType === 'SI') {
    iss.warn(typeField, 'NO_DOCUMENT', `${typeField} says the person has no identity document.`);
    return { docType, docNumber: null };
  }
  const n = normalizeDocumentNumber(docType, numberRaw);
  if (!n.ok) {
    iss.error(numberField, n.code, `${numberField}: ${n.reason}.`);
    return { docType, docNumber: null };
  }
  return { docType, docNumber: n.value };
}

/**
 * The document of a register that lists persons without one — Sisbén IV (`Tip_documento` 0 "no tiene")
 * and RUV (no `TIPODOCUMENTO`/`DOCUMENTO`, or `SR` without a number). A person without a document is
 * never dropped: an absent document, a type without a number, `SR` without a number and a placeholder
 * number (zeros, one repeated digit, 123456…) are warnings (`NO_DOCUMENT`, `PLACEHOLDER_DOCUMENT`)
 * and the row loads without a document; reconciliation then links it by names and birth date only.
 * Everything else is {@link checkDocument}'s (a wrong type or a malformed number stays an error).
 * `noDocumentTypes`: type codes that mean "no document" when the number is empty (RUV `SR`, "sin
 * registro"; with a number, `SR` is a salvoconducto as DPS coded it).
 */
export function checkDocumentOrNone(
  typeRaw: string,
  numberRaw: string,
  codes: Readonly<Record<string, DocumentTypeCode>>,
  typeField: string,
  numberField: string,
  iss: RowIssues,
  noDocumentTypes: ReadonlySet<string> = NO_DOCUMENT_TYPES,
): { docType: DocumentTypeCode | null; docNumber: string | null } {
  const none = { docType: null, docNumber: null };
  const number = numberRaw.trim();
  if (typeRaw === '' && number === '') {
    iss.warn(typeField, 'NO_DOCUMENT', `${typeField} and ${numberField} are empty: the person has no document on record.`);
    return none;
  }
  if (typeRaw !== '' && number === '' && codes[typeRaw.toUpperCase()] !== 'SI') {
    iss.warn(
      numberField,
      'NO_DOCUMENT',
      noDocumentTypes.has(typeRaw.toUpperCase())
        ? `${typeField} says the person has no document on record.`
        : `${numberField} is empty: the row is loaded without a document.`,
    );
    return none;
  }
  if (typeRaw !== '' && /^[0.\s-]+$/.test(number)) {
    iss.warn(numberField, 'PLACEHOLDER_DOCUMENT', `${numberField} is a placeholder, not a document number: the row is loaded without a document.`);
    return none;
  }
  const doc = checkDocument(typeRaw, numberRaw, codes, typeField, numberField, iss);
  // (Long foreign numbers that happen to count up, e.g. a 15-digit PEP, are left to matching, which ignores them.)
  if (doc.docNumber !== null && doc.docNumber.length <= 10 && isPlaceholderDocumentNumber(doc.docNumber)) {
    iss.warn(numberField, 'PLACEHOLDER_DOCUMENT', `${numberField} is a placeholder, not a document number: the row is loaded without a document.`);
    return none;
  }
  return doc;
}

/** RUV `SR` ("sin registro") without a number. */
const NO_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['SR']);

/** Reports fields holding bytes that are not text (control characters, U+FFFD). */
export function checkUndecodable(rec: RawRecord, indexes: readonly number[], labels: readonly string[], iss: RowIssues): void {
  if (!rec.special || !hasUndecodable(rec.raw)) return;
  for (let k = 0; k < indexes.length; k++) {
    const i = indexes[k];
    const v = rec.fields[i];
    // Judged after mojibake repair: UTF-8 read as Windows-1252 shows C1 characters that repair back to text.
    if (v !== undefined && hasUndecodable(v) && hasUndecodable(cleanField(v, true))) {
      iss.error(labels[k], 'UNDECODABLE', `${labels[k]} contains bytes that are not text in the file's encoding (control characters or invalid sequences).`);
    }
  }
}
