/**
 * The one decimal helper. Prices, quantities and balances are decimal.js values, never floats:
 * 0.1 + 0.2 must be 0.3 when it is somebody's margin.
 */
import { Decimal } from 'decimal.js';
import type { Brand } from './brand.js';

// 40 significant digits covers 1e15 notionals at 1e-12 precision; ROUND_HALF_UP matches Binance's
// price rounding (ccxt priceToPrecision rounds half up); quantity rounding is explicit below.
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Dec = Decimal;

export type DecimalInput = Decimal.Value;

export type Price = Brand<Decimal, 'Price'>;
export type Qty = Brand<Decimal, 'Qty'>;
/** An amount of the quote asset (USDT): balances, margin, notional, PnL, fees. */
export type Money = Brand<Decimal, 'Money'>;

/** Parse a decimal, refusing NaN, Infinity and garbage with a message that names the field. */
export function dec(value: DecimalInput, field = 'value'): Decimal {
  let d: Decimal;
  try {
    d = new Dec(value);
  } catch {
    throw new TypeError(`${field}: ${JSON.stringify(value)} is not a decimal number`);
  }
  if (!d.isFinite()) throw new TypeError(`${field}: ${String(value)} is not a finite number`);
  return d;
}

export const price = (value: DecimalInput, field = 'price'): Price => dec(value, field) as Price;
export const qty = (value: DecimalInput, field = 'quantity'): Qty => dec(value, field) as Qty;
export const money = (value: DecimalInput, field = 'amount'): Money => dec(value, field) as Money;

export const ZERO = new Dec(0);

/** Round a quantity DOWN to the symbol's step (never buy more than the margin pays for). */
export function floorToStep<T extends Decimal>(value: T, step: DecimalInput): T {
  const s = dec(step, 'stepSize');
  if (s.lte(0)) return value;
  return value.div(s).floor().mul(s) as T;
}

/** Round a price to the nearest tick, half up, as Binance and ccxt do. */
export function roundToTick<T extends Decimal>(value: T, tick: DecimalInput): T {
  const t = dec(tick, 'tickSize');
  if (t.lte(0)) return value;
  return value.div(t).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(t) as T;
}

/** Round a price to a tick in the direction that keeps a stop or target conservative. */
export function roundToTickDirected<T extends Decimal>(
  value: T,
  tick: DecimalInput,
  direction: 'up' | 'down',
): T {
  const t = dec(tick, 'tickSize');
  if (t.lte(0)) return value;
  const steps = value.div(t);
  return (direction === 'up' ? steps.ceil() : steps.floor()).mul(t) as T;
}

/** Decimal places a step or tick size implies ("0.001" -> 3), for formatting exchange strings. */
export function decimalsOf(step: DecimalInput): number {
  return dec(step, 'step').decimalPlaces();
}

/** Exchange wire format: plain decimal string, no exponent, no trailing zeros beyond the step. */
export function toWire(value: Decimal, step?: DecimalInput): string {
  return step === undefined ? value.toFixed() : value.toFixed(decimalsOf(step));
}
