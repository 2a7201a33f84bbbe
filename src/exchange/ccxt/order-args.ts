/**
 * A port CreateOrderRequest as ccxt's createOrder arguments (reference §6.3): our client order id
 * always (ccxt maps it to newClientOrderId or clientAlgoId), STOP_MARKET via `triggerPrice` and
 * TAKE_PROFIT_MARKET via `takeProfitPrice` (ccxt then posts to /fapi/v1/algoOrder), closePosition
 * without a quantity, workingType and priceProtect passed through.
 *
 * ccxt rounds quietly (amounts truncated to the step, prices half-up to the tick); an order that
 * would go out different from what was asked is refused here, before anything is sent.
 */
import type { Exchange } from 'ccxt';
import { DomainError, dec, ErrorCode } from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import type { CreateOrderRequest } from '../port.js';

export interface CcxtOrderArgs {
  type: 'market' | 'limit';
  side: 'buy' | 'sell';
  amount: number | undefined;
  price: number | undefined;
  params: Record<string, unknown>;
}

const missing = (name: string) =>
  binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, {
    message: binanceMessage(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, name),
  });

export function ccxtOrderArgs(ex: Exchange, symbol: string, r: CreateOrderRequest): CcxtOrderArgs {
  const params: Record<string, unknown> = { clientOrderId: r.clientOrderId };
  let amount: number | undefined;
  let price: number | undefined;
  if (r.qty !== undefined) {
    amount = r.qty.toNumber();
    checkSent(
      ex.amountToPrecision(symbol, amount),
      r.qty.toFixed(),
      BinanceCode.QTY_NOT_INCREASED_BY_STEP_SIZE,
      'quantity',
    );
  }
  if (r.type === 'LIMIT') {
    if (r.price === undefined) throw missing('price');
    price = r.price.toNumber();
    checkSent(
      ex.priceToPrecision(symbol, price),
      r.price.toFixed(),
      BinanceCode.PRICE_NOT_INCREASED_BY_TICK_SIZE,
      'price',
    );
    params.timeInForce = r.timeInForce ?? 'GTC';
  }
  if (r.type === 'STOP_MARKET' || r.type === 'TAKE_PROFIT_MARKET') {
    if (r.triggerPrice === undefined) throw missing('triggerPrice');
    const trigger = r.triggerPrice.toNumber();
    checkSent(
      ex.priceToPrecision(symbol, trigger),
      r.triggerPrice.toFixed(),
      BinanceCode.PRICE_NOT_INCREASED_BY_TICK_SIZE,
      'triggerPrice',
    );
    if (r.type === 'STOP_MARKET') params.triggerPrice = trigger;
    else params.takeProfitPrice = trigger;
    params.workingType = r.workingType ?? 'CONTRACT_PRICE';
    if (r.priceProtect) params.priceProtect = 'TRUE';
  } else if (r.triggerPrice !== undefined) {
    throw binanceError(BinanceCode.PARAM_NOT_REQUIRED, {
      message: binanceMessage(BinanceCode.PARAM_NOT_REQUIRED, 'triggerPrice'),
    });
  }
  if (r.reduceOnly) params.reduceOnly = true;
  if (r.closePosition) params.closePosition = true;
  return {
    type: r.type === 'LIMIT' ? 'limit' : 'market',
    side: r.side === 'BUY' ? 'buy' : 'sell',
    amount,
    price,
    params,
  };
}

function checkSent(sent: string | undefined, asked: string, code: number, what: string): void {
  if (sent !== undefined && dec(sent).eq(dec(asked))) return;
  throw new DomainError(ErrorCode.EXCHANGE_REJECTED, `not sent: ${what} ${asked} would go out as ${sent}`, {
    details: {
      exchangeCode: code,
      exchangeMessage: `${what} ${asked} is off the symbol's precision`,
      local: true,
    },
  });
}
