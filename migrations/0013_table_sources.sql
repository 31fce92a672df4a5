ALTER TYPE "public"."source" ADD VALUE 'sisben_hogares';--> statement-breakpoint
ALTER TYPE "public"."source" ADD VALUE 'oferta';--> statement-breakpoint
CREATE TABLE "local_offers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "local_offers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"import_run_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"source_key" text NOT NULL,
	"content_hash" "bytea" NOT NULL,
	"is_current" boolean DEFAULT true NOT NULL,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"superseded_run_id" bigint,
	"vanished_run_id" bigint,
	"raw" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"offer_code" text NOT NULL,
	"municipality_code" char(5) NOT NULL,
	"entity" text NOT NULL,
	"entity_nit" text,
	"program" text NOT NULL,
	"logros" smallint[] NOT NULL,
	"places" integer NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"zone" "zone",
	"target_population" text
);
--> statement-breakpoint
CREATE TABLE "sisben_hogares" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sisben_hogares_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"import_run_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"source_key" text NOT NULL,
	"content_hash" "bytea" NOT NULL,
	"is_current" boolean DEFAULT true NOT NULL,
	"status" "record_status" DEFAULT 'active' NOT NULL,
	"superseded_run_id" bigint,
	"vanished_run_id" bigint,
	"raw" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ficha" text NOT NULL,
	"household_no" smallint NOT NULL,
	"municipality_code" char(5) NOT NULL,
	"zone" "zone",
	"cut_date" date,
	"survey_date" date,
	"dwelling_type" smallint,
	"wall_material" smallint,
	"floor_material" smallint,
	"has_energy" boolean,
	"has_sewer" boolean,
	"has_gas" boolean,
	"has_garbage_collection" boolean,
	"has_aqueduct" boolean,
	"dwelling_rooms" smallint,
	"dwelling_households" smallint,
	"tenure" smallint,
	"rooms" smallint,
	"bedrooms" smallint,
	"toilet_type" smallint,
	"toilet_location" smallint,
	"toilet_shared" boolean,
	"water_source" smallint,
	"water_all_week" boolean,
	"drinking_water" smallint,
	"garbage_disposal" smallint,
	"has_kitchen" boolean,
	"cooking_fuel" smallint,
	"persons" smallint
);
--> statement-breakpoint
ALTER TABLE "local_offers" ADD CONSTRAINT "local_offers_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_offers" ADD CONSTRAINT "local_offers_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sisben_hogares" ADD CONSTRAINT "sisben_hogares_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sisben_hogares" ADD CONSTRAINT "sisben_hogares_municipality_code_municipalities_code_fk" FOREIGN KEY ("municipality_code") REFERENCES "public"."municipalities"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "local_offers_current_key_uq" ON "local_offers" USING btree ("source_key") WHERE "local_offers"."is_current";--> statement-breakpoint
CREATE INDEX "local_offers_run_idx" ON "local_offers" USING btree ("import_run_id");--> statement-breakpoint
CREATE INDEX "local_offers_municipality_idx" ON "local_offers" USING btree ("municipality_code") WHERE "local_offers"."is_current";--> statement-breakpoint
CREATE UNIQUE INDEX "sisben_hogares_current_key_uq" ON "sisben_hogares" USING btree ("source_key") WHERE "sisben_hogares"."is_current";--> statement-breakpoint
CREATE INDEX "sisben_hogares_run_idx" ON "sisben_hogares" USING btree ("import_run_id");--> statement-breakpoint
CREATE INDEX "sisben_hogares_vanished_run_idx" ON "sisben_hogares" USING btree ("vanished_run_id") WHERE "sisben_hogares"."vanished_run_id" is not null;--> statement-breakpoint
CREATE INDEX "sisben_hogares_municipality_idx" ON "sisben_hogares" USING btree ("municipality_code") WHERE "sisben_hogares"."is_current";