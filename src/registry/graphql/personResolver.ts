import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RegistryContext } from './context';
import { JSONScalar, Subsystem, Sensitive } from '../../graphql/shared';
import { toAffiliation, toHousehold, toIdentifier, toMember, toPerson, toSisben, toSourceRecord, toVictimRegistration } from './mappers';
import { Household, HouseholdMember } from './householdTypes';
import { Affiliation, GoldenValue, Identifier, Municipality, Person, SisbenClassification, SourceRecord, VictimRegistration } from './personTypes';
import { sourceRecordOf, withinScope } from './scope';
import { PREFETCHED_FACTS, PREFETCHED_MEMBERS, PREFETCHED_PERSON } from './prefetch';
import type { AffiliationRow, IdentifierRow } from '../factRepository';

/** Objects a page's resolver read ahead for (prefetch.ts): their lists, resolved without a promise. */
type WithFacts = Person & { [PREFETCHED_FACTS]?: { identifiers?: IdentifierRow[]; affiliations?: AffiliationRow[] } };
type WithMembers = Household & { [PREFETCHED_MEMBERS]?: HouseholdMember[] };
type WithPerson = HouseholdMember & { [PREFETCHED_PERSON]?: Person | null };

function pickAffiliations(rows: AffiliationRow[], subsystem: string | undefined, includeVanished: boolean | undefined): Affiliation[] {
  const out: Affiliation[] = [];
  for (const r of rows) if ((includeVanished || r.status === 'active') && (!subsystem || r.subsystem === subsystem)) out.push(toAffiliation(r));
  return out;
}

async function loadMembers(h: Household, ctx: RegistryContext): Promise<HouseholdMember[]> {
  // Members living outside the caller's territory are left out (not just their person edge).
  const rows = await withinScope(ctx, await ctx.loaders.membersByHousehold.load(h.internalId), (m) => m.personId);
  return rows.map((m) => toMember(m, ctx.services.reference.kinshipLabel));
}

