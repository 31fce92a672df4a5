import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { PersonFacts, PersonFactsWanted } from '../personFacts';
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
  const facts = selectedFieldNames(info, [...path, 'members', 'person']);
  return { person: true, identifiers: facts.has('identifiers'), affiliations: facts.has('affiliations') };
}

/**
 * Lists read ahead, carried on the objects they belong to (symbol keys: never serialized, never a
 * GraphQL field). A field resolver finding one returns it synchronously (no DataLoader round, no
 * promise per value); without one it reads through the request's loaders as before. The values are
 * the loaders' rows (same statements, same scope), so the answers and their guards are the same.
 */
export const PREFETCHED_MEMBERS = Symbol('prefetchedMembers');
export const PREFETCHED_PERSON = Symbol('prefetchedPerson');
export const PREFETCHED_FACTS = Symbol('prefetchedFacts');
