-- Closed positions and signals carry their item of the API's lists (GET /api/positions?status=
-- closed, GET /api/signals), printed once when the row is written instead of on every page read:
-- a page of 50 then costs the database a read of 50 texts instead of printing 50 rows as JSON
-- (~10 µs a row).
-- position_list_item prints positionBody of a position that is not live, in its order, as the
-- API's serializer prints positionDto (src/api/position-page.test.ts holds it byte for byte):
-- numerics through trim_scale, times as Date#toISOString prints them (to_char truncates to the
-- millisecond as Date does), strings escaped by row_to_json as JSON.stringify escapes them. It is
-- null for a row it cannot print exactly (a live one, a direction or mode outside the API's enums,
-- money that is NaN or infinite, a time outside the years 2000-9999): the API then prints the page
-- from the rows. Rows written before this migration have no item yet: the reader prints theirs
-- with the same function. Changing positionBody takes a migration: CREATE OR REPLACE the function,
-- then UPDATE positions SET list_item = NULL WHERE list_item IS NOT NULL (the trigger prints again).
ALTER TABLE "positions" ADD COLUMN "list_item" text;
--> statement-breakpoint
CREATE FUNCTION position_list_item(p positions) RETURNS text LANGUAGE sql STABLE AS $$
  select case when p.status in ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED')
    and p.direction in ('LONG', 'SHORT')
    and p.mode in ('PAPER', 'REAL')
    and (p.qty is null or abs(p.qty) < 'Infinity'::numeric)
    and (p.filled_qty is null or abs(p.filled_qty) < 'Infinity'::numeric)
    and (p.entry_price is null or abs(p.entry_price) < 'Infinity'::numeric)
    and (p.stop_loss is null or abs(p.stop_loss) < 'Infinity'::numeric)
    and (p.take_profit is null or abs(p.take_profit) < 'Infinity'::numeric)
    and (p.margin is null or abs(p.margin) < 'Infinity'::numeric)
    and (p.exit_price is null or abs(p.exit_price) < 'Infinity'::numeric)
    and (p.fees is null or abs(p.fees) < 'Infinity'::numeric)
    and (p.pnl is null or abs(p.pnl) < 'Infinity'::numeric)
    and (p.pnl_percent is null or abs(p.pnl_percent) < 'Infinity'::numeric)
    and (p.unprotected_since is null or (p.unprotected_since >= '2000-01-01 00:00:00+00' and p.unprotected_since < '10000-01-01 00:00:00+00'))
    and (p.opened_at is null or (p.opened_at >= '2000-01-01 00:00:00+00' and p.opened_at < '10000-01-01 00:00:00+00'))
    and (p.closed_at is null or (p.closed_at >= '2000-01-01 00:00:00+00' and p.closed_at < '10000-01-01 00:00:00+00'))
    and (p.created_at is null or (p.created_at >= '2000-01-01 00:00:00+00' and p.created_at < '10000-01-01 00:00:00+00'))
    and (p.updated_at is null or (p.updated_at >= '2000-01-01 00:00:00+00' and p.updated_at < '10000-01-01 00:00:00+00'))
  then (select row_to_json(b)::text from (select
    p.id as "id", p.signal_id as "signalId", p.symbol as "symbol", p.direction as "direction",
    p.mode as "mode", p.status as "status", false as "open",
    trim_scale(p.qty)::text as "qty", trim_scale(p.filled_qty)::text as "filledQty",
    trim_scale(p.entry_price)::text as "entryPrice", trim_scale(p.stop_loss)::text as "stopLoss",
    trim_scale(p.take_profit)::text as "takeProfit", trim_scale(p.margin)::text as "margin",
    p.leverage as "leverage", trim_scale(p.exit_price)::text as "exitPrice",
    trim_scale(p.fees)::text as "fees", trim_scale(p.pnl)::text as "pnl",
    trim_scale(p.pnl_percent)::text as "pnlPercent", null::text as "markPrice",
    null::text as "unrealizedPnl", null::text as "unrealizedPnlPercent",
    p.close_reason as "closeReason",
    to_char(p.unprotected_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "unprotectedSince",
    p.adopted as "adopted",
    to_char(p.opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "openedAt",
    to_char(p.closed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "closedAt",
    to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
    to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt") b)
  end
$$;
--> statement-breakpoint
-- The item is a display copy: it must never refuse a position's write. Anything unexpected leaves
-- it empty, and the page is printed from the row instead.
CREATE FUNCTION positions_print_list_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW.list_item := position_list_item(NEW);
  EXCEPTION WHEN others THEN
    NEW.list_item := NULL;
  END;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Only rows that are (or become) closed are printed; live rows are never read from list_item.
CREATE TRIGGER positions_list_item BEFORE INSERT OR UPDATE ON "positions" FOR EACH ROW
  WHEN (NEW.status IN ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED'))
  EXECUTE FUNCTION positions_print_list_item();
--> statement-breakpoint
-- Signals carry theirs too (GET /api/signals, the same page for every user): signal_list_item
-- prints signalBody as the serializer prints signalDto (src/api/signal-page.test.ts): numerics as
-- their text, doubles and the bigint as numbers only where PostgreSQL prints them as JavaScript
-- does (PostgreSQL switches to an exponent below 1e-4 and from 1e15, JavaScript below 1e-6 and
-- from 1e21; minus zero is printed 0; NaN and the infinities are no JSON; bigints within 2^53;
-- extra_float_digits pinned to the shortest exact form whatever the writing session set), the
-- lists as JSON.stringify prints a list of strings. Null otherwise, as for positions.
ALTER TABLE "signals" ADD COLUMN "list_item" text;
--> statement-breakpoint
-- A jsonb list of strings as JSON.stringify prints it (no spaces), or null when it is not one.
CREATE FUNCTION string_list_json(list jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  select case when jsonb_typeof(list) = 'array' then
    case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(list) e)
    then array_to_json(array(
      select t from jsonb_array_elements_text(list) with ordinality as x(t, n) order by n
    ))::text end
  end
$$;
--> statement-breakpoint
CREATE FUNCTION signal_list_item(s signals) RETURNS text LANGUAGE sql STABLE
SET extra_float_digits = 1 AS $$
  select case when s.direction in ('LONG', 'SHORT')
    and (s.combined_confidence = 0 or (abs(s.combined_confidence) >= 1e-4::float8 and abs(s.combined_confidence) < 1e15::float8))
    and (s.win_probability is null or s.win_probability = 0 or (abs(s.win_probability) >= 1e-4::float8 and abs(s.win_probability) < 1e15::float8))
    and (s.candle_close_time is null or s.candle_close_time between -9007199254740991 and 9007199254740991)
    and s.expires_at >= '2000-01-01 00:00:00+00' and s.expires_at < '10000-01-01 00:00:00+00'
    and s.created_at >= '2000-01-01 00:00:00+00' and s.created_at < '10000-01-01 00:00:00+00'
    and string_list_json(s.fixes) is not null
    and string_list_json(s.vetoes) is not null
    and string_list_json(s.reasons) is not null
  then (select row_to_json(b)::text from (select
    s.id as "id", s.symbol as "symbol", s.direction as "direction", s.status as "status",
    case when s.combined_confidence = 0 then 0::float8 else s.combined_confidence end as "confidence",
    s.entry_type as "entryType", s.entry::text as "entry", s.stop_loss::text as "stopLoss",
    s.take_profit::text as "takeProfit", s.analyst as "analyst", s.fallback as "fallback",
    case when s.win_probability = 0 then 0::float8 else s.win_probability end as "winProbability",
    s.candle_close_time as "candleCloseTime",
    string_list_json(s.fixes)::json as "fixes", string_list_json(s.vetoes)::json as "vetoes",
    string_list_json(s.reasons)::json as "reasons",
    s.outcome as "outcome", s.outcome_source as "outcomeSource", s.outcome_pnl::text as "outcomePnl",
    to_char(s.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "expiresAt",
    to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt") b)
  end
$$;
--> statement-breakpoint
CREATE FUNCTION signals_print_list_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW.list_item := signal_list_item(NEW);
  EXCEPTION WHEN others THEN
    NEW.list_item := NULL;
  END;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER signals_list_item BEFORE INSERT OR UPDATE ON "signals" FOR EACH ROW
  EXECUTE FUNCTION signals_print_list_item();
