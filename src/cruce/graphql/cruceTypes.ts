import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CRUCE_STATES, graphqlEnumOf } from '../../../schema';
import { DateTimeScalar, LocalDateScalar, PersonalType, RecordStatus, RunTimes, Sensitive } from '../../graphql/shared';
import { MATCH_FLAGS, MATCH_TYPES } from '../matcher';

export const CruceState = graphqlEnumOf(CRUCE_STATES);
registerEnumType(CruceState, { name: 'CruceState', description: 'pending (waiting for a worker) → running → done, or failed.' });

export const CruceMatchType = Object.fromEntries(MATCH_TYPES.map((t) => [t, t])) as Record<(typeof MATCH_TYPES)[number], string>;
registerEnumType(CruceMatchType, {
  name: 'CruceMatchType',
  description:
    'DOCUMENTO (same document, life cycle RC → TI → CC), FONETICO (names and birth date), NO_CRUZO (no person in the registry within your territory).',
});

export const CruceFlag = Object.fromEntries(MATCH_FLAGS.map((t) => [t, t])) as Record<(typeof MATCH_FLAGS)[number], string>;
registerEnumType(CruceFlag, {
  name: 'CruceFlag',
  description:
    'AMBIGUOUS: several persons qualified, the smallest name distance was chosen. DOCUMENT_EVOLUTION: matched along RC → TI → CC. NAME_REVIEW: name distance ≥ 40 %. ' +
    'BIRTH_DATE_DIFFERS: document match with another birth date. DOCUMENT_NAME_MISMATCH: the number belongs to someone with other names (set aside).',
});

