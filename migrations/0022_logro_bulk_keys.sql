-- Issue 12 (performance): a full logro run reloads person_logros and household_logros (truncated in
-- the same transaction) and, on the first run, writes a first state per row into the empty history
-- tables. Keeping their primary keys and indexes during that load costs more than building them once
-- at the end, and dropping a primary key needs ownership: juntos_bulk_drop_keys does it for the logro
-- tables only, recording every definition it read from the catalog in juntos_bulk_dropped, and
-- juntos_bulk_restore_secondary (redefined here) now re-adds primary keys first. Idempotent (the
-- runtime-role test re-applies the last migration).
CREATE OR REPLACE FUNCTION juntos_logro_tables() RETURNS regclass[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT array['person_logros', 'household_logros', 'person_logro_history', 'household_logro_history']::regclass[]
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION juntos_bulk_drop_keys(tables regclass[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
  x bigint := txid_current();
  o integer;
BEGIN
  IF NOT (tables <@ juntos_logro_tables()) THEN
    RAISE EXCEPTION 'juntos_bulk_drop_keys accepts only the logro tables' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Referenced keys would take their foreign keys with them: refuse instead.
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY (tables)) THEN
    RAISE EXCEPTION 'a logro table is referenced by a foreign key' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  SELECT coalesce(max(ord) + 1, 0) INTO o FROM juntos_bulk_dropped WHERE xid = x;
  -- Indexes not backing a constraint, then the primary keys.
  FOR r IN SELECT i.indexrelid::regclass::text AS rel, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
           WHERE i.indrelid = ANY (tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1 LOOP
    INSERT INTO juntos_bulk_dropped VALUES (x, o + n, 'i', r.rel, NULL, r.def);
    n := n + 1;
    EXECUTE format('DROP INDEX %s', r.rel);
  END LOOP;
  FOR r IN SELECT conrelid::regclass::text AS rel, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
           WHERE contype = 'p' AND conrelid = ANY (tables) ORDER BY 1, 2 LOOP
    INSERT INTO juntos_bulk_dropped VALUES (x, o + n, 'p', r.rel, r.name, r.def);
    n := n + 1;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.name);
  END LOOP;
  RETURN n;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION juntos_bulk_restore_secondary() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
  x bigint := txid_current();
BEGIN
  -- Primary keys, then indexes: the foreign keys re-added last are validated with them.
  FOR r IN SELECT * FROM juntos_bulk_dropped WHERE xid = x AND kind = 'p' ORDER BY ord LOOP
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.rel, r.name, r.def);
    n := n + 1;
  END LOOP;
  FOR r IN SELECT * FROM juntos_bulk_dropped WHERE xid = x AND kind = 'i' ORDER BY ord LOOP
    EXECUTE r.def;
    n := n + 1;
  END LOOP;
  FOR r IN SELECT * FROM juntos_bulk_dropped WHERE xid = x AND kind = 'f' ORDER BY ord LOOP
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.rel, r.name, r.def);
    n := n + 1;
  END LOOP;
  DELETE FROM juntos_bulk_dropped WHERE xid = x;
  RETURN n;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION juntos_bulk_drop_keys(regclass[]) FROM PUBLIC;
