CREATE TYPE "public"."affiliation_state" AS ENUM('ACTIVO', 'SUSPENDIDO', 'RETIRADO', 'FALLECIDO', 'PROTECCION_LABORAL', 'DESAFILIADO', 'OTRO');--> statement-breakpoint
CREATE TYPE "public"."import_state" AS ENUM('received', 'parsing', 'staged', 'applied', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."issue_severity" AS ENUM('error', 'warning');--> statement-breakpoint
CREATE TYPE "public"."person_status" AS ENUM('active', 'merged');--> statement-breakpoint
CREATE TYPE "public"."record_status" AS ENUM('active', 'vanished');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('M', 'F', 'I');--> statement-breakpoint
CREATE TYPE "public"."source" AS ENUM('sisben', 'bdua', 'ruaf', 'ruv');--> statement-breakpoint
CREATE TYPE "public"."subsystem" AS ENUM('SALUD', 'PENSIONES', 'RIESGOS_LABORALES', 'COMPENSACION_FAMILIAR', 'CESANTIAS', 'PENSIONADOS', 'ASISTENCIA_SOCIAL');--> statement-breakpoint
CREATE TYPE "public"."zone" AS ENUM('cabecera', 'centro_poblado', 'rural_disperso');--> statement-breakpoint
CREATE TABLE "departments" (
	"code" char(2) PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_types" (
	"code" varchar(2) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"numeric" boolean NOT NULL,
	"life_cycle_rank" smallint,
	"national" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kinship_roles" (
	"code" smallint PRIMARY KEY NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "logro_dimensions" (
	"id" smallint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"objective" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "logros_basicos" (
	"id" smallint PRIMARY KEY NOT NULL,
	"dimension_id" smallint NOT NULL,
	"text" text NOT NULL,
	"uncertain" boolean NOT NULL,
	"registry_answerable" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "municipalities" (
	"code" char(5) PRIMARY KEY NOT NULL,
	"department_code" char(2) NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sisben_subgroups" (
	"code" varchar(3) PRIMARY KEY NOT NULL,
	"group" char(1) NOT NULL,
	"level" smallint NOT NULL,
	"group_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "victimizing_events" (
	"code" smallint PRIMARY KEY NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_memberships" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household_memberships_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"household_id" bigint NOT NULL,
	"source_entity_id" bigint NOT NULL,
	"source_record_id" bigint NOT NULL,
	"person_id" bigint,
	"role" smallint,
	"member_order" smallint,
	"valid_from" date,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "households_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"public_id" uuid DEFAULT juntos_uuid_v7() NOT NULL,
	"source" "source" NOT NULL,
	"source_key" text NOT NULL,
	"municipality_code" char(5) NOT NULL,
	"department_code" char(2) GENERATED ALWAYS AS (left(municipality_code, 2)) STORED,
	"zone" "zone",
	"sisben_ficha" text,
	"sisben_group" char(1),
	"sisben_subgroup" varchar(3),
	"source_record_id" bigint NOT NULL,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identifiers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "person_identifiers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"person_id" bigint NOT NULL,
	"doc_type" varchar(2) NOT NULL,
	"doc_number" varchar(20) NOT NULL,
	"source_record_id" bigint NOT NULL,
	"seen_count" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "persons_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"public_id" uuid DEFAULT juntos_uuid_v7() NOT NULL,
	"status" "person_status" DEFAULT 'active' NOT NULL,
	"merged_into_id" bigint,
	"first_name" text,
	"second_name" text,
	"first_surname" text,
	"second_surname" text,
	"birth_date" date,
	"sex" "sex",
	"name_source_record_id" bigint,
	"birth_date_source_record_id" bigint,
	"sex_source_record_id" bigint,
	"municipality_code" char(5),
	"municipality_source_record_id" bigint,
	"department_code" char(2) GENERATED ALWAYS AS (left(municipality_code, 2)) STORED,
	"sisben_group" char(1),
	"sisben_subgroup" varchar(3),
	"is_victim" boolean DEFAULT false NOT NULL,
	"is_displaced" boolean DEFAULT false NOT NULL,
	"health_state" "affiliation_state",
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "affiliations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "affiliations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_entity_id" bigint NOT NULL,
	"source_record_id" bigint NOT NULL,
	"person_id" bigint,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" "source" NOT NULL,
	"subsystem" "subsystem" NOT NULL,
	"administrator_code" text NOT NULL,
	"administrator_name" text,
	"regime" text,
	"affiliate_type" text,
	"state" "affiliation_state" NOT NULL,
	"state_code" text NOT NULL,
	"start_date" date,
	"end_date" date,
	"municipality_code" char(5),
	"program" text
);
--> statement-breakpoint
CREATE TABLE "sisben_classifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sisben_classifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_entity_id" bigint NOT NULL,
	"source_record_id" bigint NOT NULL,
	"person_id" bigint,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"household_id" bigint,
	"group" char(1) NOT NULL,
	"subgroup" varchar(3) NOT NULL,
	"cut_date" date,
	"survey_date" date
);
--> statement-breakpoint
CREATE TABLE "source_entities" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "source_entities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" "source" NOT NULL,
	"source_key" text NOT NULL,
	"current_record_id" bigint NOT NULL,
	"content_hash" "bytea" NOT NULL,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"first_seen_run_id" bigint NOT NULL,
	"last_seen_run_id" bigint NOT NULL,
	"changed_run_id" bigint NOT NULL,
	"vanished_run_id" bigint,
	"doc_type" varchar(2),
	"doc_number" varchar(20),
	"first_name" text,
	"second_name" text,
	"first_surname" text,
	"second_surname" text,
	"birth_date" date,
	"sex" "sex",
	"municipality_code" char(5),
	"household_key" text,
	"person_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "source_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" "source" NOT NULL,
	"source_entity_id" bigint NOT NULL,
	"import_run_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"source_key" text NOT NULL,
	"content_hash" "bytea" NOT NULL,
	"raw" text NOT NULL,
	"normalized" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "victim_registrations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "victim_registrations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_entity_id" bigint NOT NULL,
	"source_record_id" bigint NOT NULL,
	"person_id" bigint,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_code" smallint NOT NULL,
	"victim_type" text,
	"occurrence_date" date,
	"declaration_date" date,
	"inclusion_date" date,
	"occurrence_municipality" char(5),
	"declaration_municipality" char(5),
	"arrival_municipality" char(5),
	"inclusion_state" text
);
--> statement-breakpoint
CREATE TABLE "import_chunks" (
	"import_run_id" bigint NOT NULL,
	"chunk_no" integer NOT NULL,
	"added" integer NOT NULL,
	"changed" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_chunks_import_run_id_chunk_no_pk" PRIMARY KEY("import_run_id","chunk_no")
);
--> statement-breakpoint
CREATE TABLE "import_row_errors" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "import_row_errors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"import_run_id" bigint NOT NULL,
	"line" integer NOT NULL,
	"field" text NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"severity" "issue_severity" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "import_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" "source" NOT NULL,
	"file_name" text NOT NULL,
	"file_path" text NOT NULL,
	"sha256" char(64) NOT NULL,
	"file_bytes" bigint NOT NULL,
	"encoding" text,
	"state" "import_state" DEFAULT 'received' NOT NULL,
	"previous_run_id" bigint,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_loaded" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_with_warnings" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"disappeared" integer DEFAULT 0 NOT NULL,
	"chunks_total" integer DEFAULT 0 NOT NULL,
	"chunks_done" integer DEFAULT 0 NOT NULL,
	"error_rate" real,
	"failure_code" text,
	"failure_reason" text,
	"error_summary" jsonb,
	"summary" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"staged_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "logros_basicos" ADD CONSTRAINT "logros_basicos_dimension_id_logro_dimensions_id_fk" FOREIGN KEY ("dimension_id") REFERENCES "public"."logro_dimensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "municipalities" ADD CONSTRAINT "municipalities_department_code_departments_code_fk" FOREIGN KEY ("department_code") REFERENCES "public"."departments"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_memberships" ADD CONSTRAINT "household_memberships_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_memberships" ADD CONSTRAINT "household_memberships_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_memberships" ADD CONSTRAINT "household_memberships_role_kinship_roles_code_fk" FOREIGN KEY ("role") REFERENCES "public"."kinship_roles"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identifiers" ADD CONSTRAINT "person_identifiers_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identifiers" ADD CONSTRAINT "person_identifiers_doc_type_document_types_code_fk" FOREIGN KEY ("doc_type") REFERENCES "public"."document_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_merged_into_id_persons_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliations" ADD CONSTRAINT "affiliations_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliations" ADD CONSTRAINT "affiliations_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sisben_classifications" ADD CONSTRAINT "sisben_classifications_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sisben_classifications" ADD CONSTRAINT "sisben_classifications_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sisben_classifications" ADD CONSTRAINT "sisben_classifications_subgroup_sisben_subgroups_code_fk" FOREIGN KEY ("subgroup") REFERENCES "public"."sisben_subgroups"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_entities" ADD CONSTRAINT "source_entities_doc_type_document_types_code_fk" FOREIGN KEY ("doc_type") REFERENCES "public"."document_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_entities" ADD CONSTRAINT "source_entities_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_registrations" ADD CONSTRAINT "victim_registrations_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_registrations" ADD CONSTRAINT "victim_registrations_event_code_victimizing_events_code_fk" FOREIGN KEY ("event_code") REFERENCES "public"."victimizing_events"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_registrations" ADD CONSTRAINT "victim_registrations_occurrence_municipality_municipalities_code_fk" FOREIGN KEY ("occurrence_municipality") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_registrations" ADD CONSTRAINT "victim_registrations_declaration_municipality_municipalities_code_fk" FOREIGN KEY ("declaration_municipality") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "victim_registrations" ADD CONSTRAINT "victim_registrations_arrival_municipality_municipalities_code_fk" FOREIGN KEY ("arrival_municipality") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_row_errors" ADD CONSTRAINT "import_row_errors_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "household_memberships_entity_household_uq" ON "household_memberships" USING btree ("source_entity_id","household_id");--> statement-breakpoint
CREATE INDEX "household_memberships_household_idx" ON "household_memberships" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "household_memberships_person_idx" ON "household_memberships" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "households_public_id_uq" ON "households" USING btree ("public_id");--> statement-breakpoint
CREATE UNIQUE INDEX "households_source_key_uq" ON "households" USING btree ("source","source_key");--> statement-breakpoint
CREATE INDEX "households_department_id_idx" ON "households" USING btree ("department_code","id");--> statement-breakpoint
CREATE INDEX "households_municipality_id_idx" ON "households" USING btree ("municipality_code","id");--> statement-breakpoint
CREATE INDEX "households_sisben_group_id_idx" ON "households" USING btree ("sisben_group","id");--> statement-breakpoint
CREATE UNIQUE INDEX "person_identifiers_person_doc_uq" ON "person_identifiers" USING btree ("person_id","doc_type","doc_number");--> statement-breakpoint
CREATE INDEX "person_identifiers_number_idx" ON "person_identifiers" USING btree ("doc_number","doc_type");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_public_id_uq" ON "persons" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "persons_department_id_idx" ON "persons" USING btree ("department_code","id");--> statement-breakpoint
CREATE INDEX "persons_municipality_id_idx" ON "persons" USING btree ("municipality_code","id");--> statement-breakpoint
CREATE INDEX "persons_sisben_group_id_idx" ON "persons" USING btree ("sisben_group","id");--> statement-breakpoint
CREATE INDEX "persons_health_state_id_idx" ON "persons" USING btree ("health_state","id");--> statement-breakpoint
CREATE INDEX "persons_displaced_id_idx" ON "persons" USING btree ("id") WHERE "persons"."is_displaced";--> statement-breakpoint
CREATE INDEX "persons_victim_id_idx" ON "persons" USING btree ("id") WHERE "persons"."is_victim";--> statement-breakpoint
CREATE INDEX "persons_merged_into_idx" ON "persons" USING btree ("merged_into_id") WHERE "persons"."merged_into_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "affiliations_entity_uq" ON "affiliations" USING btree ("source_entity_id");--> statement-breakpoint
CREATE INDEX "affiliations_person_idx" ON "affiliations" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "affiliations_state_person_idx" ON "affiliations" USING btree ("state","person_id") WHERE "affiliations"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "sisben_classifications_entity_uq" ON "sisben_classifications" USING btree ("source_entity_id");--> statement-breakpoint
CREATE INDEX "sisben_classifications_person_idx" ON "sisben_classifications" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "source_entities_source_key_uq" ON "source_entities" USING btree ("source","source_key");--> statement-breakpoint
CREATE INDEX "source_entities_person_idx" ON "source_entities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "source_entities_doc_number_idx" ON "source_entities" USING btree ("doc_number");--> statement-breakpoint
CREATE INDEX "source_entities_changed_run_idx" ON "source_entities" USING btree ("changed_run_id");--> statement-breakpoint
CREATE INDEX "source_records_entity_idx" ON "source_records" USING btree ("source_entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "source_records_run_line_uq" ON "source_records" USING btree ("import_run_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "victim_registrations_entity_uq" ON "victim_registrations" USING btree ("source_entity_id");--> statement-breakpoint
CREATE INDEX "victim_registrations_person_idx" ON "victim_registrations" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "import_row_errors_run_line_idx" ON "import_row_errors" USING btree ("import_run_id","line","id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_runs_sha256_uq" ON "import_runs" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "import_runs_source_state_idx" ON "import_runs" USING btree ("source","state","id");