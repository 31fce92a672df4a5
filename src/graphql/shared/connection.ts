import 'reflect-metadata';
import { Field, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ description: 'Relay page info. Pages are keyset-paginated: stable while rows are inserted.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Always false: pagination is forward-only.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

/**
 * A Relay connection of one page. `totalCount` (optional) is a thunk: graphql-js calls a
 * function-valued property as the field's resolver, so the count runs only when a query selects it.
 */
export function connection<T, E>(
  items: T[],
  hasNextPage: boolean,
  cursorOf: (item: T) => string,
  edge: (cursor: string, node: T) => E,
  totalCount?: () => Promise<number>,
): { edges: E[]; pageInfo: PageInfo; totalCount?: () => Promise<number> } {
  const edges = items.map((n) => edge(cursorOf(n), n));
  return {
    edges,
    ...(totalCount ? { totalCount } : {}),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: items.length ? cursorOf(items[0]) : null,
      endCursor: items.length ? cursorOf(items[items.length - 1]) : null,
    },
  };
}

/**
 * The base of the operational lists (runs, row errors, review items, audit): a page of `nodes` and
 * the cursor of the next one. Each list subclasses it with its own name:
 * `@ObjectType({ simpleResolvers: true }) class ImportRunConnection extends NodeList(ImportRun) {}`.
 */
export function NodeList<T extends object>(itemType: ClassType<T>, opts: { endCursorDescription?: string } = {}) {
  @ObjectType({ simpleResolvers: true })
  abstract class NodeListPage {
    @Field(() => [itemType])
    nodes!: T[];

    @Field(() => Boolean)
    hasNextPage!: boolean;

    @Field(() => String, { nullable: true, description: opts.endCursorDescription })
    endCursor!: string | null;
  }
  return NodeListPage;
}
