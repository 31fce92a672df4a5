ALTER TABLE "entity_blocking_keys" DROP CONSTRAINT "entity_blocking_keys_rule_key_source_entity_id_pk";--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "timings" jsonb;--> statement-breakpoint
CREATE INDEX "entity_blocking_keys_key_idx" ON "entity_blocking_keys" USING hash ("key");