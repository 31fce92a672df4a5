CREATE TYPE "public"."link_constraint_kind" AS ENUM('must_link', 'cannot_link');--> statement-breakpoint
CREATE TYPE "public"."export_state" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."link_type" AS ENUM('new_person', 'deterministic', 'phonetic', 'probabilistic', 'steward');--> statement-breakpoint
CREATE TYPE "public"."merge_kind" AS ENUM('automatic', 'steward');--> statement-breakpoint
CREATE TYPE "public"."reconciliation_state" AS ENUM('pending', 'running', 'merging', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."review_decision" AS ENUM('SAME_PERSON', 'DIFFERENT_PERSONS', 'DEFER');--> statement-breakpoint
CREATE TYPE "public"."review_reason" AS ENUM('POSSIBLE_MATCH', 'DOCUMENT_CONFLICT', 'POSSIBLE_TWINS', 'HOUSEHOLD_CHANGE', 'LINKED_RECORD_CHANGED', 'MERGE_HELD_BY_BREAKER', 'AUTO_LINK_AUDIT');--> statement-breakpoint
CREATE TYPE "public"."review_status" AS ENUM('open', 'deferred', 'decided', 'stale');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text,
	"person_id" bigint,
	"field" text,
	"request_id" text,
	"reason" text,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "entity_blocking_keys" (
	"rule" smallint NOT NULL,
	"key" text NOT NULL,
	"source_entity_id" bigint NOT NULL,
	CONSTRAINT "entity_blocking_keys_rule_key_source_entity_id_pk" PRIMARY KEY("rule","key","source_entity_id")
);
--> statement-breakpoint
CREATE TABLE "entity_links" (
	"source_entity_id" bigint PRIMARY KEY NOT NULL,
	"link_type" "link_type" NOT NULL,
	"reasons" text[] NOT NULL,
	"score" real,
	"match_weight" real,
	"matched_entity_id" bigint,
	"model_version" text,
	"contributions" jsonb,
	"reconciliation_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_constraints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "link_constraints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" "link_constraint_kind" NOT NULL,
	"entity_a_id" bigint NOT NULL,
	"entity_b_id" bigint NOT NULL,
	"decision_id" bigint,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "linkage_models" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "linkage_models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"version" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"training" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "linkage_models_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "links_exports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "links_exports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"state" "export_state" DEFAULT 'pending' NOT NULL,
	"source" "source",
	"file_name" text,
	"rows" integer DEFAULT 0 NOT NULL,
	"requested_by" text NOT NULL,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "merge_proposals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "merge_proposals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reconciliation_run_id" bigint NOT NULL,
	"person_a_id" bigint NOT NULL,
	"person_b_id" bigint NOT NULL,
	"source_entity_id" bigint NOT NULL,
	"score" real,
	"explanation" jsonb,
	"status" text DEFAULT 'proposed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_merges" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "person_merges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"survivor_id" bigint NOT NULL,
	"merged_id" bigint NOT NULL,
	"kind" "merge_kind" NOT NULL,
	"moved_entity_ids" bigint[] NOT NULL,
	"redirected_person_ids" bigint[] NOT NULL,
	"reconciliation_run_id" bigint,
	"decision_id" bigint,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text,
	"undo_reason" text
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reconciliation_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"state" "reconciliation_state" DEFAULT 'pending' NOT NULL,
	"trigger" text NOT NULL,
	"import_run_id" bigint,
	"model_version" text,
	"settings" jsonb,
	"records_pending" integer DEFAULT 0 NOT NULL,
	"records_processed" integer DEFAULT 0 NOT NULL,
	"pairs_compared" bigint DEFAULT 0 NOT NULL,
	"auto_linked" integer DEFAULT 0 NOT NULL,
	"new_persons" integer DEFAULT 0 NOT NULL,
	"review_items" integer DEFAULT 0 NOT NULL,
	"merges_proposed" integer DEFAULT 0 NOT NULL,
	"merges_applied" integer DEFAULT 0 NOT NULL,
	"breaker_tripped" boolean DEFAULT false NOT NULL,
	"blocking_stats" jsonb,
	"failure_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_decisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "review_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"review_item_id" bigint NOT NULL,
	"decision" "review_decision" NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"merge_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "review_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reason" "review_reason" NOT NULL,
	"status" "review_status" DEFAULT 'open' NOT NULL,
	"source_entity_id" bigint,
	"person_a_id" bigint NOT NULL,
	"person_b_id" bigint,
	"candidate_entity_id" bigint,
	"household_id" bigint,
	"score" real,
	"explanation" jsonb,
	"municipality_code" char(5),
	"department_code" char(2) GENERATED ALWAYS AS (left(municipality_code, 2)) STORED,
	"reconciliation_run_id" bigint,
	"claimed_by" text,
	"claim_expires_at" timestamp with time zone,
	"person_a_version" integer NOT NULL,
	"person_b_version" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "source_entities" ADD COLUMN "match_pending" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_survivor_id_persons_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_merged_id_persons_id_fk" FOREIGN KEY ("merged_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_review_item_id_review_items_id_fk" FOREIGN KEY ("review_item_id") REFERENCES "public"."review_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_person_a_id_persons_id_fk" FOREIGN KEY ("person_a_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_person_b_id_persons_id_fk" FOREIGN KEY ("person_b_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_actor_time_idx" ON "audit_events" USING btree ("actor","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_person_idx" ON "audit_events" USING btree ("person_id","occurred_at");--> statement-breakpoint
CREATE INDEX "entity_blocking_keys_entity_idx" ON "entity_blocking_keys" USING btree ("source_entity_id");--> statement-breakpoint
CREATE INDEX "entity_links_run_idx" ON "entity_links" USING btree ("reconciliation_run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "link_constraints_active_uq" ON "link_constraints" USING btree ("kind","entity_a_id","entity_b_id") WHERE "link_constraints"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "link_constraints_b_idx" ON "link_constraints" USING btree ("entity_b_id");--> statement-breakpoint
CREATE INDEX "merge_proposals_run_idx" ON "merge_proposals" USING btree ("reconciliation_run_id","status");--> statement-breakpoint
CREATE INDEX "person_merges_survivor_idx" ON "person_merges" USING btree ("survivor_id");--> statement-breakpoint
CREATE INDEX "person_merges_merged_idx" ON "person_merges" USING btree ("merged_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_runs_import_uq" ON "reconciliation_runs" USING btree ("import_run_id");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_state_idx" ON "reconciliation_runs" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "review_decisions_item_idx" ON "review_decisions" USING btree ("review_item_id");--> statement-breakpoint
CREATE INDEX "review_items_status_id_idx" ON "review_items" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "review_items_municipality_idx" ON "review_items" USING btree ("municipality_code","status","id");--> statement-breakpoint
CREATE INDEX "review_items_run_idx" ON "review_items" USING btree ("reconciliation_run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_items_open_pair_uq" ON "review_items" USING btree ("reason","person_a_id",coalesce("person_b_id", 0),coalesce("source_entity_id", 0)) WHERE "review_items"."status" in ('open', 'deferred');--> statement-breakpoint
CREATE INDEX "source_entities_match_pending_idx" ON "source_entities" USING btree ("id") WHERE "source_entities"."match_pending";