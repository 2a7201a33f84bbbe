CREATE TABLE "ml_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"usable" boolean NOT NULL,
	"samples" integer NOT NULL,
	"outcomes_seen" integer DEFAULT 0 NOT NULL,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"model" jsonb NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ml_models_version_check" CHECK ("ml_models"."version" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "ml_models_version_key" ON "ml_models" USING btree ("version");--> statement-breakpoint
CREATE INDEX "ml_models_usable_version_idx" ON "ml_models" USING btree ("usable","version");