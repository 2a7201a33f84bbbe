import { describe, expect, it } from 'vitest';
import { createManualClock, DomainError, ErrorCode } from '../../domain/index.js';
import { createTestSimulator, d, TEST_SYMBOLS } from './fixtures.js';
import { Simulator } from './simulator.js';
import { noSlippage } from './slippage.js';
import { parseAccountSnapshot, type SimAccountSnapshot } from './snapshot-schema.js';

/** A long BTC position with its close-position stop and target, a resting entry, some history. */
function tradedAccount() {
  const t = createTestSimulator({ deposit: 10_000 });
  const { sim } = t;
  sim.setLeverage('a', 'BTCUSDT', 10);
  sim.placeOrder('a', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: d('0.05'),
    newClientOrderId: 'nt-entry',
  });
  sim.placeAlgoOrder('a', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'STOP_MARKET',
    triggerPrice: d('99000'),
    closePosition: true,
    clientAlgoId: 'nt-sl',
  });
  sim.placeAlgoOrder('a', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'TAKE_PROFIT_MARKET',
    triggerPrice: d('102000'),
    closePosition: true,
    clientAlgoId: 'nt-tp',
  });
  sim.placeOrder('a', {
    symbol: 'DOGEUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    price: d('0.19'),
    quantity: d('1000'),
    newClientOrderId: 'nt-doge-entry',
  });
  sim.placeOrder('a', {
    symbol: 'DOGEUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    price: d('0.18'),
    quantity: d('100'),
    newClientOrderId: 'nt-cancelled',
  });
  sim.cancelOrder('a', 'DOGEUSDT', { origClientOrderId: 'nt-cancelled' });
  return t;
}

const restoreInto = (snapshot: unknown, at: number) => {
  const sim = new Simulator({ clock: createManualClock(at), symbols: TEST_SYMBOLS, slippage: noSlippage });
  sim.importAccount(snapshot);
  return sim;
};

const refused = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
};

