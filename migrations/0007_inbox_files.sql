CREATE TABLE "inbox_files" (
	"path" text PRIMARY KEY NOT NULL,
	"source" "source" NOT NULL,
	"file_bytes" bigint NOT NULL,
	"mtime_ms" bigint NOT NULL,
	"sha256" char(64) NOT NULL,
	"import_run_id" bigint,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbox_files" ADD CONSTRAINT "inbox_files_import_run_id_import_runs_id_fk" FOREIGN KEY ("import_run_id") REFERENCES "public"."import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbox_files_run_idx" ON "inbox_files" USING btree ("import_run_id");