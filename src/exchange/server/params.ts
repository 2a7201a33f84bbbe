/**
 * Request parameters as Binance reads them: every value is a string from the query or the
 * form body; a malformed mandatory value answers -1102, an illegal enum value its own code
 * (-1117 side, -1116 type, -1115 timeInForce). Parsing happens here, at the edge, so the
 * simulator only ever sees typed values.
 */
import { type Dec, dec } from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';

export class Params {
  constructor(private readonly values: URLSearchParams) {}

  static from(query: string, body: string): Params {
    const all = new URLSearchParams(query);
    if (body !== '') for (const [k, v] of new URLSearchParams(body)) all.append(k, v);
    return new Params(all);
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== null && v !== '';
  }

  /** Raw string, undefined when absent or empty. */
  string(name: string): string | undefined {
    const v = this.values.get(name);
    return v === null || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw mandatory(name);
    return v;
  }

  decimal(name: string): Dec | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw mandatory(name);
    return dec(v, name);
  }

  integer(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw mandatory(name);
    return Number(v);
  }

  /** "true"/"false" in any case (the algo endpoint documents "TRUE"/"FALSE" for priceProtect). */
  boolean(name: string): boolean | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw binanceError(BinanceCode.ILLEGAL_CHARS, {
      message: binanceMessage(BinanceCode.ILLEGAL_CHARS, name, 'true|false'),
    });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], code: number): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw binanceError(code);
    return v as T;
  }

  /** Symbol ids are upper case on Binance; lower case is accepted as it is there. */
  symbol(): string | undefined {
    return this.string('symbol')?.toUpperCase();
  }

  requiredSymbol(): string {
    return this.required('symbol').toUpperCase();
  }

  /** Everything, for fault matching and logs (signature excluded). */
  entries(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) if (k !== 'signature') out[k] = v;
    return out;
  }
}

export function mandatory(name: string) {
  return binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, {
    message: binanceMessage(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, name),
  });
}
