-- Issue 17.3: the hub runs under a runtime role that owns no table (docs/security.md, "Database
-- roles"). What an import needs beyond DML is here, defined by the owner:
--   * juntos_staging: the schema where staging tables are created (the runtime role is granted
--     CREATE on it, never on public; connections put it first on their search_path);
--   * the first-snapshot bulk path drops and rebuilds the import tables' secondary indexes and
--     foreign keys, and refreshes statistics: both need ownership, so they are SECURITY DEFINER
--     functions with a fixed search_path that accept only the import tables and execute only
--     definitions they read from the catalog themselves (never SQL from the caller).
-- EXECUTE is revoked from PUBLIC; the grant step (src/platform/db/roles.ts) grants it to the runtime role.
CREATE SCHEMA IF NOT EXISTS juntos_staging;
--> statement-breakpoint
-- What juntos_bulk_drop_secondary dropped, per transaction, for juntos_bulk_restore_secondary.
CREATE TABLE IF NOT EXISTS juntos_bulk_dropped (
  xid bigint NOT NULL,
  ord integer NOT NULL,
  kind char(1) NOT NULL,
  rel text NOT NULL,
  name text,
  def text NOT NULL,
  PRIMARY KEY (xid, ord)
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION juntos_import_tables() RETURNS regclass[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT array['source_entities', 'source_records', 'households', 'household_memberships', 'sisben_classifications', 'affiliations', 'victim_registrations']::regclass[]
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION juntos_bulk_drop_secondary(tables regclass[]) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  r record;
  n integer := 0;
  x bigint := txid_current();
BEGIN
  IF NOT (tables <@ juntos_import_tables()) THEN
    RAISE EXCEPTION 'juntos_bulk_drop_secondary accepts only the import tables' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM juntos_bulk_dropped WHERE xid = x) THEN
    RAISE EXCEPTION 'secondary indexes already dropped in this transaction' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  FOR r IN SELECT conrelid::regclass::text AS rel, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
           WHERE contype = 'f' AND conrelid = ANY (tables) ORDER BY 1, 2 LOOP
    INSERT INTO juntos_bulk_dropped VALUES (x, n, 'f', r.rel, r.name, r.def);
    n := n + 1;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.name);
  END LOOP;
  -- Every index not backing a constraint (primary keys stay).
  FOR r IN SELECT i.indexrelid::regclass::text AS rel, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
           WHERE i.indrelid = ANY (tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1 LOOP
    INSERT INTO juntos_bulk_dropped VALUES (x, n, 'i', r.rel, NULL, r.def);
    n := n + 1;
    EXECUTE format('DROP INDEX %s', r.rel);
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
  -- Indexes first: the foreign keys re-added are then validated with them.
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
-- Fresh planner statistics after a large load (ANALYZE needs ownership); tables of public only.
CREATE OR REPLACE FUNCTION juntos_analyze(tables regclass[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    IF (SELECT relnamespace FROM pg_class WHERE oid = t) <> 'public'::regnamespace THEN
      RAISE EXCEPTION 'juntos_analyze accepts only tables of public' USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('ANALYZE %s', t);
  END LOOP;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION juntos_bulk_drop_secondary(regclass[]), juntos_bulk_restore_secondary(), juntos_analyze(regclass[]) FROM PUBLIC;
