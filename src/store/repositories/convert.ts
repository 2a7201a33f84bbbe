import type { Decimal } from 'decimal.js';
import { dec } from '../../domain/index.js';

/** NUMERIC columns come back as strings; money in code is always decimal. */
export const toDec = (value: string | null | undefined): Decimal | null =>
  value === null || value === undefined ? null : dec(value);

export const fromDec = (value: Decimal | string | number | null | undefined): string | null =>
  value === null || value === undefined ? null : dec(value).toFixed();

/** A value built on first use and kept (prepared statements: built once per repository). */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
