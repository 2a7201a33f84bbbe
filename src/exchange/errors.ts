/**
 * The one place where Binance USDⓈ-M error codes become domain errors. The simulator raises its
 * rejections through `binanceError(code)` so the messages are Binance's own, and the ccxt adapter
 * maps what comes back from the wire through the same table, so a -2019 reads the same whether it
 * came from the simulator in-process, the simulator served over HTTP, or Binance itself.
 *
 * Codes and messages: https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 * (see ../shared/reference/binance-futures-and-ccxt.md §1.4, §2, §3 for the live variants).
 * Every DomainError made here keeps `details.exchangeCode` and `details.exchangeMessage`.
 */
import { DomainError, ErrorCode } from '../domain/index.js';

export const BinanceCode = {
  UNKNOWN: -1000,
  DISCONNECTED: -1001,
  UNAUTHORIZED: -1002,
  TOO_MANY_REQUESTS: -1003,
  UNEXPECTED_RESP: -1006,
  TIMEOUT: -1007,
  REQUEST_THROTTLED: -1008,
  TOO_MANY_ORDERS: -1015,
  INVALID_TIMESTAMP: -1021,
  INVALID_SIGNATURE: -1022,
  NOT_FOUND_UNAUTHENTICATED: -1099,
  ILLEGAL_CHARS: -1100,
  MANDATORY_PARAM_EMPTY_OR_MALFORMED: -1102,
  UNKNOWN_PARAM: -1103,
  PARAM_NOT_REQUIRED: -1106,
  BAD_PRECISION: -1111,
  INVALID_TIF: -1115,
  INVALID_ORDER_TYPE: -1116,
  INVALID_SIDE: -1117,
  EMPTY_NEW_CL_ORD_ID: -1118,
  BAD_SYMBOL: -1121,
  INVALID_SYMBOL_STATUS: -1122,
  INVALID_LISTEN_KEY: -1125,
  NEW_ORDER_REJECTED: -2010,
  CANCEL_REJECTED: -2011,
  NO_SUCH_ORDER: -2013,
  BAD_API_KEY_FMT: -2014,
  REJECTED_MBX_KEY: -2015,
  BALANCE_NOT_SUFFICIENT: -2018,
  MARGIN_NOT_SUFFICIENT: -2019,
  UNABLE_TO_FILL: -2020,
  ORDER_WOULD_IMMEDIATELY_TRIGGER: -2021,
  REDUCE_ONLY_REJECT: -2022,
  USER_IN_LIQUIDATION: -2023,
  POSITION_NOT_SUFFICIENT: -2024,
  MAX_OPEN_ORDER_EXCEEDED: -2025,
  REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED: -2026,
  MAX_LEVERAGE_RATIO: -2027,
  MIN_LEVERAGE_RATIO: -2028,
  PRICE_LESS_THAN_ZERO: -4001,
  PRICE_GREATER_THAN_MAX_PRICE: -4002,
  QTY_LESS_THAN_ZERO: -4003,
  QTY_LESS_THAN_MIN_QTY: -4004,
  QTY_GREATER_THAN_MAX_QTY: -4005,
  STOP_PRICE_LESS_THAN_ZERO: -4006,
  STOP_PRICE_GREATER_THAN_MAX_PRICE: -4007,
  PRICE_LESS_THAN_MIN_PRICE: -4013,
  PRICE_NOT_INCREASED_BY_TICK_SIZE: -4014,
  INVALID_CL_ORD_ID_LEN: -4015,
  PRICE_HIGHER_THAN_MULTIPLIER_UP: -4016,
  QTY_NOT_INCREASED_BY_STEP_SIZE: -4023,
  PRICE_LOWER_THAN_MULTIPLIER_DOWN: -4024,
  INVALID_LEVERAGE: -4028,
  MAX_STOP_ORDER_EXCEEDED: -4045,
  NO_NEED_TO_CHANGE_MARGIN_TYPE: -4046,
  THERE_EXISTS_OPEN_ORDERS: -4047,
  THERE_EXISTS_QUANTITY: -4048,
  POSITION_SIDE_NOT_MATCH: -4061,
  DUPLICATED_CLIENT_ORDER_ID: -4116,
  STOP_ORDER_TRIGGERING: -4117,
  REDUCE_ONLY_MARGIN_CHECK_FAILED: -4118,
  STOP_ORDER_SWITCH_ALGO: -4120,
  QUANTITY_EXISTS_WITH_CLOSE_POSITION: -4137,
  REDUCE_ONLY_MUST_BE_TRUE: -4138,
  STRATEGY_INVALID_TRIGGER_PRICE: -4142,
  ISOLATED_LEVERAGE_REJECT_WITH_POSITION: -4161,
  MIN_NOTIONAL: -4164,
  FOK_ORDER_REJECT: -5021,
  GTX_ORDER_REJECT: -5022,
  ME_RECVWINDOW_REJECT: -5028,
} as const;
export type BinanceCode = (typeof BinanceCode)[keyof typeof BinanceCode];

