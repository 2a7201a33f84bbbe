import { describe, expect, it } from 'vitest';
import { dec, marketSymbol, type SymbolRules, type SymbolStatus, type Ticker24h } from '../domain/index.js';
import { selectUniverse } from './universe.js';

function rules(symbol: string, status: SymbolStatus = 'TRADING', quoteAsset = 'USDT'): SymbolRules {
  return {
    symbol: marketSymbol(symbol),
    baseAsset: symbol.replace(/USD[TC]$/, ''),
    quoteAsset,
    status,
    tickSize: dec('0.01'),
    stepSize: dec('0.001'),
    minQty: dec('0.001'),
    maxQty: dec('1000'),
    marketMaxQty: dec('100'),
    minNotional: dec('5'),
    maxLeverage: 20,
  };
}
const ticker = (symbol: string, quoteVolume: number): Ticker24h => ({
  symbol: marketSymbol(symbol),
  lastPrice: 1,
  quoteVolume,
  changePct: 0,
});

const market = [
  rules('BTCUSDT'),
  rules('ETHUSDT'),
  rules('XRPUSDT'),
  rules('LUNAUSDT', 'BREAK'),
  rules('ETHUSDC', 'TRADING', 'USDC'),
];
const tickers = [
  ticker('BTCUSDT', 9e9),
  ticker('ETHUSDT', 5e9),
  ticker('XRPUSDT', 1e9),
  ticker('ETHUSDC', 2e9),
];

describe('selectUniverse', () => {
  it('keeps tradable USDT perpetuals, by 24h quote volume, and says why the rest are out', () => {
    const s = selectUniverse(market, tickers);
    expect(s.selected.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    expect(s.excluded).toEqual([
      { symbol: 'LUNAUSDT', reason: 'status BREAK: not tradable', requested: false },
      { symbol: 'ETHUSDC', reason: 'USDC-margined: only USDT perpetuals are traded', requested: false },
    ]);
  });

  it('keeps the top N by quote volume', () => {
    const s = selectUniverse(market, tickers, { top: 2 });
    expect(s.selected.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(s.excluded).toContainEqual({
      symbol: 'XRPUSDT',
      reason: 'outside the top 2 by 24h quote volume (rank 3)',
      requested: false,
    });
  });

  it('puts symbols without a ticker last', () => {
    const s = selectUniverse([rules('AAAUSDT'), ...market], tickers, { top: 3 });
    expect(s.selected.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT']);
    expect(s.excluded).toContainEqual({
      symbol: 'AAAUSDT',
      reason: 'no 24h ticker: outside the top 3',
      requested: false,
    });
  });

  it('reports requested symbols that are not listed or not tradable', () => {
    const s = selectUniverse(market, tickers, { symbols: ['XRPUSDT', 'FOOUSDT', 'LUNAUSDT'] });
    expect(s.selected.map((r) => r.symbol)).toEqual(['XRPUSDT']);
    expect(s.excluded).toEqual([
      { symbol: 'FOOUSDT', reason: 'not listed by the exchange as a perpetual contract', requested: true },
      { symbol: 'LUNAUSDT', reason: 'status BREAK: not tradable', requested: true },
    ]);
  });
});
