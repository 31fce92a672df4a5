import type { GraphQLContext } from '../context';

/**
 * With a territorial scope, keeps only the items tied to no person or to a person inside it (the
 * person loader applies the scope in SQL, so an out-of-scope person loads as null). Without a scope
 * it costs nothing; with one, the persons come through the request's batched loader.
 */
export async function withinScope<T>(ctx: GraphQLContext, items: T[], personIdOf: (item: T) => number | null): Promise<T[]> {
  if (!ctx.scope || !items.length) return items;
  const visible = await Promise.all(
    items.map(async (item) => {
      const id = personIdOf(item);
      return id == null || (await ctx.loaders.personById.load(id)) != null;
    }),
  );
  return items.filter((_, i) => visible[i]);
}
