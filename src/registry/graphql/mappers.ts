import type { HouseholdRow, MembershipRow } from '../householdRepository';
import type { PersonRow } from '../personRepository';
import { valuesLocation, type AffiliationRow, type IdentifierRow, type SisbenRow, type SourceRecordView, type VictimRow } from '../factRepository';
import { toSourceEnum } from '../../graphql/shared';
import type { Household, HouseholdMember } from './householdTypes';
import type { Affiliation, Identifier, Person, SisbenClassification, VictimRegistration } from './personTypes';
import type { SourceRecord, ValuesSource } from './sourceRecordTypes';

// Rows become plain objects shaped like the GraphQL classes; internal ids ride along unexposed.

export const toPerson = (r: PersonRow): Person => ({
  id: r.publicId,
  internalId: r.id,
  firstName: r.firstName,
  secondName: r.secondName,
  firstSurname: r.firstSurname,
  secondSurname: r.secondSurname,
  birthDate: r.birthDate,
  sex: r.sex,
  sisbenGroup: r.sisbenGroup,
  sisbenSubgroup: r.sisbenSubgroup,
  isVictim: r.isVictim,
  isDisplaced: r.isDisplaced,
  healthState: r.healthState,
  municipalityCode: r.municipalityCode,
  nameSourceRecordId: r.nameSourceRecordId,
  birthDateSourceRecordId: r.birthDateSourceRecordId,
  sexSourceRecordId: r.sexSourceRecordId,
  municipalitySourceRecordId: r.municipalitySourceRecordId,
});

export const toHousehold = (r: HouseholdRow): Household => ({
  id: r.publicId,
  internalId: r.id,
  source: toSourceEnum(r.source),
  zone: r.zone,
  sisbenFicha: r.sisbenFicha,
  sisbenGroup: r.sisbenGroup,
  sisbenSubgroup: r.sisbenSubgroup,
  status: r.status,
  municipalityCode: r.municipalityCode,
  sourceRecordId: r.sourceRecordId,
});

export const toMember = (r: MembershipRow, roleLabel: (code: number) => string | undefined): HouseholdMember => ({
  role: r.role != null ? { code: r.role, label: roleLabel(r.role) ?? String(r.role) } : null,
  order: r.memberOrder,
  validFrom: r.validFrom,
  validTo: r.validTo,
  householdId: r.householdId,
  personId: r.personId!,
  sourceRecordId: r.sourceRecordId,
});

export const toIdentifier = (r: IdentifierRow): Identifier => ({
  type: r.docType,
  number: r.docNumber,
  seenCount: r.seenCount,
  sourceRecordId: r.sourceRecordId,
  personId: r.personId,
});

export const toAffiliation = (r: AffiliationRow): Affiliation => ({
  subsystem: r.subsystem,
  source: toSourceEnum(r.source),
  administratorCode: r.administratorCode,
  administratorName: r.administratorName,
  regime: r.regime,
  affiliateType: r.affiliateType,
  state: r.state,
  stateCode: r.stateCode,
  startDate: r.startDate,
  endDate: r.endDate,
  program: r.program,
  status: r.status,
  municipalityCode: r.municipalityCode,
  sourceRecordId: r.sourceRecordId,
});

export const toSisben = (r: SisbenRow): SisbenClassification => ({
  group: r.group,
  subgroup: r.subgroup,
  cutDate: r.cutDate,
  surveyDate: r.surveyDate,
  status: r.status,
  householdId: r.householdId,
  sourceRecordId: r.sourceRecordId,
});

export const toVictimRegistration = (r: VictimRow, eventLabel: (code: number) => string | undefined): VictimRegistration => ({
  event: { code: r.eventCode, label: eventLabel(r.eventCode) ?? String(r.eventCode) },
  victimType: r.victimType,
  occurrenceDate: r.occurrenceDate,
  declarationDate: r.declarationDate,
  inclusionDate: r.inclusionDate,
  inclusionState: r.inclusionState,
  status: r.status,
  occurrenceMunicipality: r.occurrenceMunicipality,
  declarationMunicipality: r.declarationMunicipality,
  arrivalMunicipality: r.arrivalMunicipality,
  sourceRecordId: r.sourceRecordId,
});

/** A record's values: its copy (written before 0026), else where they are re-derived from. */
const valuesOf = (r: SourceRecordView): ValuesSource => {
  const at = valuesLocation(r);
  return at ? { derived: at } : { stored: r.normalized };
};

export const toSourceRecord = (r: SourceRecordView): SourceRecord => ({
  id: String(r.id),
  source: toSourceEnum(r.source),
  importRunId: String(r.importRunId),
  fileName: r.fileName,
  line: r.lineNo,
  status: r.entityStatus,
  importedAt: r.createdAt,
  sourceKey: r.sourceKey,
  rawAt:
    r.raw !== null || r.byteOffset === null || r.byteLength === null
      ? { copy: r.raw ?? '' }
      : { archived: { sha256: r.sha256, encoding: r.encoding, offset: r.byteOffset, length: r.byteLength } },
  valuesAt: valuesOf(r),
  personId: r.personId,
});
