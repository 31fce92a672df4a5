-- Issue 12 (performance): a full logro run writes person_logro_counts and household_logro_counts
-- (truncated in the same transaction) from the same pass as the states, one statement per rule. Their
-- primary keys span text and enum columns compared under the database's collation: maintained cell
-- by cell they cost more than the state rows they count, built once at the end (a sort) they cost
-- little. juntos_bulk_drop_keys accepts them too now. Idempotent (the runtime-role test re-applies
-- the last migration).
CREATE OR REPLACE FUNCTION juntos_logro_tables() RETURNS regclass[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT array['person_logros', 'household_logros', 'person_logro_history', 'household_logro_history', 'person_logro_counts',
    'household_logro_counts']::regclass[]
$$;