@Resolver(() => Person)
export class PersonResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Names in registry order: nombres then apellidos.' })
  @Sensitive('personal')
  fullName(@Root() p: Person): string | null {
    const parts = [p.firstName, p.secondName, p.firstSurname, p.secondSurname].filter(Boolean);
    return parts.length ? parts.join(' ') : null;
  }

  @FieldResolver(() => Municipality, { nullable: true, description: 'Municipality of residence (survivorship: Sisbén first).' })
  @Sensitive('personal')
  municipality(@Root() p: Person, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(p.municipalityCode);
  }

  @FieldResolver(() => [Identifier])
  @Sensitive('identifier')
  identifiers(@Root() p: Person, @Ctx() ctx: RegistryContext): Identifier[] | Promise<Identifier[]> {
    const ahead = (p as WithFacts)[PREFETCHED_FACTS]?.identifiers;
    if (ahead) return ahead.map(toIdentifier);
    return ctx.loaders.identifiersByPerson.load(p.internalId).then((rows) => rows.map(toIdentifier));
  }

  @FieldResolver(() => [Affiliation])
  @Sensitive('personal')
  affiliations(
    @Root() p: Person,
    @Ctx() ctx: RegistryContext,
    @Arg('subsystem', () => Subsystem, { nullable: true }) subsystem?: string,
    @Arg('includeVanished', () => Boolean, { defaultValue: false, description: 'Include records no longer in their source.' })
    includeVanished?: boolean,
  ): Affiliation[] | Promise<Affiliation[]> {
    const ahead = (p as WithFacts)[PREFETCHED_FACTS]?.affiliations;
    if (ahead) return pickAffiliations(ahead, subsystem, includeVanished);
    return ctx.loaders.affiliationsByPerson.load(p.internalId).then((rows) => pickAffiliations(rows, subsystem, includeVanished));
  }

  @FieldResolver(() => SisbenClassification, { nullable: true, description: 'Current Sisbén IV classification.' })
  @Sensitive('personal')
  async sisbenClassification(@Root() p: Person, @Ctx() ctx: RegistryContext): Promise<SisbenClassification | null> {
    const rows = (await ctx.loaders.sisbenByPerson.load(p.internalId)).filter((r) => r.status === 'active');
    // Latest cut wins when the person appears in more than one ficha.
    rows.sort((a, b) => (b.cutDate ?? '').localeCompare(a.cutDate ?? '') || b.id - a.id);
    return rows[0] ? toSisben(rows[0]) : null;
  }

  @FieldResolver(() => [VictimRegistration])
  @Sensitive('victim')
  async victimRegistrations(@Root() p: Person, @Ctx() ctx: RegistryContext): Promise<VictimRegistration[]> {
    return (await ctx.loaders.victimRegistrationsByPerson.load(p.internalId)).map((r) => toVictimRegistration(r, ctx.services.reference.eventLabel));
  }

  @FieldResolver(() => [SourceRecord], { description: 'Every source record linked to this person (provenance).' })
  @Sensitive('public')
  async sourceRecords(@Root() p: Person, @Ctx() ctx: RegistryContext): Promise<SourceRecord[]> {
    return (await ctx.loaders.sourceRecordsByPerson.load(p.internalId)).map(toSourceRecord);
  }

  @FieldResolver(() => [HouseholdMember], { description: 'Household memberships, current and ended.' })
  @Sensitive('personal')
  async households(@Root() p: Person, @Ctx() ctx: RegistryContext): Promise<HouseholdMember[]> {
    return (await ctx.loaders.membershipsByPerson.load(p.internalId)).map((m) => toMember(m, ctx.services.reference.kinshipLabel));
  }

  @FieldResolver(() => [GoldenValue], { description: 'For each golden value, the source record it was taken from.' })
  @Sensitive('personal')
  provenance(@Root() p: Person): GoldenValue[] {
    const name = [p.firstName, p.secondName, p.firstSurname, p.secondSurname].filter(Boolean).join(' ') || null;
    return [
      { field: 'name', value: name, sourceRecordId: p.nameSourceRecordId },
      { field: 'birthDate', value: p.birthDate, sourceRecordId: p.birthDateSourceRecordId },
      { field: 'sex', value: p.sex, sourceRecordId: p.sexSourceRecordId },
      { field: 'municipality', value: p.municipalityCode, sourceRecordId: p.municipalitySourceRecordId },
    ];
  }
}

@Resolver(() => GoldenValue)
export class GoldenValueResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() v: GoldenValue, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(v.sourceRecordId, ctx);
  }
}

@Resolver(() => Identifier)
export class IdentifierResolver {
  @FieldResolver(() => SourceRecord, { nullable: true, description: 'The record the document was first seen in.' })
  @Sensitive('public')
  sourceRecord(@Root() v: Identifier, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(v.sourceRecordId, ctx);
  }
}

@Resolver(() => Affiliation)
export class AffiliationResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() v: Affiliation, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(v.sourceRecordId, ctx);
  }

  @FieldResolver(() => Municipality, { nullable: true })
  @Sensitive('personal')
  municipality(@Root() v: Affiliation, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(v.municipalityCode);
  }
}

@Resolver(() => SisbenClassification)
export class SisbenClassificationResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() v: SisbenClassification, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(v.sourceRecordId, ctx);
  }

  @FieldResolver(() => Household, { nullable: true })
  @Sensitive('personal')
  async household(@Root() v: SisbenClassification, @Ctx() ctx: RegistryContext) {
    if (v.householdId == null) return null;
    const h = await ctx.loaders.householdById.load(v.householdId);
    return h && toHousehold(h);
  }
}

