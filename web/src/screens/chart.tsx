/**
 * The chart screen: a symbol and timeframe, or a selected position or signal (?position=, ?signal=)
 * whose plan is drawn over the candles. Candles come from GET /api/candles; until the server
 * serves that route, the screen says so instead of drawing an empty chart.
 */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { useCandles, usePosition, usePositions, useSignal, useSignals } from '../api/queries.js';
import type { Position, Signal } from '../api/types.js';
import { EMA_COLORS, PriceChart } from '../components/price-chart.js';
import { Badge, Card, Empty, ErrorNote } from '../components/ui.js';
import { applyLivePrice, chartSeries, parseCandles, type TradePlan, tradeOverlay } from '../lib/candles.js';
import { formatDateTime, formatPrice } from '../lib/format.js';
import { useLive, useWatchSymbols } from '../live/live-provider.js';
import { navigate, useRoute } from '../router.js';

const TIMEFRAMES = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
} as const;
type Tf = keyof typeof TIMEFRAMES;
const isTf = (v: string | null): v is Tf => v !== null && v in TIMEFRAMES;

const NO_PLAN: TradePlan = { direction: 'LONG', entry: null, stopLoss: null, takeProfit: null, fills: [] };

/** What to draw for a selected position (its fills) or signal (the moment it was made). */
function planOf(position: Position | undefined, signal: Signal | undefined): TradePlan | null {
  if (position) {
    return {
      direction: position.direction,
      entry: position.entryPrice,
      stopLoss: position.stopLoss,
      takeProfit: position.takeProfit,
      fills: [
        { at: position.openedAt, price: position.entryPrice, kind: 'entry' },
        { at: position.closedAt, price: position.exitPrice, kind: 'exit' },
      ],
    };
  }
  if (signal) {
    return {
      direction: signal.direction,
      entry: signal.entry,
      stopLoss: signal.stopLoss,
      takeProfit: signal.takeProfit,
      fills: [{ at: signal.createdAt, price: signal.entry, kind: 'signal' }],
    };
  }
  return null;
}

