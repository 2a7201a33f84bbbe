/**
 * The candle chart as a PNG: candles, EMA 9/21/200, Bollinger bands (20, 2) and volume, drawn with
 * @napi-rs/canvas (Skia, prebuilt binaries shipped as npm optional dependencies: no install script,
 * no download). The vision analyst sends it to the model; the dashboard and reports can use it too.
 * Indicators are computed over every candle given, so the EMA 200 is right at the first bar shown.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Candle } from '../../domain/index.js';
import { bollinger, ema } from '../../indicators/index.js';

export interface ChartOptions {
  width?: number;
  height?: number;
  /** How many of the last candles to draw. */
  bars?: number;
  title?: string;
}

export const CHART_COLORS = Object.freeze({
  background: '#131722',
  grid: '#2a2e39',
  text: '#d1d4dc',
  up: '#26a69a',
  down: '#ef5350',
  ema9: '#f5c542',
  ema21: '#ff8c00',
  ema200: '#b15cff',
  bands: '#8a8f98',
});

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

function formatPrice(v: number): string {
  const digits = v >= 1000 ? 1 : v >= 1 ? 3 : Math.min(8, 2 - Math.floor(Math.log10(v)) + 2);
  return v.toFixed(digits);
}

export async function renderCandleChart(
  candles: readonly Candle[],
  options: ChartOptions = {},
): Promise<Buffer> {
  const width = options.width ?? 1024;
  const height = options.height ?? 640;
  const bars = Math.max(1, Math.min(options.bars ?? 120, candles.length));
  if (candles.length === 0) throw new RangeError('renderCandleChart: no candles');

  const close = Float64Array.from(candles, (c) => c.close);
  const lines = [
    { values: ema(close, 9), color: CHART_COLORS.ema9, dash: [] as number[] },
    { values: ema(close, 21), color: CHART_COLORS.ema21, dash: [] },
    { values: ema(close, 200), color: CHART_COLORS.ema200, dash: [] },
  ];
  const bands = bollinger(close, 20, 2);
  const bandLines = [bands.upper, bands.middle, bands.lower].map((values) => ({
    values,
    color: CHART_COLORS.bands,
    dash: [4, 4],
  }));
  const first = candles.length - bars;
  const shown = candles.slice(first);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = CHART_COLORS.background;
  ctx.fillRect(0, 0, width, height);

  const pad = { left: 10, right: 80, top: 30, bottom: 20 };
  const plotW = width - pad.left - pad.right;
  const priceH = Math.round((height - pad.top - pad.bottom) * 0.78);
  const volTop = pad.top + priceH + 10;
  const volH = height - pad.bottom - volTop;

  // The price scale follows the candles and the bands; the EMA 200 may fall outside and is clipped.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = first; i < candles.length; i++) {
    const c = candles[i]!;
    lo = Math.min(lo, c.low, finite(bands.lower[i]) ? bands.lower[i]! : c.low);
    hi = Math.max(hi, c.high, finite(bands.upper[i]) ? bands.upper[i]! : c.high);
  }
  if (!(hi > lo)) {
    hi = lo * 1.001 + 1e-12;
    lo = lo * 0.999;
  }
  const margin = (hi - lo) * 0.05;
  lo -= margin;
  hi += margin;
  const slot = plotW / bars;
  const x = (i: number) => pad.left + (i - first + 0.5) * slot;
  const y = (p: number) => pad.top + ((hi - p) / (hi - lo)) * priceH;

  drawGrid(ctx, { left: pad.left, top: pad.top, width: plotW, height: priceH, lo, hi, y });

  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.left, pad.top, plotW, priceH);
  ctx.clip();
  for (const line of [...bandLines, ...lines]) {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(line.dash);
    ctx.beginPath();
    let drawing = false;
    for (let i = first; i < candles.length; i++) {
      const v = line.values[i];
      if (!finite(v)) {
        drawing = false;
        continue;
      }
      if (drawing) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      drawing = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const body = Math.max(1, slot * 0.7);
  shown.forEach((c, k) => {
    const i = first + k;
    ctx.strokeStyle = ctx.fillStyle = c.close >= c.open ? CHART_COLORS.up : CHART_COLORS.down;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x(i), y(c.high));
    ctx.lineTo(x(i), y(c.low));
    ctx.stroke();
    const top = y(Math.max(c.open, c.close));
    ctx.fillRect(x(i) - body / 2, top, body, Math.max(1, y(Math.min(c.open, c.close)) - top));
  });
  ctx.restore();

  const maxVol = Math.max(...shown.map((c) => (Number.isFinite(c.volume) ? c.volume : 0)), 1e-12);
  shown.forEach((c, k) => {
    const h = (Math.max(0, c.volume) / maxVol) * volH;
    ctx.fillStyle = c.close >= c.open ? `${CHART_COLORS.up}99` : `${CHART_COLORS.down}99`;
    ctx.fillRect(x(first + k) - body / 2, volTop + volH - h, body, h);
  });

  ctx.fillStyle = CHART_COLORS.text;
  ctx.font = '14px sans-serif';
  const last = candles[candles.length - 1]!;
  ctx.fillText(`${options.title ?? ''}  close ${formatPrice(last.close)}`.trim(), pad.left + 4, 20);
  const legend: Array<[string, string]> = [
    ['EMA9', CHART_COLORS.ema9],
    ['EMA21', CHART_COLORS.ema21],
    ['EMA200', CHART_COLORS.ema200],
    ['BB 20,2', CHART_COLORS.bands],
  ];
  let lx = width - pad.right - 300;
  for (const [label, color] of legend) {
    ctx.fillStyle = color;
    ctx.fillText(label, lx, 20);
    lx += ctx.measureText(label).width + 16;
  }
  return canvas.encode('png');
}

function drawGrid(
  ctx: SKRSContext2D,
  g: {
    left: number;
    top: number;
    width: number;
    height: number;
    lo: number;
    hi: number;
    y: (p: number) => number;
  },
) {
  ctx.strokeStyle = CHART_COLORS.grid;
  ctx.fillStyle = CHART_COLORS.text;
  ctx.lineWidth = 1;
  ctx.font = '12px sans-serif';
  for (let k = 0; k <= 5; k++) {
    const p = g.lo + ((g.hi - g.lo) * k) / 5;
    const yy = Math.round(g.y(p)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(g.left, yy);
    ctx.lineTo(g.left + g.width, yy);
    ctx.stroke();
    ctx.fillText(formatPrice(p), g.left + g.width + 6, yy + 4);
  }
}
