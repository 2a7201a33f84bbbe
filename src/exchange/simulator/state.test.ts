import { describe, expect, it } from 'vitest';
import { dec, toFloat, ZERO } from '../../domain/index.js';
import { crossWalletFloat, newAccount, refreshCrossWallet } from './state.js';

describe('the cross wallet float of the liquidation pre-check', () => {
  it('is wallet − Σ isolated wallets as of the latest refresh, worked out when read', () => {
    const account = newAccount('a', {
      wallet: dec('10000'),
      ledger: { deposits: dec('10000'), realizedPnl: ZERO, fees: ZERO, funding: ZERO },
      makerRate: dec('0.0002'),
      takerRate: dec('0.0005'),
    });
    expect(crossWalletFloat(account)).toBe(0); // a new record, never refreshed
    account.wallet = dec('12345.678901234567891');
    account.isolatedTotal = dec('200.000000019');
    refreshCrossWallet(account);
    // Changed after the refresh: not seen until the next one (as when it was computed eagerly).
    account.wallet = dec('1');
    expect(crossWalletFloat(account)).toBe(toFloat(dec('12345.678901234567891').minus('200.000000019')));
    refreshCrossWallet(account);
    expect(crossWalletFloat(account)).toBe(-199.000000019);
  });
});
