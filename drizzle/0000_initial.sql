CREATE TABLE "analyses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"candle_close_time" bigint NOT NULL,
	"prompt_version" text NOT NULL,
	"analyst" text NOT NULL,
	"model" text,
	"request" jsonb,
	"response" jsonb,
	"proposal" jsonb,
	"features" jsonb,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"latency_ms" integer,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" text NOT NULL,
	"direction" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"combined_confidence" double precision NOT NULL,
	"entry_type" text NOT NULL,
	"entry" numeric NOT NULL,
	"stop_loss" numeric NOT NULL,
	"take_profit" numeric NOT NULL,
	"analyst" text NOT NULL,
	"fallback" text,
	"win_probability" double precision,
	"candle_close_time" bigint,
	"screen" jsonb,
	"proposals" jsonb,
	"fixes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"vetoes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"features" jsonb,
	"outcome" text,
	"outcome_source" text,
	"outcome_pnl" numeric,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signals_direction_check" CHECK ("signals"."direction" in ('LONG', 'SHORT')),
	CONSTRAINT "signals_status_check" CHECK ("signals"."status" in ('PENDING', 'EXECUTED', 'EXPIRED', 'REJECTED'))
);
--> statement-breakpoint
CREATE TABLE "whale_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"symbol" text NOT NULL,
	"direction" text NOT NULL,
	"confidence" integer NOT NULL,
	"window" text NOT NULL,
	"long_liquidated_notional" numeric NOT NULL,
	"short_liquidated_notional" numeric NOT NULL,
	"evidence" jsonb,
	"event_time" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whale_events_confidence_check" CHECK ("whale_events"."confidence" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "balance_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"wallet" numeric NOT NULL,
	"available" numeric,
	"equity" numeric,
	"source" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"trade_id" text NOT NULL,
	"price" numeric NOT NULL,
	"qty" numeric NOT NULL,
	"fee" numeric DEFAULT '0' NOT NULL,
	"fee_asset" text DEFAULT 'USDT' NOT NULL,
	"realized_pnl" numeric DEFAULT '0' NOT NULL,
	"trade_time" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"position_id" uuid,
	"client_order_id" text NOT NULL,
	"exchange_order_id" text,
	"family" text NOT NULL,
	"leg" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"type" text NOT NULL,
	"qty" numeric,
	"price" numeric,
	"trigger_price" numeric,
	"reduce_only" boolean DEFAULT false NOT NULL,
	"close_position" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'INTENT' NOT NULL,
	"filled_qty" numeric DEFAULT '0' NOT NULL,
	"avg_fill_price" numeric,
	"last_error_code" text,
	"last_error" text,
	"answers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_client_order_id_unique" UNIQUE("client_order_id")
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"signal_id" uuid,
	"symbol" text NOT NULL,
	"direction" text NOT NULL,
	"mode" text NOT NULL,
	"status" text DEFAULT 'PENDING_ENTRY' NOT NULL,
	"qty" numeric NOT NULL,
	"filled_qty" numeric DEFAULT '0' NOT NULL,
	"entry_price" numeric,
	"stop_loss" numeric,
	"take_profit" numeric,
	"margin" numeric NOT NULL,
	"leverage" integer NOT NULL,
	"exit_price" numeric,
	"fees" numeric DEFAULT '0' NOT NULL,
	"pnl" numeric,
	"pnl_percent" numeric,
	"close_reason" text,
	"unprotected_since" timestamp with time zone,
	"adopted" boolean DEFAULT false NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "positions_direction_check" CHECK ("positions"."direction" in ('LONG', 'SHORT')),
	CONSTRAINT "positions_status_check" CHECK ("positions"."status" in ('PENDING_ENTRY', 'OPEN', 'UNPROTECTED', 'CLOSING', 'CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED'))
);
--> statement-breakpoint
CREATE TABLE "exchange_credentials" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"api_key_encrypted" text NOT NULL,
	"api_secret_encrypted" text NOT NULL,
	"api_key_hint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refresh_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"mode" text DEFAULT 'PAPER' NOT NULL,
	"fixed_margin" numeric DEFAULT '10' NOT NULL,
	"leverage" integer DEFAULT 5 NOT NULL,
	"auto_trade" boolean DEFAULT false NOT NULL,
	"min_confidence" integer DEFAULT 75 NOT NULL,
	"scan_profile" text DEFAULT 'normal' NOT NULL,
	"risk_state" text DEFAULT 'ACTIVE' NOT NULL,
	"real_balance" numeric,
	"real_balance_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_mode_check" CHECK ("users"."mode" in ('PAPER', 'REAL')),
	CONSTRAINT "users_leverage_check" CHECK ("users"."leverage" between 1 and 125),
	CONSTRAINT "users_min_confidence_check" CHECK ("users"."min_confidence" between 0 and 100),
	CONSTRAINT "users_fixed_margin_check" CHECK ("users"."fixed_margin" > 0),
	CONSTRAINT "users_risk_state_check" CHECK ("users"."risk_state" in ('ACTIVE', 'REDUCING', 'HALTED'))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "balance_snapshots" ADD CONSTRAINT "balance_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_position_id_positions_id_fk" FOREIGN KEY ("position_id") REFERENCES "public"."positions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_credentials" ADD CONSTRAINT "exchange_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analyses_cache_key" ON "analyses" USING btree ("symbol","timeframe","candle_close_time","prompt_version","analyst");--> statement-breakpoint
CREATE INDEX "analyses_created_idx" ON "analyses" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "signals_symbol_direction_created_idx" ON "signals" USING btree ("symbol","direction","created_at");--> statement-breakpoint
CREATE INDEX "signals_created_idx" ON "signals" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "whale_events_symbol_time_idx" ON "whale_events" USING btree ("symbol","event_time");--> statement-breakpoint
CREATE INDEX "audit_log_user_at_idx" ON "audit_log" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "balance_snapshots_user_time_idx" ON "balance_snapshots" USING btree ("user_id","taken_at");--> statement-breakpoint
CREATE UNIQUE INDEX "fills_order_trade_unique" ON "fills" USING btree ("order_id","trade_id");--> statement-breakpoint
CREATE INDEX "orders_position_idx" ON "orders" USING btree ("position_id");--> statement-breakpoint
CREATE INDEX "orders_user_status_idx" ON "orders" USING btree ("user_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "positions_one_live_per_user_symbol" ON "positions" USING btree ("user_id","symbol") WHERE status not in ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED');--> statement-breakpoint
CREATE INDEX "positions_user_status_idx" ON "positions" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "positions_signal_idx" ON "positions" USING btree ("signal_id");