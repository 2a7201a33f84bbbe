/**
 * A backtest's equity curves (the strategy and both baselines) above the strategy's drawdown, on
 * one time axis: lightweight-charts, loaded with the backtests screen.
 */
import {
  BaselineSeries,
  ColorType,
  createChart,
  type IChartApi,
  LineSeries,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import type { BacktestPeriod, BacktestResult } from '../api/types.js';
import { formatPercent } from '../lib/format.js';

const LINES = [
  { key: 'strategy', name: 'Strategy', color: '#38bdf8' },
  { key: 'buyAndHold', name: 'Buy and hold', color: '#94a3b8' },
  { key: 'randomEntry', name: 'Random entries', color: '#f59e0b' },
] as const;
const DRAWDOWN_COLOR = '#ef4444';

/** Chart points: seconds, strictly increasing (the library's rule), one per sample. */
function points(result: BacktestResult | null, value: (s: BacktestResult['equity'][number]) => number) {
  const out: { time: UTCTimestamp; value: number }[] = [];
  for (const s of result?.equity ?? []) {
    const time = Math.floor(s.time / 1000) as UTCTimestamp;
    const last = out[out.length - 1];
    if (last && time <= last.time) last.value = value(s);
    else out.push({ time, value: value(s) });
  }
  return out;
}

export function EquityChart({ period }: { period: BacktestPeriod }) {
  const container = useRef<HTMLDivElement>(null);
  const series = useMemo(
    () => ({
      lines: LINES.map((l) => ({ ...l, data: points(period[l.key], (s) => s.equity) })),
      drawdown: points(period.strategy, (s) => -s.drawdownPct),
    }),
    [period],
  );
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const chart: IChartApi = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#0b1220' },
        textColor: '#cbd5e1',
        attributionLogo: true,
      },
      grid: { vertLines: { color: '#1e293b' }, horzLines: { color: '#1e293b' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#334155' },
      rightPriceScale: { borderColor: '#334155', scaleMargins: { top: 0.06, bottom: 0.3 } },
    });
    for (const l of series.lines) {
      if (l.data.length === 0) continue;
      const line = chart.addSeries(LineSeries, {
        color: l.color,
        lineWidth: l.key === 'strategy' ? 2 : 1,
        title: l.name,
        priceLineVisible: false,
        priceFormat: { type: 'price', precision: 0, minMove: 1 },
      });
      line.setData(l.data);
    }
    // The strategy's drawdown (percent below its running peak) in the bottom quarter.
    const dd = chart.addSeries(BaselineSeries, {
      priceScaleId: 'drawdown',
      // Filled between zero (the running peak) and the line: never above zero.
      baseValue: { type: 'price', price: 0 },
      topLineColor: DRAWDOWN_COLOR,
      topFillColor1: 'rgba(0, 0, 0, 0)',
      topFillColor2: 'rgba(0, 0, 0, 0)',
      bottomLineColor: DRAWDOWN_COLOR,
      bottomFillColor1: 'rgba(239, 68, 68, 0.15)',
      bottomFillColor2: 'rgba(239, 68, 68, 0.45)',
      lineWidth: 1,
      title: 'Drawdown %',
      priceLineVisible: false,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    dd.priceScale().applyOptions({ scaleMargins: { top: 0.75, bottom: 0 } });
    dd.setData(series.drawdown);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [series]);
  return (
    <>
      <p className="legend" aria-hidden="true">
        {LINES.map((l) => (
          <span key={l.key} style={{ color: l.color }}>
            ● {l.name}
          </span>
        ))}
        <span style={{ color: DRAWDOWN_COLOR }}>▼ Strategy drawdown (%)</span>
      </p>
      <div
        ref={container}
        className="chart"
        role="img"
        data-testid="equity-chart"
        aria-label={`Equity of the strategy and its baselines, and the strategy's drawdown (largest ${formatPercent(
          period.strategy.metrics.maxDrawdownPct,
          { signed: false },
        )})`}
      />
    </>
  );
}
