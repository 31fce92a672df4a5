-- Issue 12 (performance): the territorial report's lines kept per municipality × logro, derived from
-- household_logro_counts by every logro run for the municipalities it touched; filled here from the
-- counts already computed. Idempotent (the runtime-role test re-applies the last migration).
CREATE TABLE IF NOT EXISTS "household_logro_report" (
	"municipality_code" text NOT NULL,
	"logro" smallint NOT NULL,
	"demand" integer NOT NULL,
	"reached" integer NOT NULL,
	"without_data" integer NOT NULL,
	"demand_a" integer NOT NULL,
	"demand_b" integer NOT NULL,
	"demand_c" integer NOT NULL,
	"demand_d" integer NOT NULL,
	"demand_no_group" integer NOT NULL,
	"demand_displaced" integer NOT NULL,
	CONSTRAINT "household_logro_report_municipality_code_logro_pk" PRIMARY KEY("municipality_code","logro")
);
--> statement-breakpoint
INSERT INTO "household_logro_report"
SELECT municipality_code, logro,
  coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR'), 0), coalesce(sum(n) FILTER (WHERE state = 'ALCANZADO'), 0),
  coalesce(sum(n) FILTER (WHERE state = 'SIN_DATO'), 0),
  coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND sisben_group = 'A'), 0), coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND sisben_group = 'B'), 0),
  coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND sisben_group = 'C'), 0), coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND sisben_group = 'D'), 0),
  coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND sisben_group = ''), 0), coalesce(sum(n) FILTER (WHERE state = 'POR_ALCANZAR' AND displaced), 0)
FROM household_logro_counts WHERE municipality_code <> '' GROUP BY 1, 2
ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "source_entities_vanished_run_idx" ON "source_entities" USING btree ("vanished_run_id") WHERE "source_entities"."vanished_run_id" is not null;