@InputType({ description: 'One person of the list, in the cruce layout (docs/cruce.md); every value as text, as in the file.' })
export class CruceRowInput {
  @Field(() => String, {
    nullable: true,
    description: 'tipo_documento: RC, TI, CC, CE, PA, PEP, PPT, … or the Sisbén/RA digits 0–9; empty or 0 = no document.',
  })
  docType?: string | null;
  @Field(() => String, { nullable: true, description: 'numero_documento: dots, commas and spaces are ignored.' })
  docNumber?: string | null;
  @Field(() => String, { nullable: true })
  firstName?: string | null;
  @Field(() => String, { nullable: true })
  secondName?: string | null;
  @Field(() => String, { nullable: true })
  firstSurname?: string | null;
  @Field(() => String, { nullable: true })
  secondSurname?: string | null;
  @Field(() => String, { nullable: true, description: 'DD/MM/AAAA or AAAA-MM-DD.' })
  birthDate?: string | null;
  @Field(() => String, { nullable: true, description: 'M, F, H, 1, 2, 3, HOMBRE, MUJER.' })
  sex?: string | null;
  @Field(() => String, { nullable: true, description: 'DIVIPOLA municipality code (5 digits; 4 are read with the leading zero).' })
  municipality?: string | null;
  @Field(() => String, { nullable: true, description: 'Programme of the delivered service (required when any service field is given).' })
  program?: string | null;
  @Field(() => String, { nullable: true })
  entity?: string | null;
  @Field(() => String, { nullable: true, description: 'Logro Básico delivered: LB1–LB45 or its number.' })
  logro?: string | null;
  @Field(() => String, { nullable: true })
  attentionDate?: string | null;
  @Field(() => String, { nullable: true })
  state?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A problem with one row. Messages never quote the value.' })
export class CruceRowIssue {
  @Field(() => Int)
  line!: number;
  @Field(() => String, { description: 'Column of the layout (tipo_documento, fecha_nacimiento, …) or (row).' })
  field!: string;
  @Field(() => String, { description: 'Stable code: INVALID_DATE, INVALID_DOCUMENT_NUMBER, MISSING_REQUIRED, UNKNOWN_MUNICIPALITY, …' })
  code!: string;
  @Field(() => String)
  message!: string;
  @Field(() => String, { description: 'error (the row was not matched) or warning.' })
  severity!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A fact contributed by another feature (e.g. logros).' })
@PersonalType()
export class CruceExtraFact {
  @Field(() => String)
  @Sensitive('public')
  key!: string;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  value!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'What the registry knows of a matched person, as the client’s role allows (null when not allowed).' })
@PersonalType()
export class CruceFacts {
  @Field(() => String, { nullable: true, description: 'Sisbén IV group A–D.' })
  @Sensitive('personal')
  sisbenGroup!: string | null;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  sisbenSubgroup!: string | null;
  @Field(() => String, { nullable: true, description: 'Health (SALUD) affiliation state: ACTIVO, SUSPENDIDO, RETIRADO, …' })
  @Sensitive('personal')
  healthState!: string | null;
  @Field(() => String, { nullable: true, description: 'Health regime: CONTRIBUTIVO, SUBSIDIADO, …' })
  @Sensitive('personal')
  healthRegime!: string | null;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  healthAdministrator!: string | null;
  @Field(() => Boolean, { nullable: true })
  @Sensitive('victimStatus')
  isVictim!: boolean | null;
  @Field(() => Boolean, { nullable: true })
  @Sensitive('victimStatus')
  isDisplaced!: boolean | null;
  @Field(() => [Int], { nullable: true, description: 'Hechos victimizantes (codes); stewards and admins only.' })
  @Sensitive('victim')
  victimEvents!: number[] | null;
  @Field(() => [CruceExtraFact])
  @Sensitive('personal')
  extraFacts!: CruceExtraFact[];
}

@ObjectType({ simpleResolvers: true, description: 'The answer for one input line.' })
@PersonalType()
export class CruceLine {
  @Field(() => Int, { description: 'Line of the file (the header is line 1), or position of the row (1-based).' })
  @Sensitive('public')
  line!: number;
  @Field(() => CruceMatchType, { nullable: true, description: 'Null when the row has errors.' })
  @Sensitive('personal')
  matchType!: string | null;
  @Field(() => ID, { nullable: true, description: 'Public id of the person (query it with person(id:)).' })
  @Sensitive('personal')
  personId!: string | null;
  @Field(() => Float, { nullable: true, description: 'Levenshtein distance of first given name + first surname, % of the longer.' })
  @Sensitive('personal')
  nameDistance!: number | null;
  @Field(() => [CruceFlag])
  @Sensitive('personal')
  flags!: string[];
  @Field(() => [String], {
    description: 'The engine’s reasons: SAME_DOCUMENT, DOCUMENT_EVOLUTION, PHONETIC_NAME_AND_BIRTH_DATE, SCORE_ABOVE_LINK_THRESHOLD, …',
  })
  @Sensitive('personal')
  reasons!: string[];
  @Field(() => CruceFacts, { nullable: true })
  @Sensitive('personal')
  facts!: CruceFacts | null;
  @Field(() => Boolean, { description: 'The row’s delivered service was kept on the person.' })
  @Sensitive('personal')
  serviceRecorded!: boolean;
  @Field(() => [CruceRowIssue])
  @Sensitive('public')
  errors!: CruceRowIssue[];
  @Field(() => [CruceRowIssue])
  @Sensitive('public')
  warnings!: CruceRowIssue[];
}

@ObjectType({ description: 'A cruce run: counters and answer files, never a name or a document.' })
export class CruceRun extends RunTimes {
  @Field(() => ID)
  id!: string;
  @Field(() => CruceState)
  state!: string;
  @Field(() => String, { description: 'file (startCruce), cli or rows (matchPersons).' })
  origin!: string;
  @Field(() => String, { description: 'Agency code; its services are kept as source cruce:<agency>.' })
  agency!: string;
  @Field(() => String, { nullable: true })
  purpose!: string | null;
  @Field(() => String, { nullable: true })
  fileName!: string | null;
  @Field(() => String, { nullable: true })
  encoding!: string | null;
  @Field(() => String, { nullable: true })
  delimiter!: string | null;
  @Field(() => Float, { description: 'Share of rows answered, 0–1.' })
  progress!: number;
  @Field(() => Int)
  rowsTotal!: number;
  @Field(() => Int)
  rowsProcessed!: number;
  @Field(() => Int)
  rowsDocument!: number;
  @Field(() => Int)
  rowsPhonetic!: number;
  @Field(() => Int)
  rowsUnmatched!: number;
  @Field(() => Int)
  rowsRejected!: number;
  @Field(() => Int)
  rowsAmbiguous!: number;
  @Field(() => Int)
  servicesRecorded!: number;
  @Field(() => String, { nullable: true, description: 'Download path of the CSV answer (GET with the same bearer token).' })
  csvUrl!: string | null;
  @Field(() => String, { nullable: true, description: 'Download path of the XLSX answer.' })
  xlsxUrl!: string | null;
  @Field(() => String, { nullable: true })
  failureCode!: string | null;
  @Field(() => String, { nullable: true })
  failureReason!: string | null;
}

@ObjectType({ description: 'matchPersons: the run (audited) and one line per row, in order.' })
export class MatchPersonsResult {
  @Field(() => CruceRun)
  run!: CruceRun;
  @Field(() => [CruceLine])
  lines!: CruceLine[];
}

@ObjectType({ simpleResolvers: true, description: 'A service an agency reported delivering to the person (from a cruce), with its provenance.' })
@PersonalType()
export class DeliveredService {
  @Field(() => String, { description: 'Source: cruce:<agency>.' })
  @Sensitive('personal')
  source!: string;
  @Field(() => String)
  @Sensitive('personal')
  agency!: string;
  @Field(() => String)
  @Sensitive('personal')
  program!: string;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  entity!: string | null;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  logro!: string | null;
  @Field(() => Int, { nullable: true, description: 'Logro Básico number (1–45) when named.' })
  @Sensitive('personal')
  logroId!: number | null;
  @Field(() => LocalDateScalar, { nullable: true })
  @Sensitive('personal')
  attentionDate!: string | null;
  @Field(() => String, { nullable: true })
  @Sensitive('personal')
  state!: string | null;
  @Field(() => RecordStatus, { description: 'ACTIVE, or VANISHED when a later list of the same programme no longer carried it.' })
  @Sensitive('personal')
  status!: string;
  @Field(() => ID, { description: 'The cruce run that first reported it.' })
  @Sensitive('public')
  firstRunId!: string;
  @Field(() => Int)
  @Sensitive('public')
  firstLine!: number;
  @Field(() => ID, { description: 'The last cruce run that reported it.' })
  @Sensitive('public')
  lastRunId!: string;
  @Field(() => Int)
  @Sensitive('public')
  lastLine!: number;
  @Field(() => DateTimeScalar)
  @Sensitive('public')
  updatedAt!: Date;
}
