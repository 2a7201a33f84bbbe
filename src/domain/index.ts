/**
 * domain: the shared vocabulary, no I/O. Branded types (Price, Qty, Money, MarketSymbol,
 * ClientOrderId, EpochMs), candles, the one decimal helper, the Clock and id ports, error codes.
 * Every other module imports from here; this module imports nothing of ours.
 */
export * from './brand.js';
export * from './decimal-order.js';
export * from './division.js';
export * from './errors.js';
export * from './float-decimal.js';
export * from './ids.js';
export * from './market.js';
export * from './money.js';
export * from './time.js';
export * from './trading.js';
