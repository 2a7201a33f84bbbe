import { describe, expect, it } from 'vitest';
import { dec } from '../domain/index.js';
import { type AccountFacts, checkOrder, type EntryRequest, nextRiskState, type RiskLimits } from './index.js';

const limits: RiskLimits = { cooldownAfterStopOutMs: 30 * 60_000, dailyLossLimit: dec(50) };
const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  riskState: 'ACTIVE',
  autoTrade: true,
  minConfidence: 75,
  leverage: 10,
  hasLivePosition: false,
  lastStopOutAt: null,
  realisedPnlToday: dec(0),
  symbolTrading: true,
  symbolMaxLeverage: 125,
  ...over,
});
const entry: EntryRequest = {
  kind: 'entry',
  symbol: 'BTCUSDT',
  direction: 'LONG',
  confidence: 80,
  automatic: true,
};
const NOW = 1_700_000_000_000;

describe('risk gate', () => {
  it('lets a normal entry through', () => {
    expect(checkOrder(entry, facts(), limits, NOW)).toEqual({ ok: true });
  });

  it.each([
    [{ riskState: 'HALTED' as const }, 'ACCOUNT_HALTED'],
    [{ riskState: 'REDUCING' as const }, 'ACCOUNT_REDUCING'],
    [{ autoTrade: false }, 'AUTO_TRADING_OFF'],
    [{ minConfidence: 81 }, 'BELOW_MIN_CONFIDENCE'],
    [{ hasLivePosition: true }, 'POSITION_ALREADY_OPEN'],
    [{ symbolTrading: false }, 'SYMBOL_NOT_TRADING'],
    [{ leverage: 50, symbolMaxLeverage: 20 }, 'LEVERAGE_ABOVE_SYMBOL_LIMIT'],
    [{ lastStopOutAt: NOW - 10 * 60_000 }, 'COOLDOWN_ACTIVE'],
    [{ realisedPnlToday: dec('-50') }, 'DAILY_LOSS_LIMIT'],
  ])('denies an entry when %o with %s', (over, reason) => {
    const decision = checkOrder(entry, facts(over), limits, NOW);
    expect(decision).toMatchObject({ ok: false, reason });
    expect(decision.ok ? '' : decision.message).not.toBe('');
  });

  it('ends the cooldown exactly when it runs out, and allows a loss just under the limit', () => {
    expect(checkOrder(entry, facts({ lastStopOutAt: NOW - 30 * 60_000 }), limits, NOW)).toEqual({ ok: true });
    expect(checkOrder(entry, facts({ realisedPnlToday: dec('-49.99') }), limits, NOW)).toEqual({ ok: true });
  });

  it('lets a manual entry through with auto-trading off', () => {
    expect(checkOrder({ ...entry, automatic: false }, facts({ autoTrade: false }), limits, NOW)).toEqual({
      ok: true,
    });
  });

  it('always lets exits through, even when HALTED', () => {
    for (const riskState of ['ACTIVE', 'REDUCING', 'HALTED'] as const) {
      expect(checkOrder({ kind: 'exit', symbol: 'BTCUSDT' }, facts({ riskState }), limits, NOW)).toEqual({
        ok: true,
      });
    }
  });
});

describe('risk states', () => {
  it('moves to REDUCING on panic, failures and the loss limit, but never relaxes HALTED', () => {
    expect(nextRiskState('ACTIVE', { type: 'PANIC' }).to).toBe('REDUCING');
    expect(nextRiskState('ACTIVE', { type: 'REPEATED_FAILURES', count: 3 }).to).toBe('REDUCING');
    expect(nextRiskState('ACTIVE', { type: 'DAILY_LOSS_LIMIT_HIT' }).to).toBe('REDUCING');
    expect(nextRiskState('HALTED', { type: 'PANIC' }).to).toBe('HALTED');
    expect(
      nextRiskState('REDUCING', { type: 'HALT', by: 'system', reason: 'reconciliation failed' }).to,
    ).toBe('HALTED');
  });
  it('returns to ACTIVE only when a person resumes', () => {
    const t = nextRiskState('HALTED', { type: 'RESUME', by: 'person' });
    expect(t).toEqual({ from: 'HALTED', to: 'ACTIVE', reason: 'resumed by a person' });
  });
});
