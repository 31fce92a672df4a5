import type { PersonLookupContext } from './context';
import { toSourceRecord } from './mappers';
import type { SourceRecord } from './sourceRecordTypes';

/**
 * With a territorial scope, keeps only the items tied to no person or to a person inside it (the
 * person loader applies the scope in SQL, so an out-of-scope person loads as null). Without a scope
 * it costs nothing; with one, the persons come through the request's batched loader.
 */
export async function withinScope<T>(ctx: PersonLookupContext, items: T[], personIdOf: (item: T) => number | null): Promise<T[]> {
  if (!ctx.scope || !items.length) return items;
  const visible = await Promise.all(
    items.map(async (item) => {
      const id = personIdOf(item);
      return id == null || (await ctx.loaders.personById.load(id)) != null;
    }),
  );
  return items.filter((_, i) => visible[i]);
}

/**
 * A source record by id through the request's batched loader. A record of another person (e.g. a
 * household's head) stays hidden when that person is outside the caller's territory.
 */
export async function sourceRecordOf(id: number | null, ctx: PersonLookupContext): Promise<SourceRecord | null> {
  if (id == null) return null;
  const r = await ctx.loaders.sourceRecordById.load(id);
  const [visible] = r ? await withinScope(ctx, [r], (x) => x.personId) : [];
  return visible ? toSourceRecord(visible) : null;
}
