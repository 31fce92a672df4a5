DROP INDEX "import_runs_sha256_uq";--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "max_error_rate" double precision;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "max_disappeared_rate" double precision;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reconciliation_runs" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "import_runs_live_sha256_source_uq" ON "import_runs" USING btree ("sha256","source") WHERE "import_runs"."state" <> 'failed';--> statement-breakpoint
CREATE INDEX "import_runs_sha256_idx" ON "import_runs" USING btree ("sha256");