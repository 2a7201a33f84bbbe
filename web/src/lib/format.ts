/**
 * How the dashboard prints numbers, the way traders read them: `-$1.13` (never `$-1.13`),
 * `+$4.20` where a sign matters, `+1.20%` percentages, thousands grouped, and an honest dash when
 * a figure is unknown. Pure; decimal in, string out (no float rounding of money).
 */
import { D, type DecimalLike, toDecimal } from './decimal.js';

/** What an unknown figure prints as: never a made-up zero. */
export const NONE = '—';

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "1234567.5" -> "1,234,567.5" (the sign, if any, is the caller's business). */
function grouped(unsigned: string): string {
  const [int = '0', frac] = unsigned.split('.');
  return frac === undefined ? group(int) : `${group(int)}.${frac}`;
}

function signOf(rounded: D, signed: boolean): string {
  if (rounded.isZero()) return ''; // -0.001 rounded to cents is $0.00, not -$0.00
  if (rounded.isNegative()) return '-';
  return signed ? '+' : '';
}

export interface MoneyOptions {
  /** Print `+` for gains (PnL); balances are unsigned. */
  signed?: boolean;
  decimals?: number;
}

/** US dollars (USDT): `$1,234.50`, `-$1.13`, signed `+$0.42`. */
export function formatUsd(value: DecimalLike | null | undefined, options: MoneyOptions = {}): string {
  const d = toDecimal(value);
  if (!d) return NONE;
  const decimals = options.decimals ?? 2;
  const rounded = d.toDecimalPlaces(decimals, D.ROUND_HALF_UP);
  return `${signOf(rounded, options.signed ?? false)}$${grouped(rounded.abs().toFixed(decimals))}`;
}

/** A percentage, signed by default: `+1.20%`, `-0.50%`, `0.00%`. */
export function formatPercent(
  value: DecimalLike | null | undefined,
  options: { signed?: boolean; decimals?: number } = {},
): string {
  const d = toDecimal(value);
  if (!d) return NONE;
  const decimals = options.decimals ?? 2;
  const rounded = d.toDecimalPlaces(decimals, D.ROUND_HALF_UP);
  return `${signOf(rounded, options.signed ?? true)}${grouped(rounded.abs().toFixed(decimals))}%`;
}

/**
 * A price as the exchange quoted it: every decimal the API sent is kept (up to 8), at least two
 * for prices of 1 and above, thousands grouped. `65000.1` -> `65,000.10`; `0.00012345` stays.
 */
export function formatPrice(value: DecimalLike | null | undefined): string {
  const d = toDecimal(value);
  if (!d) return NONE;
  const rounded = d.toDecimalPlaces(8, D.ROUND_HALF_UP);
  const places = Math.max(rounded.decimalPlaces(), rounded.abs().gte(1) ? 2 : 0);
  return `${signOf(rounded, false)}${grouped(rounded.abs().toFixed(places))}`;
}

/** A quantity: as many decimals as it has (up to 8), grouped. */
export function formatQty(value: DecimalLike | null | undefined): string {
  const d = toDecimal(value);
  if (!d) return NONE;
  const rounded = d.toDecimalPlaces(8, D.ROUND_DOWN);
  return `${signOf(rounded, false)}${grouped(rounded.abs().toFixed())}`;
}

/** A confidence score 0..100 -> `82%`. */
export function formatConfidence(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  return `${Math.round(value)}%`;
}

/** How old a figure is, in words: `just now`, `42 s ago`, `3 min ago`, `2 h ago`, `5 d ago`. */
export function formatAge(ageMs: number | null | undefined): string {
  if (ageMs === null || ageMs === undefined || !Number.isFinite(ageMs)) return 'age unknown';
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** `2025-03-01 14:05:09` in the given time zone (the browser's own by default). */
export function formatDateTime(iso: string | number | null | undefined, timeZone?: string): string {
  if (iso === null || iso === undefined) return NONE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return NONE;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** Colour class of a signed figure: gains green, losses red, zero and unknown neutral. */
export function tone(value: DecimalLike | null | undefined): 'up' | 'down' | 'flat' {
  const d = toDecimal(value);
  if (!d || d.isZero()) return 'flat';
  return d.isNegative() ? 'down' : 'up';
}
