/**
 * The synthetic market's contracts: the first ones mirror real Binance USD-M perpetuals (price
 * level, tick, step, limits, daily turnover and volatility of early 2026, rounded); beyond the
 * catalogue, contracts SYN001USDT... get rules derived from a random price level the way Binance
 * sets them (tick ~ 1e-4 of the price, step so one step is worth well under the 5 USDT minimum).
 */
import { dec, marketSymbol, type SymbolRules } from '../../domain/index.js';
import type { Random } from './random.js';

export interface SyntheticContract {
  rules: SymbolRules;
  /** Starting price. */
  price: number;
  /** Daily volatility of log returns (0.03 = 3 %). */
  dailyVol: number;
  /** Typical daily quote volume in USDT. */
  dailyQuoteVolume: number;
  /** Sensitivity to the BTC-led market factor (BTC itself: 1). */
  beta: number;
}

type Row = [
  symbol: string,
  price: number,
  tick: string,
  step: string,
  maxQty: string,
  marketMaxQty: string,
  minNotional: string,
  maxLeverage: number,
  dailyVol: number,
  dailyQuoteVolumeM: number,
];

const CATALOGUE: Row[] = [
  ['BTCUSDT', 95_000, '0.1', '0.001', '1000', '120', '100', 125, 0.025, 15_000],
  ['ETHUSDT', 3_300, '0.01', '0.001', '10000', '2000', '20', 100, 0.035, 9_000],
  ['SOLUSDT', 180, '0.01', '0.01', '1000000', '5000', '5', 100, 0.045, 2_500],
  ['XRPUSDT', 2.2, '0.0001', '0.1', '10000000', '1000000', '5', 75, 0.045, 1_200],
  ['BNBUSDT', 650, '0.01', '0.01', '100000', '2000', '5', 75, 0.03, 600],
  ['DOGEUSDT', 0.32, '0.00001', '1', '50000000', '30000000', '5', 75, 0.055, 1_000],
  ['ADAUSDT', 0.9, '0.0001', '1', '10000000', '3000000', '5', 75, 0.05, 400],
  ['LINKUSDT', 20, '0.001', '0.01', '1000000', '20000', '5', 75, 0.05, 300],
  ['AVAXUSDT', 35, '0.001', '1', '1000000', '10000', '5', 75, 0.055, 250],
  ['SUIUSDT', 3.5, '0.0001', '0.1', '10000000', '500000', '5', 75, 0.065, 500],
  ['BCHUSDT', 450, '0.01', '0.001', '10000', '850', '20', 75, 0.04, 200],
  ['LTCUSDT', 100, '0.01', '0.001', '100000', '5000', '20', 75, 0.04, 200],
  ['DOTUSDT', 6.5, '0.001', '0.1', '1000000', '150000', '5', 75, 0.05, 150],
  ['1000PEPEUSDT', 0.015, '0.0000001', '1', '800000000', '80000000', '5', 50, 0.07, 400],
  ['TRXUSDT', 0.25, '0.00001', '1', '10000000', '5000000', '5', 75, 0.025, 100],
  ['NEARUSDT', 5, '0.001', '1', '1000000', '150000', '5', 75, 0.06, 150],
  ['OPUSDT', 2, '0.0001', '0.1', '1000000', '300000', '5', 75, 0.065, 100],
  ['ARBUSDT', 0.8, '0.0001', '0.1', '10000000', '1000000', '5', 75, 0.065, 120],
  ['INJUSDT', 25, '0.001', '0.1', '100000', '10000', '5', 75, 0.07, 80],
  ['HYPEUSDT', 28, '0.001', '0.01', '1000000', '20000', '5', 50, 0.07, 400],
];

function roundedPowerOfTen(value: number): number {
  return 10 ** Math.round(Math.log10(value));
}

function generated(index: number, random: Random): Row {
  // Price levels from 0.001 to ~500 USDT, log-uniform; smaller contracts trade less.
  const price = Number((10 ** (-3 + random.next() * 5.7)).toPrecision(4));
  const tick = 10 ** (Math.floor(Math.log10(price)) - 4);
  const step = Math.min(1000, Math.max(0.001, roundedPowerOfTen(0.5 / price)));
  const fmt = (x: number) => dec(x.toPrecision(1)).toFixed();
  return [
    `SYN${String(index).padStart(3, '0')}USDT`,
    Number((Math.round(price / tick) * tick).toPrecision(6)),
    fmt(tick),
    fmt(step),
    dec(fmt(step)).mul(1e7).toFixed(),
    dec(fmt(step)).mul(1e6).toFixed(),
    '5',
    random.next() < 0.5 ? 20 : 50,
    0.05 + random.next() * 0.05,
    10 + random.next() * 90,
  ];
}

/** The first `count` contracts: the catalogue, then generated ones (deterministic in `random`). */
export function syntheticContracts(count: number, random: Random): SyntheticContract[] {
  const out: SyntheticContract[] = [];
  for (let i = 0; i < count; i++) {
    const row = i < CATALOGUE.length ? CATALOGUE[i]! : generated(i - CATALOGUE.length + 1, random);
    const [symbol, price, tick, step, maxQty, marketMaxQty, minNotional, maxLeverage, dailyVol, volM] = row;
    out.push({
      rules: {
        symbol: marketSymbol(symbol),
        baseAsset: symbol.slice(0, -4),
        quoteAsset: 'USDT',
        status: 'TRADING',
        tickSize: dec(tick),
        stepSize: dec(step),
        minQty: dec(step),
        maxQty: dec(maxQty),
        marketMaxQty: dec(marketMaxQty),
        minNotional: dec(minNotional),
        maxLeverage,
      },
      price,
      dailyVol,
      dailyQuoteVolume: volM * 1e6,
      beta: i === 0 ? 1 : 0.7 + random.next() * 0.7,
    });
  }
  return out;
}