@Resolver(() => VictimRegistration)
export class VictimRegistrationResolver {
  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() v: VictimRegistration, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(v.sourceRecordId, ctx);
  }

  @FieldResolver(() => Municipality, { nullable: true, description: 'Municipio de ocurrencia (for displacement: de expulsión).' })
  @Sensitive('victim')
  occurrenceMunicipality(@Root() v: VictimRegistration, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(v.occurrenceMunicipality);
  }

  @FieldResolver(() => Municipality, { nullable: true })
  @Sensitive('victim')
  declarationMunicipality(@Root() v: VictimRegistration, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(v.declarationMunicipality);
  }

  @FieldResolver(() => Municipality, { nullable: true, description: 'Municipio de llegada / ubicación.' })
  @Sensitive('victim')
  arrivalMunicipality(@Root() v: VictimRegistration, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(v.arrivalMunicipality);
  }
}

@Resolver(() => Household)
export class HouseholdResolver {
  @FieldResolver(() => Municipality)
  @Sensitive('personal')
  municipality(@Root() h: Household, @Ctx() ctx: RegistryContext) {
    return ctx.services.reference.municipality(h.municipalityCode);
  }

  @FieldResolver(() => [HouseholdMember], { description: 'Current members (linked persons), in household order.' })
  @Sensitive('personal')
  members(@Root() h: Household, @Ctx() ctx: RegistryContext): HouseholdMember[] | Promise<HouseholdMember[]> {
    return (h as WithMembers)[PREFETCHED_MEMBERS] ?? loadMembers(h, ctx);
  }

  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() h: Household, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(h.sourceRecordId, ctx);
  }
}

@Resolver(() => HouseholdMember)
export class HouseholdMemberResolver {
  @FieldResolver(() => Person, { nullable: true, description: 'null when the person is outside the caller’s territory.' })
  @Sensitive('personal')
  person(@Root() m: HouseholdMember, @Ctx() ctx: RegistryContext): Person | null | Promise<Person | null> {
    const ahead = (m as WithPerson)[PREFETCHED_PERSON];
    if (ahead !== undefined) return ahead;
    return ctx.loaders.personById.load(m.personId).then((p) => p && toPerson(p));
  }

  @FieldResolver(() => Household, { nullable: true })
  @Sensitive('personal')
  async household(@Root() m: HouseholdMember, @Ctx() ctx: RegistryContext): Promise<Household | null> {
    const h = await ctx.loaders.householdById.load(m.householdId);
    return h && toHousehold(h);
  }

  @FieldResolver(() => SourceRecord, { nullable: true })
  @Sensitive('public')
  sourceRecord(@Root() m: HouseholdMember, @Ctx() ctx: RegistryContext) {
    return sourceRecordOf(m.sourceRecordId, ctx);
  }
}

@Resolver(() => SourceRecord)
export class SourceRecordResolver {
  /**
   * Read from the archived file of the record's run (verified against its SHA-256), not from a
   * copy: ARCHIVE_MISSING or ARCHIVE_CORRUPT when the archive cannot give it back.
   */
  @FieldResolver(() => String, { description: 'The row exactly as decoded from the file (read from the archive of received files).' })
  @Sensitive('raw')
  async raw(@Root() r: SourceRecord, @Ctx() ctx: RegistryContext): Promise<string> {
    return 'copy' in r.rawAt ? r.rawAt.copy : ctx.services.archive.rawLine(r.rawAt.archived);
  }

  /**
   * Re-derived from the archived line with the run's connector (issue 15: source_records keeps no copy
   * since 0026), checked against the record's content digest: the values imported, or
   * ARCHIVE_MISSING / ARCHIVE_CORRUPT / RECORD_VALUES_CHANGED. Records written before keep their copy.
   */
  @FieldResolver(() => JSONScalar, { description: "The connector's normalized values for this row (re-derived from the archived line)." })
  @Sensitive('raw')
  async normalized(@Root() r: SourceRecord, @Ctx() ctx: RegistryContext): Promise<unknown> {
    return 'stored' in r.valuesAt ? r.valuesAt.stored : ctx.services.recordValues.normalized(r.valuesAt.derived);
  }
}