/** Binance's message for each code; `%s` placeholders are filled by `binanceMessage`. */
export const BINANCE_MESSAGES: Readonly<Record<number, string>> = {
  [-1000]: 'An unknown error occured while processing the request.',
  [-1001]: 'Internal error; unable to process your request. Please try again.',
  [-1002]: 'You are not authorized to execute this request.',
  [-1003]:
    'Too many requests; current limit is %s requests per minute. Please use the websocket for live updates to avoid polling the API.',
  [-1006]: 'An unexpected response was received from the message bus. Execution status unknown.',
  [-1007]: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  [-1008]:
    'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.',
  [-1015]: 'Too many new orders; current limit is %s orders per %s.',
  [-1021]: 'Timestamp for this request is outside of the recvWindow.',
  [-1022]: 'Signature for this request is not valid.',
  [-1099]: 'Not found, unauthenticated, or unauthorized.',
  [-1100]: "Illegal characters found in parameter '%s'; legal range is '%s'.",
  [-1102]: "Mandatory parameter '%s' was not sent, was empty/null, or malformed.",
  [-1103]: 'An unknown parameter was sent.',
  [-1106]: "Parameter '%s' sent when not required.",
  [-1111]: 'Precision is over the maximum defined for this asset.',
  [-1115]: 'Invalid timeInForce.',
  [-1116]: 'Invalid orderType.',
  [-1117]: 'Invalid side.',
  [-1118]: 'New client order ID was empty.',
  [-1121]: 'Invalid symbol.',
  [-1122]: 'Invalid symbol status.',
  [-1125]: 'This listenKey does not exist. Please use POST /fapi/v1/listenKey to recreate listenKey',
  [-2010]: 'NEW_ORDER_REJECTED',
  [-2011]: 'Unknown order sent.',
  [-2013]: 'Order does not exist.',
  [-2014]: 'API-key format invalid.',
  [-2015]: 'Invalid API-key, IP, or permissions for action.',
  [-2018]: 'Balance is insufficient.',
  [-2019]: 'Margin is insufficient.',
  [-2020]: 'Unable to fill.',
  [-2021]: 'Order would immediately trigger.',
  [-2022]: 'ReduceOnly Order is rejected.',
  [-2023]: 'User in liquidation mode now.',
  [-2024]: 'Position is not sufficient.',
  [-2025]: 'Reach max open order limit.',
  [-2026]: 'This OrderType is not supported when reduceOnly.',
  [-2027]: 'Exceeded the maximum allowable position at current leverage.',
  [-2028]: 'Leverage is smaller than permitted: insufficient margin balance.',
  [-4001]: 'Price less than 0.',
  [-4002]: 'Price greater than max price.',
  [-4003]: 'Quantity less than or equal to zero.',
  [-4004]: 'Quantity less than min quantity.',
  [-4005]: 'Quantity greater than max quantity.',
  [-4006]: 'Stop price less than zero.',
  [-4007]: 'Stop price greater than max price.',
  [-4013]: 'Price less than min price.',
  [-4014]: 'Price not increased by tick size.',
  [-4015]: 'Client order id is not valid.',
  [-4016]: 'Price is higher than mark price multiplier cap.',
  [-4023]: 'Qty not increased by step size.',
  [-4024]: 'Price is lower than mark price multiplier floor.',
  [-4028]: 'Leverage %s is not valid',
  [-4045]: 'Reach max stop order limit.',
  [-4046]: 'No need to change margin type.',
  [-4047]: 'Margin type cannot be changed if there exists open orders.',
  [-4048]: 'Margin type cannot be changed if there exists position.',
  [-4061]: "Order's position side does not match user's setting.",
  [-4116]: 'clientOrderId is duplicated',
  [-4117]: 'stop order is triggering',
  [-4118]: 'ReduceOnly Order Failed. Please check your existing position and open orders',
  [-4120]: 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
  [-4137]: 'Quantity must be zero with closePosition equals true',
  [-4138]: 'Reduce only must be true with closePosition equals true',
  [-4142]: 'REJECT: take profit or stop order will be triggered immediately',
  [-4161]: 'Leverage reduction is not supported in Isolated Margin Mode with open positions',
  [-4164]: "Order's notional must be no smaller than %s (unless you choose reduce only)",
  [-5021]: 'Due to the order could not be filled immediately, the FOK order has been rejected.',
  [-5022]: 'Due to the order could not be executed as maker, the Post Only order will be rejected.',
  [-5028]: 'Timestamp for this request is outside of the ME recvWindow.',
};

