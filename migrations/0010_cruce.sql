CREATE TYPE "public"."cruce_state" AS ENUM('pending', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "cruce_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cruce_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"public_id" uuid DEFAULT juntos_uuid_v7() NOT NULL,
	"state" "cruce_state" DEFAULT 'pending' NOT NULL,
	"origin" text NOT NULL,
	"agency" text NOT NULL,
	"purpose" text,
	"requested_by" text NOT NULL,
	"client_id" bigint,
	"role" text NOT NULL,
	"scope" jsonb,
	"input_path" text,
	"file_name" text,
	"file_sha256" text,
	"encoding" text,
	"delimiter" text,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_processed" integer DEFAULT 0 NOT NULL,
	"rows_document" integer DEFAULT 0 NOT NULL,
	"rows_phonetic" integer DEFAULT 0 NOT NULL,
	"rows_unmatched" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_ambiguous" integer DEFAULT 0 NOT NULL,
	"services_recorded" integer DEFAULT 0 NOT NULL,
	"output_csv" text,
	"output_xlsx" text,
	"failure_code" text,
	"failure_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivered_services" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivered_services_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"person_id" bigint NOT NULL,
	"agency" text NOT NULL,
	"program" text NOT NULL,
	"entity" text,
	"logro" text,
	"logro_id" smallint,
	"attention_date" date,
	"state" text,
	"service_key" text NOT NULL,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"client_id" bigint,
	"first_run_id" bigint NOT NULL,
	"first_line" integer NOT NULL,
	"last_run_id" bigint NOT NULL,
	"last_line" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "delivered_services" ADD CONSTRAINT "delivered_services_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cruce_runs_public_id_uq" ON "cruce_runs" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "cruce_runs_state_idx" ON "cruce_runs" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "cruce_runs_client_idx" ON "cruce_runs" USING btree ("client_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "delivered_services_key_uq" ON "delivered_services" USING btree ("agency","program","person_id","service_key");--> statement-breakpoint
CREATE INDEX "delivered_services_person_idx" ON "delivered_services" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "delivered_services_program_idx" ON "delivered_services" USING btree ("agency","program","last_run_id");