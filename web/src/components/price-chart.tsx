/**
 * lightweight-charts, wrapped: candles, volume underneath, EMA 9/21/200, and for a selected trade
 * its entry / stop-loss / take-profit lines and fill markers. The chart object lives for the
 * component's life; data changes are applied to it, not re-created.
 */
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  LineStyle,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { type ChartSeries, DOWN_COLOR, type Overlay, UP_COLOR } from '../lib/candles.js';

export const EMA_COLORS = { ema9: '#f59e0b', ema21: '#a855f7', ema200: '#38bdf8' } as const;

interface Handles {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  ema: Record<keyof typeof EMA_COLORS, ISeriesApi<'Line'>>;
  markers: ISeriesMarkersPluginApi<Time>;
  lines: IPriceLine[];
}

const t = (seconds: number) => seconds as UTCTimestamp;

export function PriceChart({
  series,
  overlay,
  label,
}: {
  series: ChartSeries;
  overlay: Overlay;
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const handles = useRef<Handles | null>(null);
  const fitted = useRef(false);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#0b1220' },
        textColor: '#cbd5e1',
        attributionLogo: true,
      },
      grid: { vertLines: { color: '#1e293b' }, horzLines: { color: '#1e293b' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#334155' },
      rightPriceScale: { borderColor: '#334155' },
    });
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: UP_COLOR,
      downColor: DOWN_COLOR,
      wickUpColor: UP_COLOR,
      wickDownColor: DOWN_COLOR,
      borderVisible: false,
    });
    const volume = chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
    });
    // Volume in the bottom fifth, candles above it: neither hides the other.
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
    const line = (color: string, lineWidth: 1 | 2) =>
      chart.addSeries(LineSeries, {
        color,
        lineWidth,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      });
    handles.current = {
      chart,
      candles,
      volume,
      ema: {
        ema9: line(EMA_COLORS.ema9, 1),
        ema21: line(EMA_COLORS.ema21, 1),
        ema200: line(EMA_COLORS.ema200, 2),
      },
      markers: createSeriesMarkers(candles, []),
      lines: [],
    };
    return () => {
      handles.current = null;
      chart.remove();
    };
  }, []);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.candles.setData(series.candles.map((c) => ({ ...c, time: t(c.time) })));
    h.volume.setData(series.volume.map((v) => ({ ...v, time: t(v.time) })));
    for (const key of Object.keys(EMA_COLORS) as (keyof typeof EMA_COLORS)[]) {
      h.ema[key].setData(series.ema[key].map((p) => ({ ...p, time: t(p.time) })));
    }
    if (!fitted.current && series.candles.length > 0) {
      h.chart.timeScale().fitContent();
      fitted.current = true;
    }
  }, [series]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    for (const l of h.lines) h.candles.removePriceLine(l);
    h.lines = overlay.lines.map((l) =>
      h.candles.createPriceLine({
        price: l.price,
        color: l.color,
        title: l.title,
        lineWidth: 1,
        lineStyle: l.title === 'Entry' ? LineStyle.Solid : LineStyle.Dashed,
        axisLabelVisible: true,
      }),
    );
    h.markers.setMarkers(overlay.markers.map((m) => ({ ...m, time: t(m.time) }) as SeriesMarker<Time>));
  }, [overlay]);

  return <div ref={container} className="chart" role="img" aria-label={label} />;
}
