CREATE TYPE "public"."client_role" AS ENUM('reader', 'steward', 'operator', 'admin');--> statement-breakpoint
CREATE TABLE "api_clients" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_clients_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"public_id" uuid DEFAULT juntos_uuid_v7() NOT NULL,
	"name" text NOT NULL,
	"role" "client_role" NOT NULL,
	"scope_departments" text[],
	"scope_municipalities" text[],
	"token_prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_public_id_uq" ON "api_clients" USING btree ("public_id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_token_hash_uq" ON "api_clients" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_active_name_uq" ON "api_clients" USING btree (lower("name")) WHERE "api_clients"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "api_clients_created_idx" ON "api_clients" USING btree ("created_at");