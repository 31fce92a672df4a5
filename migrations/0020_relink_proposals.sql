ALTER TYPE "public"."review_reason" ADD VALUE IF NOT EXISTS 'RELINK_CANDIDATE';--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "record_moves" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "record_moves_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_entity_id" bigint NOT NULL,
	"from_person_id" bigint NOT NULL,
	"to_person_id" bigint NOT NULL,
	"kind" "merge_kind" NOT NULL,
	"previous_link" jsonb NOT NULL,
	"reconciliation_run_id" bigint,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text,
	"undo_reason" text
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "relink_proposals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "relink_proposals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reconciliation_run_id" bigint NOT NULL,
	"source_entity_id" bigint NOT NULL,
	"from_person_id" bigint NOT NULL,
	"to_person_id" bigint NOT NULL,
	"newcomer_entity_id" bigint NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"rule" text,
	"explanation" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "record_moves_entity_idx" ON "record_moves" USING btree ("source_entity_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "relink_proposals_run_idx" ON "relink_proposals" USING btree ("reconciliation_run_id","status");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "relink_proposals_entity_idx" ON "relink_proposals" USING btree ("source_entity_id");