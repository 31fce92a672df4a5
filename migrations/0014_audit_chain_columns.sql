CREATE TABLE "audit_chain_head" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"position" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "audit_chain_head_one_row" CHECK ("audit_chain_head"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_position" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "chain_hash" "bytea";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_position_uq" ON "audit_events" USING btree ("chain_position");