/**
 * exchange: the Exchange port (./port.ts) and its implementations. The simulator (./simulator) is
 * a pure Binance USDⓈ-M matching and margin engine for PAPER, backtests and tests; the ccxt adapter
 * (./ccxt) trades on Binance itself; ./server serves the simulator over Binance's REST/WS protocol.
 * Entry points: `Exchange`, `Simulator`, `simSymbol`, and the error mapping in ./errors.ts
 * (`binanceError`, `domainCodeForBinance`, `BinanceCode`).
 *
 * Invariants: no `if (paper)` anywhere: both implementations satisfy the same port; money is
 * decimal; every exchange error is a DomainError that keeps the exchange's code and message;
 * conditional orders are their own family (algo) in every call that lists, fetches or cancels.
 */
export * from './errors.js';
export * from './port.js';
export * from './simulator/index.js';
