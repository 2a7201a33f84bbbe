/**
 * Ids are injected too (a seeded generator in tests and backtests). Client order ids are not
 * random at all: they are derived from (user, signal, leg), so a retry after a crash produces the
 * same id and the exchange recognises the duplicate instead of opening a second position.
 */
import { hash, randomUUID } from 'node:crypto';
import type { Brand } from './brand.js';

export type ClientOrderId = Brand<string, 'ClientOrderId'>;

export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };

/** Deterministic ids for tests and backtests: prefix-1, prefix-2, ... */
export function createSequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}

/** Binance allows ^[.A-Z:/a-z0-9_-]{1,36}$ for clientOrderId and clientAlgoId. */
export const CLIENT_ORDER_ID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export type OrderLeg = 'entry' | 'sl' | 'tp' | 'exit' | `exit${number}` | `sl${number}` | `tp${number}`;

/**
 * nt-<24 hex of sha256(user|signal|leg)>-<leg>. Same inputs, same id, on every machine, forever.
 * Fits Binance's 36-character limit and charset.
 */
export function deriveClientOrderId(userId: string, signalId: string, leg: OrderLeg): ClientOrderId {
  // One-shot hash (no Hash object per id): the same digest as createHash().update().digest().
  const digest = hash('sha256', `${userId}|${signalId}|${leg}`, 'hex').slice(0, 24);
  const id = `nt-${digest}-${leg}`.slice(0, 36);
  return id as ClientOrderId;
}

/** 1 for the char codes CLIENT_ORDER_ID_PATTERN allows (all below 128), 0 for the others. */
const ID_CHARS = new Uint8Array(128);
for (const c of '.:/_-') ID_CHARS[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) ID_CHARS[c] = 1; // 0-9
for (let c = 65; c <= 90; c++) ID_CHARS[c] = 1; // A-Z
for (let c = 97; c <= 122; c++) ID_CHARS[c] = 1; // a-z

/**
 * CLIENT_ORDER_ID_PATTERN.test(value), a char code at a time: the exchange checks the id of every
 * order it is sent, where a loop over a table costs less than the regular expression (its
 * builtin, its compiled code and lastIndex bookkeeping), above all while the code is cold.
 */
export function isValidClientOrderId(value: string): value is ClientOrderId {
  const n = value.length;
  if (n === 0 || n > 36) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || ID_CHARS[c] === 0) return false;
  }
  return true;
}
