-- Tamper-evident audit log (issue 17.3): every audit_events row is chained to the previous one by
-- chain_hash = sha256(previous chain_hash || canonical content), in chain_position order. The
-- append-only trigger and the privileges stop the hub's own role; the chain makes a rewrite by the
-- owner (triggers disabled, rows updated or deleted) visible to `juntos-hub audit verify`, which
-- recomputes every hash outside the database (src/access/auditChain.ts holds the same canonical
-- form; tests/integration/auditChain.test.ts checks that both agree).

-- The canonical content of a row: a JSON array of its columns in a fixed order, the time in UTC
-- with microseconds (independent of the session's TimeZone), ids as numbers, jsonb as PostgreSQL
-- prints it (keys in its stored order).
CREATE OR REPLACE FUNCTION juntos_audit_canonical(e audit_events) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
  SELECT jsonb_build_array(
    e.chain_position, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor, e.actor_role, e.action, e.subject_type, e.subject_id, e.person_id, e.field, e.request_id, e.reason,
    e.before, e.after
  )::text
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION juntos_audit_digest(prev bytea, e audit_events) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
  SELECT sha256(prev || convert_to(juntos_audit_canonical(e), 'UTF8'))
$$;
--> statement-breakpoint
-- Runs as the owner (SECURITY DEFINER, fixed search_path): the hub's runtime role inserts audit
-- rows but has no privilege on audit_chain_head. The head's row lock is held until the inserting
-- transaction ends, so concurrent writers extend one chain, and a rolled-back insert rolls the head
-- back with it. Audit rows are the last write of the transactions that carry them, so the lock is
-- held briefly.
CREATE OR REPLACE FUNCTION juntos_audit_chain() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
  head record;
BEGIN
  SELECT position, hash INTO head FROM audit_chain_head WHERE id = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_chain_head is missing: the audit chain cannot be extended' USING ERRCODE = 'data_corrupted';
  END IF;
  NEW.chain_position := head.position + 1;
  NEW.chain_hash := juntos_audit_digest(head.hash, NEW);
  UPDATE audit_chain_head SET position = NEW.chain_position, hash = NEW.chain_hash WHERE id = 1;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Chain the rows already logged, in id order (they were written before the chain existed).
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
--> statement-breakpoint
DO $$
DECLARE
  r audit_events;
  p bigint := 0;
  h bytea := decode(repeat('00', 32), 'hex');
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    p := p + 1;
    r.chain_position := p;
    h := juntos_audit_digest(h, r);
    UPDATE audit_events SET chain_position = p, chain_hash = h WHERE id = r.id;
  END LOOP;
  INSERT INTO audit_chain_head (id, position, hash) VALUES (1, p, h);
END
$$;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
--> statement-breakpoint
-- "zz": BEFORE triggers fire in name order, so the hash covers the row as it is stored.
CREATE TRIGGER audit_events_zz_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION juntos_audit_chain();