/** Binance's message for `code` with `%s` placeholders filled in order. */
export function binanceMessage(code: number, ...args: Array<string | number>): string {
  const template = BINANCE_MESSAGES[code] ?? 'An unknown error occured while processing the request.';
  let i = 0;
  return template.replace(/%s/g, () => String(args[i++] ?? ''));
}

const DOMAIN_BY_CODE: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [-2018, ErrorCode.INSUFFICIENT_MARGIN],
  [-2019, ErrorCode.INSUFFICIENT_MARGIN],
  [-2028, ErrorCode.INSUFFICIENT_MARGIN],
  [-4164, ErrorCode.BELOW_MIN_NOTIONAL],
  [-2021, ErrorCode.WOULD_TRIGGER_IMMEDIATELY],
  [-4142, ErrorCode.WOULD_TRIGGER_IMMEDIATELY],
  [-2022, ErrorCode.REDUCE_ONLY_REJECTED],
  [-2024, ErrorCode.REDUCE_ONLY_REJECTED],
  [-4118, ErrorCode.REDUCE_ONLY_REJECTED],
  [-1003, ErrorCode.RATE_LIMITED],
  [-1008, ErrorCode.RATE_LIMITED],
  [-1015, ErrorCode.RATE_LIMITED],
  [-1002, ErrorCode.EXCHANGE_AUTH],
  [-1022, ErrorCode.EXCHANGE_AUTH],
  [-1099, ErrorCode.EXCHANGE_AUTH],
  [-1125, ErrorCode.EXCHANGE_AUTH],
  [-2014, ErrorCode.EXCHANGE_AUTH],
  [-2015, ErrorCode.EXCHANGE_AUTH],
  // "Execution status unknown": the order may exist. Look it up by client order id, never resend.
  [-1000, ErrorCode.AMBIGUOUS],
  [-1001, ErrorCode.AMBIGUOUS],
  [-1006, ErrorCode.AMBIGUOUS],
  [-1007, ErrorCode.AMBIGUOUS],
  [-2011, ErrorCode.ORDER_NOT_FOUND],
  [-2013, ErrorCode.ORDER_NOT_FOUND],
  // The id is already in use by an open order: the caller should look that order up.
  [-4116, ErrorCode.DUPLICATE_CLIENT_ORDER_ID],
]);

