import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  AffiliationState,
  DocumentType,
  RecordStatus,
  Sex,
  SisbenGroup,
  Source,
  Subsystem,
  LocalDateScalar,
  PersonalType,
  Sensitive,
} from '../../graphql/shared';
import { Node } from './nodeTypes';
import { Municipality, VictimizingEvent } from './referenceTypes';
import { SourceRecord } from './sourceRecordTypes';

@ObjectType({ description: 'A typed identity document held by a person.' })
@PersonalType<Identifier>({ auditSubject: (i) => ({ subjectType: 'identifier', subjectId: i.type, personId: i.personId }) })
export class Identifier {
  @Field(() => DocumentType)
  @Sensitive('personal')
  type!: string;

  @Field(() => String, { description: 'Normalized number (digits only for RC/TI/CC/NUIP).' })
  @Sensitive('identifier')
  number!: string;

  @Field(() => Int, { description: 'How many linked source records carry this document.' })
  @Sensitive('public')
  seenCount!: number;

  sourceRecordId!: number;
  personId!: number;
}

@ObjectType({ description: 'Affiliation to a subsystem of social protection (BDUA, RUAF).' })
@PersonalType()
export class Affiliation {
  @Field(() => Subsystem)
  @Sensitive('personal')
  subsystem!: string;

  @Field(() => Source)
  @Sensitive('public')
  source!: string;

  @Field(() => String, { description: 'Administrator code, e.g. EPS037.' })
  @Sensitive('personal')
  administratorCode!: string;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  administratorName!: string | null;

  @Field(() => String, { nullable: true, description: 'CONTRIBUTIVO, SUBSIDIADO, ...' })
  @Sensitive('personal')
  regime!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  affiliateType!: string | null;

  @Field(() => AffiliationState)
  @Sensitive('personal')
  state!: string;

  @Field(() => String, { description: "The source's own state code (e.g. BDUA AC, RE, SM)." })
  @Sensitive('personal')
  stateCode!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('personal')
  startDate!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'null = open.' })
  @Sensitive('personal')
  endDate!: string | null;

  @Field(() => String, { nullable: true, description: 'Programa de asistencia social.' })
  @Sensitive('personal')
  program!: string | null;

  @Field(() => RecordStatus)
  @Sensitive('public')
  status!: string;

  municipalityCode!: string | null;
  sourceRecordId!: number;
}

@ObjectType({ description: 'Sisbén IV classification of the person’s household.' })
@PersonalType()
export class SisbenClassification {
  @Field(() => SisbenGroup)
  @Sensitive('personal')
  group!: string;

  @Field(() => String, { description: 'A1–A5, B1–B7, C1–C18, D1–D21.' })
  @Sensitive('personal')
  subgroup!: string;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('public')
  cutDate!: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('personal')
  surveyDate!: string | null;

  @Field(() => RecordStatus)
  @Sensitive('public')
  status!: string;

  householdId!: number | null;
  sourceRecordId!: number;
}

@ObjectType({ description: 'A registration in the victims’ registry (RUV/RUPD). Confidential: Ley 1448 art. 29.' })
@PersonalType()
export class VictimRegistration {
  @Field(() => VictimizingEvent)
  @Sensitive('victim')
  event!: VictimizingEvent;

  @Field(() => String, { nullable: true, description: 'DIRECTA or INDIRECTA.' })
  @Sensitive('victim')
  victimType!: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('victim')
  occurrenceDate!: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('victim')
  declarationDate!: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('victim')
  inclusionDate!: string | null;

  @Field(() => String, { nullable: true, description: 'INCLUIDO, NO_INCLUIDO, EN_VALORACION, EXCLUIDO.' })
  @Sensitive('victim')
  inclusionState!: string | null;

  @Field(() => RecordStatus)
  @Sensitive('public')
  status!: string;

  occurrenceMunicipality!: string | null;
  declarationMunicipality!: string | null;
  arrivalMunicipality!: string | null;
  sourceRecordId!: number;
}

@ObjectType({ description: 'Where a golden value came from.' })
@PersonalType()
export class GoldenValue {
  @Field(() => String, { description: 'name, birthDate, sex or municipality.' })
  @Sensitive('public')
  field!: string;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  value!: string | null;

  sourceRecordId!: number | null;
}

@ObjectType({ description: 'A person: the golden record built from every linked source record.', implements: Node })
@PersonalType()
export class Person implements Node {
  @Field(() => ID, { description: 'Stable public id; the id of a merged-away person resolves to its survivor.' })
  @Sensitive('public')
  id!: string;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  secondName!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  firstSurname!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  secondSurname!: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('personal')
  birthDate!: string | null;

  @Field(() => Sex, { nullable: true })
  @Sensitive('personal')
  sex!: string | null;

  @Field(() => SisbenGroup, { nullable: true })
  @Sensitive('personal')
  sisbenGroup!: string | null;

  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  sisbenSubgroup!: string | null;

  @Field(() => Boolean, { description: 'Registered in the victims’ registry (RUV).' })
  @Sensitive('victimStatus')
  isVictim!: boolean;

  @Field(() => Boolean, { description: 'Registered as forcibly displaced (RUV hecho 5).' })
  @Sensitive('victimStatus')
  isDisplaced!: boolean;

  @Field(() => AffiliationState, { nullable: true, description: 'State of the current health (SGSSS) affiliation.' })
  @Sensitive('personal')
  healthState!: string | null;

  internalId!: number;
  municipalityCode!: string | null;
  nameSourceRecordId!: number | null;
  birthDateSourceRecordId!: number | null;
  sexSourceRecordId!: number | null;
  municipalitySourceRecordId!: number | null;
}

export { Municipality, SourceRecord };
