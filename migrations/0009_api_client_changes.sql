-- Every change to an API client that alters what its token may do (revocation, role, scope, the
-- token itself) is announced on the channel `juntos_api_clients` with the client's id, so API
-- processes that cache verified tokens evict it at once (src/access/principalCache.ts). A trigger,
-- not application code, so that every path notifies: the CLI, another instance, a DBA's UPDATE.
-- `last_used_at` refreshes are not announced. TRUNCATE announces '*' (forget everything).
CREATE OR REPLACE FUNCTION juntos_api_client_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('juntos_api_clients', '*');
  ELSE
    PERFORM pg_notify('juntos_api_clients', OLD.id::text);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_clients_changed AFTER UPDATE ON api_clients FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.role IS DISTINCT FROM NEW.role
     OR OLD.scope_departments IS DISTINCT FROM NEW.scope_departments
     OR OLD.scope_municipalities IS DISTINCT FROM NEW.scope_municipalities
     OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
     OR OLD.name IS DISTINCT FROM NEW.name
     OR OLD.public_id IS DISTINCT FROM NEW.public_id
     OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION juntos_api_client_changed();
--> statement-breakpoint
CREATE TRIGGER api_clients_deleted AFTER DELETE ON api_clients FOR EACH ROW EXECUTE FUNCTION juntos_api_client_changed();
--> statement-breakpoint
CREATE TRIGGER api_clients_truncated AFTER TRUNCATE ON api_clients FOR EACH STATEMENT EXECUTE FUNCTION juntos_api_client_changed();
