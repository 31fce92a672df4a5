import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { PersonFacts, PersonFactsWanted } from '../personFacts';
import type { AffiliationRow, IdentifierRow } from '../factRepository';
import type { PersonRow } from '../personRepository';
import type { HouseholdMembersWanted, RegistryLoaders } from './loaders';

/**
 * The names of the fields selected at `path` below the resolving field (fragments expanded; a
 * field under @skip/@include counts as selected: reading it ahead costs a little, never a result).
 */
export function selectedFieldNames(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  const fieldsOf = (sets: readonly (SelectionSetNode | undefined)[]): FieldNode[] => {
    const out: FieldNode[] = [];
    const visit = (set: SelectionSetNode | undefined, fragments: readonly string[]) => {
      for (const sel of set?.selections ?? []) {
        if (sel.kind === Kind.FIELD) out.push(sel);
        else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet, fragments);
        else if (!fragments.includes(sel.name.value)) visit(info.fragments[sel.name.value]?.selectionSet, [...fragments, sel.name.value]);
      }
    };
    for (const s of sets) visit(s, []);
    return out;
  };
  let level = fieldsOf(info.fieldNodes.map((f) => f.selectionSet));
  for (const name of path) level = fieldsOf(level.filter((f) => f.name.value === name).map((f) => f.selectionSet));
  return new Set(level.map((f) => f.name.value));
}

/** Which of a person's facts the operation reads at `path` (Person.identifiers, .affiliations, .households). */
export function personFactsAt(info: GraphQLResolveInfo, path: readonly string[]): PersonFactsWanted {
  const names = selectedFieldNames(info, path);
  return { identifiers: names.has('identifiers'), affiliations: names.has('affiliations'), memberships: names.has('households') };
}

/** Hands facts read ahead to the request's loaders, which the Person field resolvers read from. */
export function primePersonFacts(loaders: RegistryLoaders, personId: number, facts: PersonFacts | undefined): void {
  if (!facts) return;
  if (facts.identifiers) loaders.identifiersByPerson.prime(personId, facts.identifiers);
  if (facts.affiliations) loaders.affiliationsByPerson.prime(personId, facts.affiliations);
  if (facts.memberships) loaders.membershipsByPerson.prime(personId, facts.memberships);
}

/** What a households page reads of its members, from the operation's selection (below `edges.node`). */
export function householdMembersAt(info: GraphQLResolveInfo, path: readonly string[]): HouseholdMembersWanted | undefined {
  if (!selectedFieldNames(info, path).has('members')) return undefined;
  if (!selectedFieldNames(info, [...path, 'members']).has('person')) return { person: false, identifiers: false, affiliations: false };
  const at = [...path, 'members', 'person'];
  const facts = selectedFieldNames(info, at);
  return {
    person: true,
    identifiers: facts.has('identifiers'),
    affiliations: facts.has('affiliations'),
    personColumns: columnsFor(facts, PERSON_FIELD_COLUMNS, ['id', 'publicId']),
    identifierColumns: facts.has('identifiers')
      ? columnsFor(selectedFieldNames(info, [...at, 'identifiers']), IDENTIFIER_FIELD_COLUMNS, ['personId', 'docType'])
      : undefined,
    affiliationColumns: facts.has('affiliations')
      ? columnsFor(selectedFieldNames(info, [...at, 'affiliations']), AFFILIATION_FIELD_COLUMNS, ['personId', 'status', 'subsystem', 'source'])
      : undefined,
  };
}

/**
 * The row columns a selection of an object's fields reads (its mapper's and field resolvers'
 * inputs), plus those its list's resolver and guards always read (ids, the affiliations' filter and
 * source, which their mapper converts, the documents' audit subject); undefined (every column) when a selected field is not listed, so
 * a field added later reads the whole row until it is.
 */
function columnsFor<K extends string>(
  fields: ReadonlySet<string>,
  map: Readonly<Record<string, readonly K[]>>,
  always: readonly NoInfer<K>[],
): K[] | undefined {
  const out = new Set<K>(always);
  for (const f of fields) {
    const cols = Object.hasOwn(map, f) ? map[f] : undefined;
    if (!cols) return undefined;
    for (const c of cols) out.add(c);
  }
  return [...out];
}

type Own<T> = Extract<keyof T, string>;
const self = <K extends string>(...names: K[]) => Object.fromEntries(names.map((n) => [n, [n]])) as Record<K, K[]>;
const NAMES = ['firstName', 'secondName', 'firstSurname', 'secondSurname'] as const;
/** Person fields (personTypes.ts, personResolver.ts) → the PersonRow columns toPerson and their resolvers read. */
const PERSON_FIELD_COLUMNS: Record<string, Own<PersonRow>[]> = {
  __typename: [],
  id: ['publicId'],
  ...self('firstName', 'secondName', 'firstSurname', 'secondSurname', 'birthDate', 'sex', 'sisbenGroup', 'sisbenSubgroup'),
  ...self('isVictim', 'isDisplaced', 'healthState'),
  fullName: [...NAMES],
  municipality: ['municipalityCode'],
  // Read through the loaders by the person's internal id (always read).
  identifiers: [],
  affiliations: [],
  households: [],
};
const IDENTIFIER_FIELD_COLUMNS: Record<string, Own<IdentifierRow>[]> = { __typename: [], type: ['docType'], number: ['docNumber'], seenCount: ['seenCount'] };
const AFFILIATION_FIELD_COLUMNS: Record<string, Own<AffiliationRow>[]> = {
  __typename: [],
  ...self('subsystem', 'source', 'administratorCode', 'administratorName', 'regime', 'affiliateType', 'state', 'stateCode'),
  ...self('startDate', 'endDate', 'program', 'status'),
  municipality: ['municipalityCode'],
};

/**
 * Lists read ahead, carried on the objects they belong to (symbol keys: never serialized, never a
 * GraphQL field). A field resolver finding one returns it synchronously (no DataLoader round, no
 * promise per value); without one it reads through the request's loaders as before. The values are
 * the loaders' rows (same statements, same scope), so the answers and their guards are the same.
 */
export const PREFETCHED_MEMBERS = Symbol('prefetchedMembers');
export const PREFETCHED_PERSON = Symbol('prefetchedPerson');
export const PREFETCHED_FACTS = Symbol('prefetchedFacts');
