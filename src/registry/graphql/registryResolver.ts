import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { encodeCursor } from '../../kernel';
import type { RegistryContext } from './context';
import { Allow, REGISTRY_ROLES, DocumentType, connection } from '../../graphql/shared';
import { toHousehold, toMember, toPerson } from './mappers';
import { HouseholdConnection, PersonConnection } from './connectionTypes';
import { Household, type HouseholdMember } from './householdTypes';
import { HouseholdFilter, PersonFilter } from './filterTypes';
import { NODE_TYPE, Node } from './nodeTypes';
import { Person } from './personTypes';
import { householdMembersAt, personFactsAt, primePersonFacts, PREFETCHED_FACTS, PREFETCHED_MEMBERS, PREFETCHED_PERSON } from './prefetch';
import type { HouseholdMembersWanted } from './loaders';
import type { HouseholdRow } from '../householdRepository';
import { DocumentInput, DocumentLookup, documentsCost } from './documentLookupTypes';

@Resolver()
export class RegistryResolver {
  @Allow(...REGISTRY_ROLES)
  @Query(() => Node, {
    nullable: true,
    description:
      'Any object by its global id (Relay’s Node interface): a person or a household. A merged-away person id returns the ' +
      'survivor; an id outside the client’s territorial scope, or unknown, returns null.',
  })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RegistryContext): Promise<Person | Household | null> {
    const found = await ctx.services.registry.nodeByPublicId(id, ctx.scope);
    if (!found) return null;
    return 'person' in found
      ? Object.assign(toPerson(found.person), { [NODE_TYPE]: 'Person' as const })
      : Object.assign(toHousehold(found.household), { [NODE_TYPE]: 'Household' as const });
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => Person, { nullable: true, description: 'A person by public id. A merged-away id returns the survivor.' })
  async person(@Arg('id', () => ID) id: string, @Ctx() ctx: RegistryContext): Promise<Person | null> {
    const row = await ctx.services.registry.personByPublicId(id, ctx.scope);
    return row && toPerson(row);
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => Person, {
    nullable: true,
    description:
      'The person holding a document. The number is normalized ("1.023.456.789" finds 1023456789); RC/NUIP/TI/CC ' +
      'numbers also match the other documents of the same life cycle. Fails with AMBIGUOUS_DOCUMENT when several persons hold it.',
  })
  async personByDocument(
    @Arg('type', () => DocumentType) type: keyof typeof DocumentType,
    @Arg('number', () => String) number: string,
    @Ctx() ctx: RegistryContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Person | null> {
    const found = await ctx.services.registry.personByDocument(type, number, ctx.scope, personFactsAt(info, []));
    if (!found) return null;
    primePersonFacts(ctx.loaders, found.person.id, found.facts);
    return toPerson(found.person);
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => [Person], { description: 'Every person holding a document (several when it is shared or mistyped in a source).' })
  async personsByDocument(
    @Arg('type', () => DocumentType) type: keyof typeof DocumentType,
    @Arg('number', () => String) number: string,
    @Ctx() ctx: RegistryContext,
  ): Promise<Person[]> {
    return (await ctx.services.registry.personsByDocument(type, number, ctx.scope)).map(toPerson);
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => [DocumentLookup], {
    description:
      'Many documents in one request (up to API_MAX_PAGE_SIZE), answered by one SQL statement: one entry per document in ' +
      'request order, with the same normalization, life-cycle matching, territorial scope and masking as personByDocument.',
  })
  @documentsCost
  async personsByDocuments(@Arg('documents', () => [DocumentInput]) documents: DocumentInput[], @Ctx() ctx: RegistryContext): Promise<DocumentLookup[]> {
    const results = await ctx.services.registry.lookupDocuments(documents, ctx.scope);
    return results.map((r) => {
      const persons = r.persons.map(toPerson);
      return { index: r.index, status: r.status, person: r.status === 'FOUND' ? persons[0]! : null, persons };
    });
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => PersonConnection, { description: 'Persons, keyset-paginated in a stable order.' })
  async persons(
    @Arg('filter', () => PersonFilter, { nullable: true }) filter: PersonFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20, capped by API_MAX_PAGE_SIZE).' }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: RegistryContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersonConnection> {
    const page = await ctx.services.registry.listPersons({ ...filter }, first, after, ctx.scope, personFactsAt(info, ['edges', 'node']));
    for (const [id, facts] of page.facts ?? []) primePersonFacts(ctx.loaders, id, facts);
    const f = { ...filter };
    return connection(
      page.items,
      page.hasNextPage,
      (p) => encodeCursor(p.id),
      (cursor, p) => ({ cursor, node: toPerson(p) }),
      () => ctx.services.registry.countPersons(f, ctx.scope),
    ) as PersonConnection;
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => Household, { nullable: true })
  async household(@Arg('id', () => ID) id: string, @Ctx() ctx: RegistryContext): Promise<Household | null> {
    const row = await ctx.services.registry.householdByPublicId(id, ctx.scope);
    return row && toHousehold(row);
  }

  @Allow(...REGISTRY_ROLES)
  @Query(() => HouseholdConnection, { description: 'Households, keyset-paginated in a stable order.' })
  async households(
    @Arg('filter', () => HouseholdFilter, { nullable: true }) filter: HouseholdFilter | undefined,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20, capped by API_MAX_PAGE_SIZE).' }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: RegistryContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<HouseholdConnection> {
    const page = await ctx.services.registry.listHouseholds({ ...filter }, first, after, ctx.scope);
    const wanted = householdMembersAt(info, ['edges', 'node']);
    const nodes = wanted ? await householdsWithMembers(page.items, wanted, ctx) : page.items.map(toHousehold);
    const f = { ...filter };
    return connection(
      nodes,
      page.hasNextPage,
      (h) => encodeCursor(h.internalId),
      (cursor, node) => ({ cursor, node }),
      () => ctx.services.registry.countHouseholds(f, ctx.scope),
    ) as HouseholdConnection;
  }
}

/**
 * A page's households with their members (and the members' persons, documents and affiliations,
 * as selected) read ahead in four statements, carried on the objects for the field resolvers to
 * return without a DataLoader round or a promise per value (prefetch.ts). The same rows, scope and
 * order as the loaders give the fields one by one.
 */
async function householdsWithMembers(rows: HouseholdRow[], wanted: HouseholdMembersWanted, ctx: RegistryContext): Promise<Household[]> {
  const read = await ctx.loaders.householdMembers(
    rows.map((h) => h.id),
    wanted,
  );
  const kinship = ctx.services.reference.kinshipLabel;
  const persons = new Map<number, Person | null>();
  const personOf = (id: number): Person | null => {
    let p = persons.get(id);
    if (p !== undefined) return p;
    const row = read.persons.get(id);
    p = row ? toPerson(row) : null;
    if (p) {
      (p as Person & { [PREFETCHED_FACTS]?: unknown })[PREFETCHED_FACTS] = {
        identifiers: read.identifiers && (read.identifiers.get(id) ?? []),
        affiliations: read.affiliations && (read.affiliations.get(id) ?? []),
      };
    }
    persons.set(id, p);
    return p;
  };
  return rows.map((row, i) => {
    const h = toHousehold(row) as Household & { [PREFETCHED_MEMBERS]?: unknown };
    h[PREFETCHED_MEMBERS] = read.members[i]!.map((m) => {
      const member = toMember(m, kinship) as HouseholdMember & { [PREFETCHED_PERSON]?: unknown };
      if (wanted.person) member[PREFETCHED_PERSON] = personOf(m.personId!);
      return member;
    });
    return h;
  });
}
