/**
 * Listen keys of the user data stream (reference §5.2): one active key per account; POST returns
 * the active key and extends it by 60 minutes, PUT extends it (-1125 when it is unknown or has
 * expired), DELETE closes it. A key not kept alive expires; the hub then pushes listenKeyExpired.
 */
import { randomBytes } from 'node:crypto';
import { BinanceCode, binanceError } from '../errors.js';

export const LISTEN_KEY_VALIDITY_MS = 60 * 60_000;

interface KeyState {
  key: string;
  accountId: string;
  expiresAt: number;
}

export class ListenKeyBook {
  private readonly byKey = new Map<string, KeyState>();
  private readonly byAccount = new Map<string, KeyState>();

  constructor(
    private readonly validityMs = LISTEN_KEY_VALIDITY_MS,
    private readonly newKey: () => string = () => randomBytes(32).toString('hex'),
  ) {}

  /** POST /fapi/v1/listenKey. */
  open(accountId: string, now: number): string {
    const existing = this.byAccount.get(accountId);
    if (existing && existing.expiresAt > now) {
      existing.expiresAt = now + this.validityMs;
      return existing.key;
    }
    if (existing) this.remove(existing.key);
    const state: KeyState = { key: this.newKey(), accountId, expiresAt: now + this.validityMs };
    this.byKey.set(state.key, state);
    this.byAccount.set(accountId, state);
    return state.key;
  }

  /** PUT /fapi/v1/listenKey: the account's active key, extended. */
  keepAlive(accountId: string, now: number, key?: string): string {
    const state = key === undefined ? this.byAccount.get(accountId) : this.byKey.get(key);
    if (!state || state.accountId !== accountId || state.expiresAt <= now) {
      throw binanceError(BinanceCode.INVALID_LISTEN_KEY);
    }
    state.expiresAt = now + this.validityMs;
    return state.key;
  }

  /** DELETE /fapi/v1/listenKey. Returns the removed key, if any. */
  close(accountId: string, key?: string): string | undefined {
    const state = key === undefined ? this.byAccount.get(accountId) : this.byKey.get(key);
    if (!state || state.accountId !== accountId) return undefined;
    this.remove(state.key);
    return state.key;
  }

  /** The account a live key belongs to. */
  accountOf(key: string, now: number): string | undefined {
    const state = this.byKey.get(key);
    return state && state.expiresAt > now ? state.accountId : undefined;
  }

  isKnown(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Keys past their time, removed and returned (the caller announces them). */
  takeExpired(now: number): Array<{ key: string; accountId: string }> {
    const out: Array<{ key: string; accountId: string }> = [];
    for (const s of this.byKey.values())
      if (s.expiresAt <= now) out.push({ key: s.key, accountId: s.accountId });
    for (const s of out) this.remove(s.key);
    return out;
  }

  /** Fault injection: expire now every key (or the keys of one account). */
  expireAll(now: number, accountId?: string): void {
    for (const s of this.byKey.values())
      if (accountId === undefined || s.accountId === accountId) s.expiresAt = now;
  }

  private remove(key: string): void {
    const state = this.byKey.get(key);
    if (!state) return;
    this.byKey.delete(key);
    if (this.byAccount.get(state.accountId) === state) this.byAccount.delete(state.accountId);
  }
}
