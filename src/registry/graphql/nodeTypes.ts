import { Field, ID, InterfaceType } from 'type-graphql';

/** Which object type a `node(id:)` result is (the mappers return plain objects, not class instances). */
export const NODE_TYPE = Symbol('nodeType');

/**
 * Relay's Node interface: an object that can be fetched again by its global id with `node(id:)`.
 * Persons and households carry UUIDv7 public ids from one generator, unique across both tables, so
 * their `id` is the global id as it is (no type prefix to decode).
 */
@InterfaceType({
  description: 'An object with a global id, fetched again with `node(id:)` (Relay Global Object Identification).',
  resolveType: (value: { [NODE_TYPE]?: 'Person' | 'Household' }) => value[NODE_TYPE],
})
export abstract class Node {
  @Field(() => ID, { description: 'Global id: the same value `node(id:)` takes.' })
  id!: string;
}
