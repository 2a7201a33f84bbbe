import { describe, expect, it } from 'vitest';
import { dec } from '../domain/index.js';
import { computeClose, type FillFigures } from './pnl.js';

const fill = (
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  fee: string,
  realizedPnl = '0',
): FillFigures => ({
  side,
  qty: dec(qty),
  price: dec(price),
  fee: dec(fee),
  feeAsset: 'USDT',
  realizedPnl: dec(realizedPnl),
});

describe('closing figures', () => {
  it('is the exchange realised PnL minus every fee, and pnl_percent is on the margin', () => {
    const r = computeClose({
      direction: 'LONG',
      filledQty: dec('0.01'),
      entryPrice: dec('100000'),
      margin: dec('100'),
      fills: [
        fill('BUY', '0.01', '100000', '0.5'),
        fill('SELL', '0.006', '98000', '0.294', '-12'),
        fill('SELL', '0.004', '98000', '0.196', '-8'),
      ],
    });
    expect(r.exitPrice!.toFixed()).toBe('98000');
    expect(r.fees.toFixed()).toBe('0.99');
    expect(r.pnl.toFixed()).toBe('-20.99');
    expect(r.pnlPercent.toFixed()).toBe('-20.99');
    expect(r).toMatchObject({ status: 'CLOSED_LOSS', complete: true });
  });

  it('values missing exit fills at the fallback price, and says it is not complete', () => {
    const r = computeClose({
      direction: 'SHORT',
      filledQty: dec('2'),
      entryPrice: dec('10'),
      margin: dec('4'),
      fills: [fill('SELL', '2', '10', '0.01')],
      fallbackExitPrice: dec('9'),
    });
    expect(r.pnl.toFixed()).toBe('1.99');
    expect(r).toMatchObject({ status: 'CLOSED_WIN', complete: false });
  });

  it('counts a zero result as a loss (fees were paid)', () => {
    const r = computeClose({
      direction: 'LONG',
      filledQty: dec(1),
      entryPrice: dec(1),
      margin: dec(1),
      fills: [],
      fallbackExitPrice: dec(1),
    });
    expect(r.status).toBe('CLOSED_LOSS');
  });
});
