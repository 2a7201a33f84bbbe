/**
 * What the served simulator pushes on its WebSocket streams: each account's user-data events
 * (in the simulator's order, Binance's field names), and after every price update the market
 * events somebody subscribed to: markPriceUpdate, kline (the closed candle with x: true when a
 * new one begins, then the forming one) and forceOrder (feed liquidations and the simulator's own).
 */
import type { Liquidation } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { SimEvent, Simulator } from '../simulator/index.js';
import { type CandleRecorder, intervalMs } from './candles.js';
import type { Precision } from './wire.js';
import { forceOrderJson, klineJson, markPriceJson, userEventJson } from './wire-events.js';
import type { WsHub } from './ws-hub.js';

export class StreamPublisher {
  private readonly klineOpen = new Map<string, number>();

  constructor(
    private readonly sim: Simulator,
    private readonly hub: WsHub,
    private readonly candles: CandleRecorder,
    private readonly precision: (symbol: string) => Precision,
    private readonly logger: Logger | undefined,
  ) {}

  /** A simulator event to its account's streams. Never throws (the simulator would rethrow it). */
  userEvent(e: SimEvent): void {
    try {
      this.hub.publishUser(e.accountId, e.type, userEventJson(e, this.precision(symbolOfEvent(e))));
      if (e.type === 'ORDER_TRADE_UPDATE' && e.executionType === 'CALCULATED') {
        this.liquidation({
          symbol: e.order.symbol,
          side: e.order.side,
          price: e.lastFilledPrice.toNumber(),
          qty: e.lastFilledQty.toNumber(),
          time: e.transactionTime as Liquidation['time'],
        });
      }
    } catch (err) {
      this.logger?.error({ err }, 'sim-exchange could not publish a user event');
    }
  }

  liquidation(l: Liquidation): void {
    const payload = forceOrderJson(l, this.specOf(l.symbol), this.sim.now());
    this.hub.publishMarket(`${l.symbol.toLowerCase()}@forceorder`, payload);
    this.hub.publishMarket('!forceorder@arr', payload);
  }

  /** After a price update on `symbol`: mark price and kline streams. */
  market(symbol: string): void {
    const lower = symbol.toLowerCase();
    const state = this.sim.marketState(symbol);
    const now = this.sim.now();
    const spec = this.specOf(symbol);
    const mark = state.markPrice.toFixed(
      Math.max(spec?.pricePrecision ?? 0, state.markPrice.decimalPlaces()),
    );
    const markPayload = markPriceJson(symbol, mark, state.fundingRate, state.nextFundingTime, now);
    for (const stream of [`${lower}@markprice`, `${lower}@markprice@1s`])
      this.hub.publishMarket(stream, markPayload);
    for (const stream of ['!markprice@arr', '!markprice@arr@1s']) {
      if (this.hub.hasSubscribers(stream)) this.hub.publishMarket(stream, [markPayload]);
    }
    const prefix = `${lower}@kline_`;
    for (const stream of [...this.hub.subscribedStreams()]) {
      if (!stream.startsWith(prefix)) continue;
      const interval = stream.slice(prefix.length);
      const current = this.candles.current(symbol, interval);
      if (!current) continue;
      const span = intervalMs(interval) ?? 60_000;
      const previousOpen = this.klineOpen.get(stream);
      if (previousOpen !== undefined && previousOpen !== current.openTime) {
        const [closed] = this.candles.klines(symbol, interval, {
          from: previousOpen,
          to: previousOpen,
          limit: 1,
        });
        if (closed)
          this.hub.publishMarket(
            stream,
            klineJson(symbol, interval, closed, previousOpen + span - 1, true, spec, now),
          );
      }
      this.klineOpen.set(stream, current.openTime);
      this.hub.publishMarket(
        stream,
        klineJson(symbol, interval, current, current.openTime + span - 1, false, spec, now),
      );
    }
  }

  private specOf(symbol: string) {
    try {
      return this.sim.symbol(symbol);
    } catch {
      return undefined;
    }
  }
}

function symbolOfEvent(e: SimEvent): string {
  switch (e.type) {
    case 'ORDER_TRADE_UPDATE':
      return e.order.symbol;
    case 'ALGO_UPDATE':
      return e.algo.symbol;
    case 'ACCOUNT_CONFIG_UPDATE':
      return e.symbol;
    case 'ACCOUNT_UPDATE':
      return e.positions[0]?.symbol ?? '';
  }
}
