CREATE TABLE "archive_files" (
	"sha256" char(64) PRIMARY KEY NOT NULL,
	"bytes" bigint NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "source_records" ALTER COLUMN "raw" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "byte_offset" bigint;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "byte_length" integer;