import { LOGRO_RUN_STATES, graphqlEnumOf } from '../../../schema';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, LocalDateScalar, PersonalType, Sensitive } from '../../graphql/shared';

export const LogroStateEnum = { ALCANZADO: 'ALCANZADO', POR_ALCANZAR: 'POR_ALCANZAR', NO_APLICA: 'NO_APLICA', SIN_DATO: 'SIN_DATO' } as const;
registerEnumType(LogroStateEnum, {
  name: 'LogroState',
  description: 'State of a Logro Básico (Estrategia UNIDOS), plus SIN_DATO when the registries the hub holds cannot tell.',
  valuesConfig: {
    ALCANZADO: { description: 'Reached.' },
    POR_ALCANZAR: { description: 'Not reached yet (por alcanzar): demand for the local offer.' },
    NO_APLICA: { description: 'The logro does not apply (e.g. LB 45 for a family that is not displaced).' },
    SIN_DATO: { description: 'No data to decide (a source not loaded, no other source to compare with).' },
  },
});

export const LogroRunState = graphqlEnumOf(LOGRO_RUN_STATES);
registerEnumType(LogroRunState, { name: 'LogroRunState' });

@ObjectType({ simpleResolvers: true, description: 'One computation of logros: after a reconciliation run (incremental) or from scratch.' })
export class LogroRun {
  @Field(() => ID)
  id!: string;

  @Field(() => LogroRunState)
  state!: string;

  @Field(() => String, { description: 'reconciliation, import (a Sisbén IV hogares cut), rules or manual.' })
  trigger!: string;

  @Field(() => String, { nullable: true, description: 'full or incremental (decided when the run starts).' })
  mode!: string | null;

  @Field(() => String, { nullable: true, description: 'The rule set that decided the states (e.g. unidos2020-v1).' })
  ruleVersion!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: 'The date ages were computed at.' })
  asOf!: string | null;

  @Field(() => ID, { nullable: true, description: 'The reconciliation run that caused it.' })
  reconciliationRunId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Or the Sisbén IV hogares/viviendas import (trigger import) whose dwellings it recomputed.' })
  importRunId!: string | null;

  @Field(() => Int)
  personsEvaluated!: number;

  @Field(() => Int)
  householdsEvaluated!: number;

  @Field(() => Int, { description: 'State changes written to history.' })
  changes!: number;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A version of a Sisbén IV hogares/viviendas record (table sisben_hogares): the evidence of a habitability logro.',
})
export class DwellingRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The import run (hogares cut) that brought this version.' })
  importRunId!: string;

  @Field(() => Int, { description: 'Physical line of the file where the record starts (header = 1).' })
  lineNo!: number;

  @Field(() => LocalDateScalar, { nullable: true, description: 'fec_corte of the record.' })
  cutDate!: string | null;

  @Field(() => Boolean, { description: 'Still the current, active version of its household (false: superseded by a later cut or dropped from it).' })
  current!: boolean;
}

@ObjectType({ description: 'What decided a state: the source record (or, for habitability, the dwelling record) and the logro run.' })
@PersonalType()
export class LogroEvidence {
  @Field(() => String, { description: 'Stable reason code (docs/logros.md lists them per logro).' })
  @Sensitive('personal')
  reason!: string;

  @Field(() => [String], { description: 'Field names behind the reason (LB 3: name, document, birthDate); never values.' })
  @Sensitive('personal')
  details!: string[];

  sourceRecordId!: number | null;
  dwellingRecordId!: number | null;
  runId!: number;
}

@ObjectType({ description: 'A change of state of a logro, with the run that caused it.' })
@PersonalType()
export class LogroStateChange {
  @Field(() => LogroStateEnum, { nullable: true, description: 'null: the first state the hub computed.' })
  @Sensitive('personal')
  previousState!: string | null;

  @Field(() => LogroStateEnum)
  @Sensitive('personal')
  state!: string;

  @Field(() => String)
  @Sensitive('personal')
  reason!: string;

  @Field(() => String)
  @Sensitive('public')
  ruleVersion!: string;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  changedAt!: Date;

  sourceRecordId!: number | null;
  dwellingRecordId!: number | null;
  runId!: number;
}

@ObjectType({ description: 'The state of one Logro Básico for a person, with its evidence and history.' })
@PersonalType()
export class PersonLogro {
  @Field(() => Int, { description: 'LB number (1–45).' })
  @Sensitive('public')
  logroId!: number;

  @Field(() => LogroStateEnum)
  @Sensitive('personal')
  state!: string;

  @Field(() => String, { description: 'The rule set version that decided the state.' })
  @Sensitive('public')
  ruleVersion!: string;

  @Field(() => LogroEvidence)
  @Sensitive('personal')
  evidence!: LogroEvidence;

  @Field(() => DateTimeScalar, { description: 'When the hub last wrote this state.' })
  @Sensitive('public')
  updatedAt!: Date;

  subjectId!: number;
}

@ObjectType({ description: 'The state of one Logro Básico for a household: every member to whom it applies has reached it.' })
@PersonalType()
export class HouseholdLogro {
  @Field(() => Int, { description: 'LB number (1–45).' })
  @Sensitive('public')
  logroId!: number;

  @Field(() => LogroStateEnum)
  @Sensitive('personal')
  state!: string;

  @Field(() => Int, { description: 'Members to whom the logro applies (not NO_APLICA).' })
  @Sensitive('personal')
  membersApplicable!: number;

  @Field(() => Int)
  @Sensitive('personal')
  membersReached!: number;

  @Field(() => Int)
  @Sensitive('personal')
  membersPending!: number;

  @Field(() => Int)
  @Sensitive('personal')
  membersWithoutData!: number;

  @Field(() => String)
  @Sensitive('public')
  ruleVersion!: string;

  @Field(() => LogroEvidence)
  @Sensitive('personal')
  evidence!: LogroEvidence;

  @Field(() => DateTimeScalar)
  @Sensitive('public')
  updatedAt!: Date;

  subjectId!: number;
}
