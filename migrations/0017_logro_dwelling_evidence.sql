ALTER TABLE "household_logro_history" ADD COLUMN "evidence_dwelling_id" bigint;--> statement-breakpoint
ALTER TABLE "household_logros" ADD COLUMN "evidence_dwelling_id" bigint;--> statement-breakpoint
ALTER TABLE "person_logro_history" ADD COLUMN "evidence_dwelling_id" bigint;--> statement-breakpoint
ALTER TABLE "person_logros" ADD COLUMN "evidence_dwelling_id" bigint;