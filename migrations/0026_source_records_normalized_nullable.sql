-- Issue 15 (database growth): a source record no longer stores its normalized values as jsonb (574 of
-- a 702-byte tuple at 1M Sisbén rows, 38 % of the growth). Its only readers (SourceRecord.normalized,
-- the titular's dossier) re-derive them from the archived raw line with the run's connector, checked
-- against content_hash (src/imports/recordValues.ts). Nullable rather than dropped: records imported
-- before the archive existed have no archived file (no header) to re-derive from, and existing rows
-- keep their values without rewriting a large table here. Idempotent (the runtime-role test
-- re-applies the last migration; DROP NOT NULL on a nullable column is a no-op).
ALTER TABLE "source_records" ALTER COLUMN "normalized" DROP NOT NULL;
