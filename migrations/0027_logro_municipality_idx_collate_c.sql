-- Issue 12 (performance): every full logro run rebuilds household_logros' indexes after reloading it
-- (juntos_bulk_drop_keys). The municipality index compared its char(5) codes under the database's
-- collation (C.UTF-8 or a locale: strcoll per comparison, no abbreviated keys): 4.3 s of the 2,570,004
-- keys at 1,000,000 persons, 2.9 s under "C". DIVIPOLA codes are digits, so equality and order are the
-- same; the exports' queries name the expression. Idempotent (the runtime-role test re-applies the
-- last migration).
DROP INDEX IF EXISTS "household_logros_municipality_idx";--> statement-breakpoint
CREATE INDEX "household_logros_municipality_idx" ON "household_logros" USING btree (("municipality_code" collate "C"),"logro","state");