describe('account snapshots', () => {
  it('are JSON-safe and carry the whole account: wallet, position, protective orders, history, counters', () => {
    const { sim } = tradedAccount();
    const snap = sim.exportAccount('a');
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap).toMatchObject({ version: 1, accountId: 'a', positionMode: 'ONE_WAY', historyLimit: null });
    expect(snap.wallet).toBe(sim.accountSummary('a').walletBalance.toFixed());
    expect(snap.positions.find((p) => p.symbol === 'BTCUSDT')).toMatchObject({
      side: 'LONG',
      qty: '0.05',
      entryPrice: '100000',
      leverage: 10,
      marginType: 'ISOLATED',
      isolatedWallet: '500',
    });
    expect(snap.algoOrders.map((a) => [a.clientAlgoId, a.orderType, a.algoStatus])).toEqual([
      ['nt-sl', 'STOP_MARKET', 'NEW'],
      ['nt-tp', 'TAKE_PROFIT_MARKET', 'NEW'],
    ]);
    expect(snap.orders.map((o) => [o.clientOrderId, o.status])).toEqual([
      ['nt-entry', 'FILLED'],
      ['nt-doge-entry', 'NEW'],
      ['nt-cancelled', 'CANCELED'],
    ]);
    expect(snap.trades).toHaveLength(1);
    expect(snap.counters.books.map((b) => b.symbol).sort()).toEqual(['BTCUSDT', 'DOGEUSDT']);
  });

  it('restore the account exactly: the same answers to every query, ids never handed out twice', () => {
    const { sim, clock } = tradedAccount();
    const copy = restoreInto(JSON.parse(JSON.stringify(sim.exportAccount('a'))), clock.now());
    expect(copy.exportAccount('a')).toEqual(sim.exportAccount('a'));
    // A restored book has no price until the market gives one (the same as the original's here).
    copy.onPrice('BTCUSDT', { last: 100_000, time: clock.now() });
    copy.onPrice('DOGEUSDT', { last: 0.2, time: clock.now() });
    expect(copy.accountSummary('a')).toEqual(sim.accountSummary('a'));
    expect(copy.positionRisk('a')).toEqual(sim.positionRisk('a'));
    expect(copy.symbolConfig('a')).toEqual(sim.symbolConfig('a'));
    expect(copy.openAlgoOrders('a')).toEqual(sim.openAlgoOrders('a'));
    expect(copy.openOrders('a')).toEqual(sim.openOrders('a'));
    // The lookup by client order id that settles an ambiguous send still finds the filled entry.
    expect(copy.getOrder('a', 'BTCUSDT', { origClientOrderId: 'nt-entry' })).toEqual(
      sim.getOrder('a', 'BTCUSDT', { origClientOrderId: 'nt-entry' }),
    );
    expect(copy.trades('a')).toEqual(sim.trades('a'));
    expect(copy.getAlgoOrder('a', { clientAlgoId: 'nt-sl' }).algoStatus).toBe('NEW');
    // New ids continue after the restored ones, per symbol and per family.
    const next = copy.placeOrder('a', { symbol: 'DOGEUSDT', side: 'BUY', type: 'MARKET', quantity: d('50') });
    expect(next.orderId).toBe(Math.max(...sim.allOrders('a', 'DOGEUSDT').map((o) => o.orderId)) + 1);
    const algo = copy.placeAlgoOrder('a', {
      symbol: 'DOGEUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: d('0.1'),
      closePosition: true,
    });
    expect(algo.algoId).toBe(3);
  });

  it('put stops back on the book: a stop crossed while the process was down fires on the first price', () => {
    const { sim, clock } = tradedAccount();
    const copy = restoreInto(sim.exportAccount('a'), clock.now());
    const events: string[] = [];
    copy.subscribe((e) => {
      if (e.type === 'ORDER_TRADE_UPDATE' && e.executionType === 'TRADE') events.push(e.order.clientOrderId);
    });
    copy.onPrice('DOGEUSDT', { last: 0.2, time: clock.now() });
    copy.onPrice('BTCUSDT', { last: 98_500, time: clock.now() });
    expect(events).toEqual(['trg-1']);
    expect(copy.positionRisk('a', 'BTCUSDT')).toEqual([]);
    expect(copy.getAlgoOrder('a', { clientAlgoId: 'nt-sl' }).algoStatus).toBe('FINISHED');
    // Its take-profit went with the position.
    expect(copy.getAlgoOrder('a', { clientAlgoId: 'nt-tp' }).algoStatus).toBe('EXPIRED');
  });

  it('keep open orders and the most recent closed ones when the history is limited', () => {
    const { sim } = tradedAccount();
    const snap = sim.exportAccount('a', { historyLimit: 1 });
    expect(snap.historyLimit).toBe(1);
    // The cancel is the most recent closed order; the filled entry and its fill are dropped.
    expect(snap.orders.map((o) => o.clientOrderId)).toEqual(['nt-doge-entry', 'nt-cancelled']);
    expect(snap.trades).toEqual([]);
    expect(snap.algoOrders).toHaveLength(2);
    expect(sim.exportAccount('a', { historyLimit: 0 }).orders.map((o) => o.clientOrderId)).toEqual([
      'nt-doge-entry',
    ]);
    expect(() => sim.exportAccount('a', { historyLimit: -1 })).toThrow(/historyLimit/);
  });

  it('restore every account of a simulator in any order, and refuse an id another account holds', () => {
    const { sim, clock } = tradedAccount();
    sim.createAccount('b', { deposit: 1_000 });
    sim.placeOrder('b', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: d('0.002') });
    const [a, b] = [sim.exportAccount('a'), sim.exportAccount('b')];
    const copy = new Simulator({ clock: createManualClock(clock.now()), symbols: TEST_SYMBOLS });
    copy.importAccount(b);
    copy.importAccount(a);
    expect(copy.allOrders('b', 'BTCUSDT')).toEqual(sim.allOrders('b', 'BTCUSDT'));
    const err = refused(() => copy.importAccount(a, 'a2'));
    expect(err.code).toBe(ErrorCode.BAD_DATA);
    expect(err.message).toContain('already taken in this simulator by account "a"');
    expect(copy.hasAccount('a2')).toBe(false);
    expect(refused(() => copy.importAccount(a)).message).toContain('account "a" already exists');
  });

  describe('validation', () => {
    const good = () => tradedAccount().sim.exportAccount('a');
    const edit = (change: (s: SimAccountSnapshot) => void): unknown => {
      const s = JSON.parse(JSON.stringify(good())) as SimAccountSnapshot;
      change(s);
      return s;
    };

    it('names the version it cannot read', () => {
      expect(() => parseAccountSnapshot(edit((s) => Object.assign(s, { version: 2 })))).toThrow(
        'account snapshot is invalid: version: 2 is not supported (this build reads version 1)',
      );
      expect(() => parseAccountSnapshot('{}')).toThrow('expected an object, got string');
      expect(() => parseAccountSnapshot(null)).toThrow('expected an object, got null');
    });

    it('names the field and what it allows', () => {
      const err = refused(() =>
        parseAccountSnapshot(
          edit((s) => {
            s.positions[0]!.qty = '1e3';
            (s as { wallet: unknown }).wallet = 12;
          }),
        ),
      );
      expect(err.code).toBe(ErrorCode.BAD_DATA);
      expect(err.message).toContain('wallet: ');
      expect(err.message).toContain('positions.0.qty: expected a non-negative plain decimal string');
      expect(err.details?.problems).toHaveLength(2);
      expect(() => parseAccountSnapshot(edit((s) => Object.assign(s, { extra: 1 })))).toThrow(/extra/);
    });

    it('refuses inconsistent content and changes nothing', () => {
      const { clock } = tradedAccount();
      const sim = new Simulator({ clock: createManualClock(clock.now()), symbols: TEST_SYMBOLS });
      const cases: Array<[(s: SimAccountSnapshot) => void, string]> = [
        [(s) => (s.wallet = '1'), 'wallet: 1 is not deposits + realizedPnl − fees − funding'],
        [(s) => (s.positions[0]!.side = 'FLAT'), 'positions.0.qty: 0.05 does not fit side FLAT'],
        [(s) => (s.positions[0]!.leverage = 126), 'positions.0.leverage'],
        [(s) => (s.orders[0]!.orderId = 99), "orders.0.orderId: 99 is not below BTCUSDT's nextOrderId"],
        [(s) => (s.algoOrders[1]!.seq = s.algoOrders[0]!.seq), 'algoOrders.1.seq: 3 is used twice'],
        [(s) => (s.orders[1]!.type = 'MARKET'), 'orders.1: an open MARKET order cannot rest on the book'],
        [
          (s) => (s.algoOrders[1]!.clientAlgoId = 'nt-sl'),
          'algoOrders: two open algo orders share clientAlgoId nt-sl',
        ],
        [(s) => (s.positions[0]!.symbol = 'XRPUSDT'), 'positions.0: symbol XRPUSDT is not listed'],
      ];
      for (const [change, message] of cases) {
        const err = refused(() => sim.importAccount(edit(change)));
        expect(err.message).toContain(message);
        expect(sim.hasAccount('a')).toBe(false);
      }
      // Nothing of the refused attempts stayed behind: the good snapshot still goes in.
      sim.importAccount(good());
      expect(sim.openAlgoOrders('a')).toHaveLength(2);
    });

    it('leaves out the history of a symbol no longer listed, and says so', () => {
      const { sim, clock } = tradedAccount();
      sim.cancelOrder('a', 'DOGEUSDT', { origClientOrderId: 'nt-doge-entry' });
      const btcOnly = new Simulator({ clock: createManualClock(clock.now()), symbols: [TEST_SYMBOLS[0]!] });
      expect(btcOnly.importAccount(sim.exportAccount('a')).skippedSymbols).toEqual(['DOGEUSDT']);
      btcOnly.onPrice('BTCUSDT', { last: 100_000, time: clock.now() });
      expect(btcOnly.positionRisk('a')).toHaveLength(1);
      expect(btcOnly.symbolConfig('a')).toHaveLength(1);
    });
  });
});
