/**
 * simulator: a Binance USDⓈ-M matching and margin engine, pure (no I/O), deterministic for a seed
 * and a price path. Entry points: `new Simulator({ clock, symbols })`, `simSymbol(...)` to
 * describe a symbol, `sim.createAccount(id, { deposit })`, `sim.account(id)` for the Exchange
 * port, `sim.onPrice(symbol, update)` / `sim.onJump(symbol, last, time)` (a bare tick) /
 * `sim.onCandle(...)` to drive it, and the REST-shaped methods (placeOrder, placeAlgoOrder,
 * positionRisk, accountSummary, ...) plus `subscribe` for the Binance-compatible facade in ../server. `sim.exportAccount(id)` / `sim.importAccount(snapshot)`
 * save and restore one account as versioned JSON (PAPER wallets survive a restart that way).
 *
 * Invariants: walletBalance = deposits + realised PnL − fees − funding (per account, exactly);
 * marginBalance = walletBalance + Σ uPnL; one-way positions; orderId per symbol and algoId keep
 * Binance's meaning; every rejection is a DomainError with details.exchangeCode/exchangeMessage;
 * events of one command are delivered after it completes, in Binance's order (ORDER_TRADE_UPDATE
 * then ACCOUNT_UPDATE per fill).
 */

export type { AlgoRef } from './algo.js';
export { createTestSimulator, TEST_START_MS, TEST_SYMBOLS, type TestSimulator, trace } from './fixtures.js';
export { bracketsFor, simSymbolsFromRules } from './from-rules.js';
export { nextBoundary } from './funding.js';
export { bankruptcyPrice, liquidationPrice, maintenanceMargin, unrealizedPnl } from './margin.js';
export type { OrderRef } from './orders.js';
export { createSimulatedExchange, toAlgoOrder, toRegularOrder, toStreamEvents } from './sim-exchange.js';
export type { AccountOptions, SimulatorOptions } from './simulator.js';
export { Simulator } from './simulator.js';
export {
  noSlippage,
  type RangeVolumeSlippageOptions,
  rangeVolumeSlippage,
  type SlippageInput,
  type SlippageModel,
  seededRandom,
} from './slippage.js';
export type { ExportAccountOptions } from './snapshot-export.js';
export type { ImportAccountResult } from './snapshot-import.js';
export {
  parseAccountSnapshot,
  SIM_ACCOUNT_SNAPSHOT_VERSION,
  type SimAccountSnapshot,
} from './snapshot-schema.js';
export {
  ALT_BRACKETS,
  type BracketRow,
  BTC_BRACKETS,
  bracketFor,
  type LeverageBracket,
  makeBrackets,
  maxNotionalFor,
  type SimSymbolInput,
  type SimSymbolSpec,
  simSymbol,
} from './spec.js';
export * from './types.js';
