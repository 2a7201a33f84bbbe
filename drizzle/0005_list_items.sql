-- Closed positions and signals carry their item of the API's lists (GET /api/positions?status=
-- closed, GET /api/signals), printed once when the row is written instead of on every page read:
-- a page of 50 then costs the database a read of 50 texts instead of printing 50 rows as JSON
-- (~10 µs a row). The API joins the items (src/api/position-page.test.ts and signal-page.test.ts
-- hold each page byte for byte to what its serializer prints from positionDto / signalDto); a row
-- whose item is null (printed otherwise, see below) sends its page through the DTOs instead.
-- The printing is written in the trigger functions themselves: PL/pgSQL keeps their plans for the
-- session, where an SQL function called per row would be planned again at every row (~250 µs).
-- The item is a display copy: its trigger never refuses a write (an error leaves it null).
-- Changing positionBody or signalBody takes a migration: CREATE OR REPLACE the trigger function,
-- then rewrite the rows (UPDATE ... SET status = status, as at the end of this one).
ALTER TABLE "positions" ADD COLUMN "list_item" text;
--> statement-breakpoint
-- positionBody of a position that is not live, in its order: numerics through trim_scale (as
-- positionDto's numericText), times as Date#toISOString prints them (to_char truncates to the
-- millisecond as Date does), strings escaped by row_to_json as JSON.stringify escapes them. Null
-- for a row it cannot print exactly: a direction or mode outside the API's enums (the response
-- schema refuses it), money that is NaN or infinite (positionDto refuses it), a time outside the
-- years 2000-9999 (toISOString prints six-digit years; before 2000 the row path reads offsets
-- with seconds under a session time zone other than UTC).
CREATE FUNCTION positions_print_list_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW.list_item := (
    select case when NEW.status in ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED')
      and NEW.direction in ('LONG', 'SHORT')
      and NEW.mode in ('PAPER', 'REAL')
      and (NEW.qty is null or abs(NEW.qty) < 'Infinity'::numeric)
      and (NEW.filled_qty is null or abs(NEW.filled_qty) < 'Infinity'::numeric)
      and (NEW.entry_price is null or abs(NEW.entry_price) < 'Infinity'::numeric)
      and (NEW.stop_loss is null or abs(NEW.stop_loss) < 'Infinity'::numeric)
      and (NEW.take_profit is null or abs(NEW.take_profit) < 'Infinity'::numeric)
      and (NEW.margin is null or abs(NEW.margin) < 'Infinity'::numeric)
      and (NEW.exit_price is null or abs(NEW.exit_price) < 'Infinity'::numeric)
      and (NEW.fees is null or abs(NEW.fees) < 'Infinity'::numeric)
      and (NEW.pnl is null or abs(NEW.pnl) < 'Infinity'::numeric)
      and (NEW.pnl_percent is null or abs(NEW.pnl_percent) < 'Infinity'::numeric)
      and (NEW.unprotected_since is null or (NEW.unprotected_since >= '2000-01-01 00:00:00+00' and NEW.unprotected_since < '10000-01-01 00:00:00+00'))
      and (NEW.opened_at is null or (NEW.opened_at >= '2000-01-01 00:00:00+00' and NEW.opened_at < '10000-01-01 00:00:00+00'))
      and (NEW.closed_at is null or (NEW.closed_at >= '2000-01-01 00:00:00+00' and NEW.closed_at < '10000-01-01 00:00:00+00'))
      and (NEW.created_at is null or (NEW.created_at >= '2000-01-01 00:00:00+00' and NEW.created_at < '10000-01-01 00:00:00+00'))
      and (NEW.updated_at is null or (NEW.updated_at >= '2000-01-01 00:00:00+00' and NEW.updated_at < '10000-01-01 00:00:00+00'))
    then (select row_to_json(b)::text from (select
      NEW.id as "id", NEW.signal_id as "signalId", NEW.symbol as "symbol", NEW.direction as "direction",
      NEW.mode as "mode", NEW.status as "status", false as "open",
      trim_scale(NEW.qty)::text as "qty", trim_scale(NEW.filled_qty)::text as "filledQty",
      trim_scale(NEW.entry_price)::text as "entryPrice", trim_scale(NEW.stop_loss)::text as "stopLoss",
      trim_scale(NEW.take_profit)::text as "takeProfit", trim_scale(NEW.margin)::text as "margin",
      NEW.leverage as "leverage", trim_scale(NEW.exit_price)::text as "exitPrice",
      trim_scale(NEW.fees)::text as "fees", trim_scale(NEW.pnl)::text as "pnl",
      trim_scale(NEW.pnl_percent)::text as "pnlPercent", null::text as "markPrice",
      null::text as "unrealizedPnl", null::text as "unrealizedPnlPercent",
      NEW.close_reason as "closeReason",
      to_char(NEW.unprotected_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "unprotectedSince",
      NEW.adopted as "adopted",
      to_char(NEW.opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "openedAt",
      to_char(NEW.closed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "closedAt",
      to_char(NEW.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
      to_char(NEW.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "updatedAt") b)
    end
    );
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
ALTER TABLE "signals" ADD COLUMN "list_item" text;
--> statement-breakpoint
-- signalBody, in its order: numerics as their text; doubles and the bigint as numbers only where
-- PostgreSQL prints them as JavaScript does (PostgreSQL switches to an exponent below 1e-4 and
-- from 1e15, JavaScript below 1e-6 and from 1e21; minus zero is printed 0; NaN and the infinities
-- are no JSON; bigints within 2^53; extra_float_digits pinned to the shortest exact form whatever
-- the writing session set); the lists as JSON.stringify prints a list of strings (array_to_json
-- is compact, jsonb's own text is not). Null otherwise, as for positions.
CREATE FUNCTION signals_print_list_item() RETURNS trigger LANGUAGE plpgsql
SET extra_float_digits = 1 AS $$
BEGIN
  BEGIN
    NEW.list_item := (
    select case when NEW.direction in ('LONG', 'SHORT')
      and (NEW.combined_confidence = 0 or (abs(NEW.combined_confidence) >= 1e-4::float8 and abs(NEW.combined_confidence) < 1e15::float8))
      and (NEW.win_probability is null or NEW.win_probability = 0 or (abs(NEW.win_probability) >= 1e-4::float8 and abs(NEW.win_probability) < 1e15::float8))
      and (NEW.candle_close_time is null or NEW.candle_close_time between -9007199254740991 and 9007199254740991)
      and NEW.expires_at >= '2000-01-01 00:00:00+00' and NEW.expires_at < '10000-01-01 00:00:00+00'
      and NEW.created_at >= '2000-01-01 00:00:00+00' and NEW.created_at < '10000-01-01 00:00:00+00'
      and (case when jsonb_typeof(NEW.fixes) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.fixes) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.fixes) with ordinality as x(t, n) order by n)) end end) is not null
      and (case when jsonb_typeof(NEW.vetoes) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.vetoes) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.vetoes) with ordinality as x(t, n) order by n)) end end) is not null
      and (case when jsonb_typeof(NEW.reasons) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.reasons) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.reasons) with ordinality as x(t, n) order by n)) end end) is not null
    then (select row_to_json(b)::text from (select
      NEW.id as "id", NEW.symbol as "symbol", NEW.direction as "direction", NEW.status as "status",
      case when NEW.combined_confidence = 0 then 0::float8 else NEW.combined_confidence end as "confidence",
      NEW.entry_type as "entryType", NEW.entry::text as "entry", NEW.stop_loss::text as "stopLoss",
      NEW.take_profit::text as "takeProfit", NEW.analyst as "analyst", NEW.fallback as "fallback",
      case when NEW.win_probability = 0 then 0::float8 else NEW.win_probability end as "winProbability",
      NEW.candle_close_time as "candleCloseTime",
      (case when jsonb_typeof(NEW.fixes) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.fixes) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.fixes) with ordinality as x(t, n) order by n)) end end) as "fixes", (case when jsonb_typeof(NEW.vetoes) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.vetoes) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.vetoes) with ordinality as x(t, n) order by n)) end end) as "vetoes",
      (case when jsonb_typeof(NEW.reasons) = 'array' then case when (select coalesce(bool_and(jsonb_typeof(e) = 'string'), true) from jsonb_array_elements(NEW.reasons) e) then array_to_json(array(select t from jsonb_array_elements_text(NEW.reasons) with ordinality as x(t, n) order by n)) end end) as "reasons",
      NEW.outcome as "outcome", NEW.outcome_source as "outcomeSource", NEW.outcome_pnl::text as "outcomePnl",
      to_char(NEW.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "expiresAt",
      to_char(NEW.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt") b)
    end
    );
  EXCEPTION WHEN others THEN
    NEW.list_item := NULL;
  END;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER signals_list_item BEFORE INSERT OR UPDATE ON "signals" FOR EACH ROW
  EXECUTE FUNCTION signals_print_list_item();
--> statement-breakpoint
-- The rows already there get their items (the triggers print them; nothing else changes).
UPDATE "positions" SET status = status WHERE status IN ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED');
--> statement-breakpoint
UPDATE "signals" SET status = status;
