-- Issue 15 (reconciliation write path): a run rewrites the golden record of every person it gives a
-- record to, and each rewrite inserted into all nine indexes of persons (and a changed identifier's
-- seen_count into the three of person_identifiers). A heap-only (HOT) update inserts into none, but
-- only when no indexed column changes and the new version fits in the same page:
-- * persons_health_state_id_idx goes: no query reads persons by health_state (the persons filter on
--   an affiliation state reads affiliations), and health_state is what a registry's first health
--   records change on nearly every person;
-- * persons and person_identifiers leave half of each page free, room for one new version of every
--   row, so a run that rewrites every person stays HOT (the space of a dead version is reclaimed by
--   the next access to its page). Applies to pages written from now on; existing pages are rewritten
--   only by a VACUUM FULL (not done here: it locks the table).
-- Idempotent (the runtime-role test re-applies the last migration).
DROP INDEX IF EXISTS "persons_health_state_id_idx";--> statement-breakpoint
ALTER TABLE "persons" SET (fillfactor = 50);--> statement-breakpoint
ALTER TABLE "person_identifiers" SET (fillfactor = 50);
