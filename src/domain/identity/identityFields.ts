import type { DocumentTypeCode } from '../reference/documentTypes';

/** The identity block every registry carries, normalized for display and comparison. */
export interface IdentityFields {
  docType: DocumentTypeCode | null;
  /** Digits only for numeric types (no dots, spaces, leading zeros); upper-case alphanumerics otherwise. */
  docNumber: string | null;
  /** Display form: mojibake repaired, NFC, trimmed, single spaces, upper-case, accents and Ñ kept. */
  firstName: string | null;
  secondName: string | null;
  firstSurname: string | null;
  secondSurname: string | null;
  /** ISO `YYYY-MM-DD`. */
  birthDate: string | null;
  sex: 'M' | 'F' | 'I' | null;
}
