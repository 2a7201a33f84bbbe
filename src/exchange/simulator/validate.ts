/**
 * Exchange filters, each violation answered with Binance's code and message (reference §2):
 * precision (-1111), tick (-4014), step (-4023), quantity bounds (-4003/-4004/-4005), price bounds
 * (-4001/-4013/-4002), trigger bounds (-4006/-4007), PERCENT_PRICE (-4016/-4024), MIN_NOTIONAL
 * (-4164, reduce-only exempt), client order ids (-4015/-4116).
 */
import {
  compare,
  type Dec,
  isMultipleOf,
  isNotPositive,
  isValidClientOrderId,
  toFloat,
} from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import type { SimSymbolSpec } from './spec.js';

export function requireParam<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null) {
    throw binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, {
      message: binanceMessage(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, name),
    });
  }
  return value;
}

export function notRequired(name: string): never {
  throw binanceError(BinanceCode.PARAM_NOT_REQUIRED, {
    message: binanceMessage(BinanceCode.PARAM_NOT_REQUIRED, name),
  });
}

export function checkQuantity(spec: SimSymbolSpec, qty: Dec, market: boolean): void {
  if (isNotPositive(qty)) throw binanceError(BinanceCode.QTY_LESS_THAN_ZERO);
  if (qty.decimalPlaces() > spec.quantityPrecision) throw binanceError(BinanceCode.BAD_PRECISION);
  if (!isMultipleOf(qty, spec.stepSize)) throw binanceError(BinanceCode.QTY_NOT_INCREASED_BY_STEP_SIZE);
  // compare: decimal.js's lt and gt without their copy of the right-hand side.
  if (compare(qty, spec.minQty) < 0) throw binanceError(BinanceCode.QTY_LESS_THAN_MIN_QTY);
  if (compare(qty, market ? spec.marketMaxQty : spec.maxQty) > 0)
    throw binanceError(BinanceCode.QTY_GREATER_THAN_MAX_QTY);
}

export function checkPrice(spec: SimSymbolSpec, price: Dec): void {
  if (isNotPositive(price)) throw binanceError(BinanceCode.PRICE_LESS_THAN_ZERO);
  if (price.decimalPlaces() > spec.pricePrecision) throw binanceError(BinanceCode.BAD_PRECISION);
  if (!isMultipleOf(price, spec.tickSize)) throw binanceError(BinanceCode.PRICE_NOT_INCREASED_BY_TICK_SIZE);
  if (compare(price, spec.minPrice) < 0) throw binanceError(BinanceCode.PRICE_LESS_THAN_MIN_PRICE);
  if (compare(price, spec.maxPrice) > 0) throw binanceError(BinanceCode.PRICE_GREATER_THAN_MAX_PRICE);
}

export function checkTriggerPrice(spec: SimSymbolSpec, trigger: Dec): void {
  if (isNotPositive(trigger)) throw binanceError(BinanceCode.STOP_PRICE_LESS_THAN_ZERO);
  if (compare(trigger, spec.maxPrice) > 0) throw binanceError(BinanceCode.STOP_PRICE_GREATER_THAN_MAX_PRICE);
  if (trigger.decimalPlaces() > spec.pricePrecision) throw binanceError(BinanceCode.BAD_PRECISION);
  if (!isMultipleOf(trigger, spec.tickSize)) throw binanceError(BinanceCode.PRICE_NOT_INCREASED_BY_TICK_SIZE);
}

/** PERCENT_PRICE against the mark: BUY <= mark × up, SELL >= mark × down. */
export function checkPercentPrice(spec: SimSymbolSpec, side: 'BUY' | 'SELL', price: Dec, mark: Dec): void {
  if (side === 'BUY' && price.gt(mark.mul(spec.multiplierUp))) {
    throw binanceError(BinanceCode.PRICE_HIGHER_THAN_MULTIPLIER_UP);
  }
  if (side === 'SELL' && price.lt(mark.mul(spec.multiplierDown))) {
    throw binanceError(BinanceCode.PRICE_LOWER_THAN_MULTIPLIER_DOWN);
  }
}

export function checkMinNotional(spec: SimSymbolSpec, qty: Dec, price: Dec, reduceOnly: boolean): void {
  if (reduceOnly) return;
  if (qty.mul(price).lt(spec.minNotional)) {
    throw binanceError(BinanceCode.MIN_NOTIONAL, {
      message: binanceMessage(BinanceCode.MIN_NOTIONAL, spec.minNotional.toFixed()),
    });
  }
}

/**
 * Is qty × the decimal of the double `price` (a last price as the book keeps it) certainly at
 * least the minimum notional? Both sides as doubles are within a few ulps of the decimals
 * checkMinNotional compares: a product above the minimum by more than 2^-40 of it is above it
 * in decimals too, and the exact check (and the price's decimal) can be skipped. False when
 * unsure.
 */
export function clearsMinNotional(spec: SimSymbolSpec, qty: Dec, price: number): boolean {
  const notional = toFloat(qty) * price;
  const min = toFloat(spec.minNotional);
  return notional < 1e200 && min > 1e-200 && notional > min * (1 + 2 ** -40);
}

export function checkClientIdFormat(id: string): void {
  if (id === '') throw binanceError(BinanceCode.EMPTY_NEW_CL_ORD_ID);
  if (!isValidClientOrderId(id)) throw binanceError(BinanceCode.INVALID_CL_ORD_ID_LEN);
}

export function duplicateClientId(): never {
  throw binanceError(BinanceCode.DUPLICATED_CLIENT_ORDER_ID);
}
