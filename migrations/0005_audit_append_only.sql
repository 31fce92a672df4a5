-- The audit log is append-only for every role, including the application's: a trigger rejects
-- UPDATE, DELETE and TRUNCATE. (Deployments that run the hub under a dedicated role should also
-- REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM that role; see README, Operations.)
CREATE OR REPLACE FUNCTION juntos_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% rejected)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION juntos_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION juntos_audit_append_only();
