CREATE TYPE "public"."logro_run_state" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."logro_state" AS ENUM('ALCANZADO', 'POR_ALCANZAR', 'NO_APLICA', 'SIN_DATO');--> statement-breakpoint
CREATE TABLE "household_logro_counts" (
	"municipality_code" text NOT NULL,
	"logro" smallint NOT NULL,
	"state" "logro_state" NOT NULL,
	"sisben_group" text NOT NULL,
	"displaced" boolean NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "household_logro_counts_municipality_code_logro_state_sisben_group_displaced_pk" PRIMARY KEY("municipality_code","logro","state","sisben_group","displaced")
);
--> statement-breakpoint
CREATE TABLE "household_logro_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household_logro_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"logro" smallint NOT NULL,
	"previous_state" "logro_state",
	"state" "logro_state" NOT NULL,
	"reason" text NOT NULL,
	"evidence_record_id" bigint,
	"rule_version" text NOT NULL,
	"logro_run_id" bigint NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"household_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_logros" (
	"household_id" bigint NOT NULL,
	"logro" smallint NOT NULL,
	"state" "logro_state" NOT NULL,
	"reason" text NOT NULL,
	"details" text[],
	"evidence_record_id" bigint,
	"members_applicable" integer DEFAULT 0 NOT NULL,
	"members_reached" integer DEFAULT 0 NOT NULL,
	"members_pending" integer DEFAULT 0 NOT NULL,
	"members_without_data" integer DEFAULT 0 NOT NULL,
	"rule_version" text NOT NULL,
	"decided_run_id" bigint NOT NULL,
	"evaluated_run_id" bigint NOT NULL,
	"municipality_code" char(5) NOT NULL,
	"sisben_group" char(1),
	"displaced" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_logros_household_id_logro_pk" PRIMARY KEY("household_id","logro")
);
--> statement-breakpoint
CREATE TABLE "logro_exports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "logro_exports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"format" text NOT NULL,
	"params" jsonb NOT NULL,
	"state" "export_state" DEFAULT 'pending' NOT NULL,
	"rows_total" integer,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"file_name" text,
	"requested_by" text NOT NULL,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "logro_rule_sets" (
	"version" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"rules" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "logro_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "logro_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"state" "logro_run_state" DEFAULT 'pending' NOT NULL,
	"trigger" text NOT NULL,
	"reconciliation_run_id" bigint,
	"import_run_id" bigint,
	"mode" text,
	"rule_version" text,
	"as_of" date,
	"coverage" jsonb,
	"persons_evaluated" integer DEFAULT 0 NOT NULL,
	"households_evaluated" integer DEFAULT 0 NOT NULL,
	"changes" integer DEFAULT 0 NOT NULL,
	"timings" jsonb,
	"failure_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "person_logro_counts" (
	"municipality_code" text NOT NULL,
	"logro" smallint NOT NULL,
	"state" "logro_state" NOT NULL,
	"sisben_group" text NOT NULL,
	"displaced" boolean NOT NULL,
	"health_state" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "person_logro_counts_municipality_code_logro_state_sisben_group_displaced_health_state_pk" PRIMARY KEY("municipality_code","logro","state","sisben_group","displaced","health_state")
);
--> statement-breakpoint
CREATE TABLE "person_logro_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "person_logro_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"logro" smallint NOT NULL,
	"previous_state" "logro_state",
	"state" "logro_state" NOT NULL,
	"reason" text NOT NULL,
	"evidence_record_id" bigint,
	"rule_version" text NOT NULL,
	"logro_run_id" bigint NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"person_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_logros" (
	"person_id" bigint NOT NULL,
	"logro" smallint NOT NULL,
	"state" "logro_state" NOT NULL,
	"reason" text NOT NULL,
	"details" text[],
	"evidence_record_id" bigint,
	"rule_version" text NOT NULL,
	"decided_run_id" bigint NOT NULL,
	"evaluated_run_id" bigint NOT NULL,
	"municipality_code" char(5),
	"sisben_group" char(1),
	"displaced" boolean NOT NULL,
	"health_state" "affiliation_state",
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_logros_person_id_logro_pk" PRIMARY KEY("person_id","logro")
);
--> statement-breakpoint
CREATE INDEX "household_logro_history_household_idx" ON "household_logro_history" USING btree ("household_id","logro");--> statement-breakpoint
CREATE INDEX "household_logros_municipality_idx" ON "household_logros" USING btree ("municipality_code","logro","state");--> statement-breakpoint
CREATE INDEX "logro_exports_state_idx" ON "logro_exports" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "logro_runs_state_idx" ON "logro_runs" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "logro_runs_reconciliation_idx" ON "logro_runs" USING btree ("reconciliation_run_id");--> statement-breakpoint
CREATE INDEX "person_logro_history_person_idx" ON "person_logro_history" USING btree ("person_id","logro");