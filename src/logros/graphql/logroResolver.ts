import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LOGROS_BASICOS } from '../../domain/reference/logros';
import { Allow, OPERATION_ROLES, Sensitive, parseId } from '../../graphql/shared';
import { Household, LogroBasico, Person, SourceRecord, sourceRecordOf } from '../../registry';
import type { LogrosContext } from './context';
import { DwellingRecord, HouseholdLogro, LogroEvidence, LogroRun, LogroStateChange, PersonLogro } from './logroTypes';
import { toDwellingRecord, toHouseholdLogro, toLogroRun, toPersonLogro, toStateChange } from './mappers';

const logroBasico = (id: number) => LOGROS_BASICOS.find((l) => l.id === id) ?? null;
const onlyLogro = <T extends { logroId: number }>(xs: T[], logro?: number | null) => (logro == null ? xs : xs.filter((x) => x.logroId === logro));

@Resolver(() => Person)
export class PersonLogrosResolver {
  @FieldResolver(() => [PersonLogro], {
    description:
      'The Logros Básicos the registries answer for this person (LB 1, 3, 13, 45; habitability LB 24, 26, 28, 29, 32 shared from the household), with evidence and history.',
  })
  @Sensitive('personal')
  async logros(
    @Root() p: Person,
    @Ctx() ctx: LogrosContext,
    @Arg('logro', () => Int, { nullable: true, description: 'Only this LB number.' }) logro?: number | null,
  ): Promise<PersonLogro[]> {
    return onlyLogro((await ctx.loaders.logrosByPerson.load(p.internalId)).map(toPersonLogro), logro);
  }
}

@Resolver(() => Household)
export class HouseholdLogrosResolver {
  @FieldResolver(() => [HouseholdLogro], {
    description: 'The household’s Logros Básicos: reached when every member to whom a logro applies has reached it (habitability: the dwelling).',
  })
  @Sensitive('personal')
  async logros(
    @Root() h: Household,
    @Ctx() ctx: LogrosContext,
    @Arg('logro', () => Int, { nullable: true, description: 'Only this LB number.' }) logro?: number | null,
  ): Promise<HouseholdLogro[]> {
    return onlyLogro((await ctx.loaders.logrosByHousehold.load(h.internalId)).map(toHouseholdLogro), logro);
  }
}

@Resolver(() => PersonLogro)
export class PersonLogroResolver {
  @FieldResolver(() => LogroBasico, { nullable: true, description: 'The logro’s text and dimension.' })
  @Sensitive('public')
  logro(@Root() l: PersonLogro) {
    return logroBasico(l.logroId);
  }

  @FieldResolver(() => [LogroStateChange], { description: 'Every change of this logro’s state, oldest first, with the run that caused it.' })
  @Sensitive('personal')
  async history(@Root() l: PersonLogro, @Ctx() ctx: LogrosContext): Promise<LogroStateChange[]> {
    return (await ctx.loaders.logroHistoryByPerson.load(l.subjectId)).filter((h) => h.logro === l.logroId).map(toStateChange);
  }
}

@Resolver(() => HouseholdLogro)
export class HouseholdLogroResolver {
  @FieldResolver(() => LogroBasico, { nullable: true, description: 'The logro’s text and dimension.' })
  @Sensitive('public')
  logro(@Root() l: HouseholdLogro) {
    return logroBasico(l.logroId);
  }

  @FieldResolver(() => [LogroStateChange], { description: 'Every change of this logro’s state, oldest first, with the run that caused it.' })
  @Sensitive('personal')
  async history(@Root() l: HouseholdLogro, @Ctx() ctx: LogrosContext): Promise<LogroStateChange[]> {
    return (await ctx.loaders.logroHistoryByHousehold.load(l.subjectId)).filter((h) => h.logro === l.logroId).map(toStateChange);
  }
}

async function dwellingOf(id: number | null, ctx: LogrosContext): Promise<DwellingRecord | null> {
  if (id == null) return null;
  const r = await ctx.loaders.dwellingById.load(id);
  return r && toDwellingRecord(r);
}

async function runOf(id: number, ctx: LogrosContext): Promise<LogroRun | null> {
  const r = await ctx.loaders.logroRunById.load(id);
  return r && toLogroRun(r);
}

@Resolver(() => LogroEvidence)
export class LogroEvidenceResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The source record that decided the state (null when an absence decided it).' })
  @Sensitive('public')
  sourceRecord(@Root() e: LogroEvidence, @Ctx() ctx: LogrosContext) {
    return sourceRecordOf(e.sourceRecordId, ctx);
  }

  @FieldResolver(() => DwellingRecord, {
    nullable: true,
    description: 'Habitability logros (LB 24, 26, 28, 29, 32): the Sisbén IV dwelling record that decided the state (null when there is none).',
  })
  @Sensitive('public')
  dwellingRecord(@Root() e: LogroEvidence, @Ctx() ctx: LogrosContext) {
    return dwellingOf(e.dwellingRecordId, ctx);
  }

  @FieldResolver(() => LogroRun, { nullable: true, description: 'The logro run that set the current state.' })
  @Sensitive('public')
  run(@Root() e: LogroEvidence, @Ctx() ctx: LogrosContext) {
    return runOf(e.runId, ctx);
  }
}

@Resolver(() => LogroStateChange)
export class LogroStateChangeResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The source record behind the new state.' })
  @Sensitive('public')
  sourceRecord(@Root() c: LogroStateChange, @Ctx() ctx: LogrosContext) {
    return sourceRecordOf(c.sourceRecordId, ctx);
  }

  @FieldResolver(() => DwellingRecord, { nullable: true, description: 'Habitability logros: the Sisbén IV dwelling record behind the new state.' })
  @Sensitive('public')
  dwellingRecord(@Root() c: LogroStateChange, @Ctx() ctx: LogrosContext) {
    return dwellingOf(c.dwellingRecordId, ctx);
  }

  @FieldResolver(() => LogroRun, { nullable: true, description: 'The logro run that caused the change (its reconciliation run names the import).' })
  @Sensitive('public')
  run(@Root() c: LogroStateChange, @Ctx() ctx: LogrosContext) {
    return runOf(c.runId, ctx);
  }
}

@Resolver(() => LogroRun)
export class LogroRunResolver {
  @Allow(...OPERATION_ROLES)
  @Query(() => LogroRun, { nullable: true })
  async logroRun(@Arg('id', () => ID) id: string, @Ctx() ctx: LogrosContext) {
    const r = await ctx.services.logros.getRun(parseId(id, 'a logro run id'));
    return r && toLogroRun(r);
  }

  @Allow(...OPERATION_ROLES)
  @Mutation(() => LogroRun, {
    description: 'Recomputes every person’s and household’s logros from scratch, by a background job (PENDING while the queue is down).',
  })
  async recomputeLogros(@Ctx() ctx: LogrosContext) {
    return toLogroRun(await ctx.services.logros.requestFull('manual'));
  }
}
