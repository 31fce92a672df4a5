import { sql, type SQL } from 'drizzle-orm';

/**
 * Fresh planner statistics for those of `tables` (of public) that need them: never analyzed, or
 * changed by more than a fifth (and 1,000 rows) since. Autovacuum does the same, but a minute or more
 * later: a run that plans right after a load would otherwise plan blind (nested loops over tables the
 * planner believes empty). Tables that need nothing cost a look at pg_stat_user_tables.
 */
export function analyzeStaleSql(tables: readonly string[], opts: { unlessAnalyzedSince?: Date } = {}): SQL {
  for (const t of tables) if (!/^[a-z_]+$/.test(t)) throw new Error(`analyzeStaleSql: not a table name: ${t}`);
  const names = sql.raw(tables.map((t) => `'${t}'`).join(', '));
  // A table analyzed since that moment is fresh whatever its counter says: the counter only counts a
  // transaction's changes once it commits, after the analyze inside it (a full logro run's load).
  const since = opts.unlessAnalyzedSince ? sql` and greatest(last_analyze, last_autoanalyze) < ${opts.unlessAnalyzedSince.toISOString()}::timestamptz` : sql``;
  return sql`select juntos_analyze(coalesce(array_agg(relid::regclass), '{}')) from pg_stat_user_tables
    where schemaname = 'public' and relname in (${names})
      and (greatest(last_analyze, last_autoanalyze) is null or (n_mod_since_analyze > greatest(1000, n_live_tup / 5)${since}))`;
}