export function ChartScreen() {
  const { query } = useRoute();
  const positionId = query.get('position');
  const signalId = query.get('signal');
  const position = usePosition(positionId);
  const signal = useSignal(signalId);
  const open = usePositions('open');
  const signals = useSignals();
  const timeframe: Tf = isTf(query.get('tf')) ? (query.get('tf') as Tf) : '15m';

  const known = useMemo(
    () =>
      [
        ...new Set([
          ...(open.data?.items ?? []).map((p) => p.symbol),
          ...(signals.data?.items ?? []).map((s) => s.symbol),
        ]),
      ].sort(),
    [open.data, signals.data],
  );
  const symbol = (
    position.data?.symbol ??
    signal.data?.symbol ??
    query.get('symbol') ??
    open.data?.items[0]?.symbol ??
    signals.data?.items[0]?.symbol ??
    'BTCUSDT'
  ).toUpperCase();

  useEffect(() => {
    document.title = `${symbol} chart · NeuroTrade`;
  }, [symbol]);
  useWatchSymbols([symbol]);

  const plan = useMemo(() => planOf(position.data, signal.data), [position.data, signal.data]);

  const candles = useCandles(symbol, timeframe);
  const live = useLive();
  const livePrice = live.prices.get(symbol);
  const base = useMemo(
    () => (candles.data?.available ? parseCandles(candles.data.body) : []),
    [candles.data],
  );
  const series = useMemo(() => {
    const withLive = livePrice
      ? applyLivePrice(base, Number(livePrice.price), livePrice.at, TIMEFRAMES[timeframe])
      : base;
    return chartSeries(withLive);
  }, [base, livePrice, timeframe]);
  const overlay = useMemo(() => tradeOverlay(plan ?? NO_PLAN, TIMEFRAMES[timeframe]), [plan, timeframe]);

  const [typed, setTyped] = useState(symbol);
  useEffect(() => setTyped(symbol), [symbol]);
  const go = (next: { symbol?: string; tf?: Tf }) => {
    const params = new URLSearchParams();
    params.set('symbol', (next.symbol ?? symbol).toUpperCase());
    params.set('tf', next.tf ?? timeframe);
    navigate(`/chart?${params.toString()}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^[A-Za-z0-9]{2,30}$/.test(typed.trim())) go({ symbol: typed.trim() });
  };

  const selectedError = position.error ?? signal.error;
  return (
    <div className="grid">
      <Card
        title={
          <>
            {symbol} <span className="muted">{timeframe}</span>
            {plan ? (
              <>
                {' '}
                <Badge kind={plan.direction === 'LONG' ? 'ok' : 'bad'}>{plan.direction}</Badge>
              </>
            ) : null}
          </>
        }
        className="span-2"
        actions={
          <form
            className="chart-controls"
            onSubmit={submit}
            noValidate
            aria-label="Chart symbol and timeframe"
          >
            <label htmlFor="chart-symbol" className="sr-only">
              Symbol
            </label>
            <input
              id="chart-symbol"
              list="chart-symbols"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              size={12}
            />
            <datalist id="chart-symbols">
              {known.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
            <button type="submit" className="button button-small">
              Show
            </button>
            <label htmlFor="chart-tf" className="sr-only">
              Timeframe
            </label>
            <select id="chart-tf" value={timeframe} onChange={(e) => go({ tf: e.target.value as Tf })}>
              {Object.keys(TIMEFRAMES).map((tf) => (
                <option key={tf} value={tf}>
                  {tf}
                </option>
              ))}
            </select>
          </form>
        }
      >
        {selectedError ? <ErrorNote>{errorMessage(selectedError)}</ErrorNote> : null}
        {candles.isError ? <ErrorNote>{errorMessage(candles.error)}</ErrorNote> : null}
        {candles.isPending ? <Empty>Loading candles…</Empty> : null}
        {candles.data && !candles.data.available ? (
          <Empty>
            Candles are not served by this server yet (it has no GET /api/candles route), so there is nothing
            to draw.
            {plan ? ' The selected trade’s levels are listed below.' : ''}
          </Empty>
        ) : null}
        {candles.data?.available && base.length === 0 ? (
          <Empty>
            No candles for {symbol} on {timeframe}.
          </Empty>
        ) : null}
        {candles.data?.available && base.length > 0 ? (
          <>
            <p className="legend">
              <span style={{ color: EMA_COLORS.ema9 }}>EMA 9</span>{' '}
              <span style={{ color: EMA_COLORS.ema21 }}>EMA 21</span>{' '}
              <span style={{ color: EMA_COLORS.ema200 }}>EMA 200</span>{' '}
              <span className="muted">· volume below</span>
              {livePrice ? <span className="muted"> · live {formatPrice(livePrice.price)}</span> : null}
            </p>
            <PriceChart series={series} overlay={overlay} label={`${symbol} ${timeframe} candles`} />
          </>
        ) : null}
        {plan ? (
          <dl className="facts facts-inline" aria-label="Selected trade">
            <div>
              <dt>{position.data ? 'Position' : 'Signal'}</dt>
              <dd>{formatDateTime(position.data?.openedAt ?? signal.data?.createdAt ?? null)}</dd>
            </div>
            <div>
              <dt>Entry</dt>
              <dd>{formatPrice(plan.entry)}</dd>
            </div>
            <div>
              <dt>Stop-loss</dt>
              <dd className="sl">{formatPrice(plan.stopLoss)}</dd>
            </div>
            <div>
              <dt>Take-profit</dt>
              <dd className="tp">{formatPrice(plan.takeProfit)}</dd>
            </div>
            {position.data?.exitPrice ? (
              <div>
                <dt>Exit</dt>
                <dd>{formatPrice(position.data.exitPrice)}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
      </Card>
    </div>
  );
}
