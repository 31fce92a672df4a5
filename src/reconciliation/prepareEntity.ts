import { prepare, type PreparedRecord, type TermFrequencies } from '../domain/identity';
import type { EntityRow } from './reconciliationRepository';

/** What preparing a record needs besides the record: today's date (ages) and the valid municipalities. */
export interface PrepareContext {
  today: string;
  municipalities: ReadonlySet<string>;
}

/** The identity columns of a source entity, as both the engine and the review comparison read them. */
export type EntityIdentity = Pick<
  EntityRow,
  | 'id'
  | 'source'
  | 'docType'
  | 'docNumber'
  | 'firstName'
  | 'secondName'
  | 'firstSurname'
  | 'secondSurname'
  | 'birthDate'
  | 'sex'
  | 'municipalityCode'
  | 'householdKey'
>;

/**
 * One place that turns a stored entity into the matcher's prepared record, so the engine and the
 * stewards' side-by-side comparison can never score the same pair differently. Household keys are
 * namespaced by source: two registries' household numbers are unrelated.
 */
export function prepareEntity(e: EntityIdentity, ctx: PrepareContext, tf?: TermFrequencies): PreparedRecord {
  return prepare(
    {
      docType: e.docType,
      docNumber: e.docNumber,
      firstName: e.firstName,
      secondName: e.secondName,
      firstSurname: e.firstSurname,
      secondSurname: e.secondSurname,
      birthDate: e.birthDate,
      sex: e.sex,
    },
    {
      id: String(e.id),
      source: e.source,
      municipalityCode: e.municipalityCode,
      householdKey: e.householdKey ? `${e.source}:${e.householdKey}` : null,
      today: ctx.today,
      municipalities: ctx.municipalities,
    },
    tf,
  );
}
