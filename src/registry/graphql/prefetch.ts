import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { PersonFacts, PersonFactsWanted } from '../personFacts';
import type { RegistryLoaders } from './loaders';

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