/** The domain code for a Binance code; anything unlisted is a plain rejection. */
export function domainCodeForBinance(code: number): ErrorCode {
  return DOMAIN_BY_CODE.get(code) ?? ErrorCode.EXCHANGE_REJECTED;
}

export interface ExchangeErrorDetails {
  exchangeCode: number;
  exchangeMessage: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

export interface BinanceErrorOptions {
  /** Overrides Binance's canonical message (live variants, filled templates). */
  message?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A DomainError for a Binance code, keeping the exchange's code and message in `details`. */
export function binanceError(code: number, options: BinanceErrorOptions = {}): DomainError {
  const exchangeMessage = options.message ?? binanceMessage(code);
  const details: ExchangeErrorDetails = { exchangeCode: code, exchangeMessage };
  if (options.httpStatus !== undefined) details.httpStatus = options.httpStatus;
  if (options.retryAfterMs !== undefined) details.retryAfterMs = options.retryAfterMs;
  return new DomainError(domainCodeForBinance(code), `Binance ${code}: ${exchangeMessage}`, {
    details: { ...details },
    cause: options.cause,
  });
}

/** 429/418 or an order-rate rejection: wait `retryAfterMs` before the next request. */
export function rateLimitedError(
  retryAfterMs: number,
  options: BinanceErrorOptions & { code?: number } = {},
): DomainError {
  const code = options.code ?? BinanceCode.TOO_MANY_REQUESTS;
  const err = binanceError(code, { ...options, retryAfterMs });
  return err.code === ErrorCode.RATE_LIMITED
    ? err
    : new DomainError(ErrorCode.RATE_LIMITED, err.message, {
        details: { ...err.details },
        cause: options.cause,
      });
}

/** Timeout, 5xx or a dropped connection: the order may or may not exist. */
export function ambiguousError(
  message: string,
  options: { httpStatus?: number; cause?: unknown } = {},
): DomainError {
  const details: Record<string, unknown> = {};
  if (options.httpStatus !== undefined) details.httpStatus = options.httpStatus;
  return new DomainError(ErrorCode.AMBIGUOUS, message, { details, cause: options.cause });
}

/**
 * Classify an HTTP failure whose body carried no Binance code (or one we should not trust):
 * 429/418 rate limit or ban, 401/403 auth/WAF, 408 and 5xx ambiguous (B-GEN: a 503 "Unknown
 * error" may have executed), other 4xx a rejection.
 */
export function httpStatusError(
  status: number,
  options: { body?: string; retryAfterMs?: number; cause?: unknown } = {},
): DomainError {
  const body = options.body ?? '';
  if (status === 429 || status === 418) {
    return rateLimitedError(options.retryAfterMs ?? (status === 418 ? 120_000 : 60_000), {
      httpStatus: status,
      message: body || `HTTP ${status}`,
      cause: options.cause,
    });
  }
  if (status === 401) {
    return new DomainError(ErrorCode.EXCHANGE_AUTH, `HTTP 401: ${body}`.trim(), {
      details: { httpStatus: status },
      cause: options.cause,
    });
  }
  if (status === 408 || status >= 500 || status === 403) {
    // 403 is Binance's WAF: the request may never have reached the engine, but we cannot know.
    return ambiguousError(`HTTP ${status}: ${body}`.trim(), { httpStatus: status, cause: options.cause });
  }
  return new DomainError(ErrorCode.EXCHANGE_REJECTED, `HTTP ${status}: ${body}`.trim(), {
    details: { httpStatus: status },
    cause: options.cause,
  });
}

/** The Binance code a DomainError carries, if it came from the exchange. */
export function exchangeCodeOf(err: unknown): number | undefined {
  if (!(err instanceof DomainError)) return undefined;
  const code = err.details?.exchangeCode;
  return typeof code === 'number' ? code : undefined;
}
