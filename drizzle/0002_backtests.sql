CREATE TABLE "backtests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"analyst" text NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"symbols" jsonb NOT NULL,
	"trades" integer NOT NULL,
	"win_rate" double precision,
	"profit_factor" double precision,
	"total_return_pct" double precision NOT NULL,
	"max_drawdown_pct" double precision NOT NULL,
	"sharpe" double precision,
	"summary" jsonb NOT NULL,
	"report" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "backtests_created_idx" ON "backtests" USING btree ("created_at");