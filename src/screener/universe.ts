/**
 * Execution-aware universe selection, pure: only symbols the exchange lists as tradable USDT
 * perpetuals are screened; optionally only the top N by 24h quote volume; every symbol left out
 * is reported with the reason (so a dashboard or the CLI can say why BTC is missing).
 */
import type { SymbolRules, Ticker24h } from '../domain/index.js';

export interface UniverseOptions {
  /** Screen only these symbols (as the exchange spells them). */
  symbols?: readonly string[] | undefined;
  /** Keep the N symbols with the largest 24h quote volume. */
  top?: number | undefined;
}

export interface ExcludedSymbol {
  symbol: string;
  reason: string;
  /** True for symbols the caller asked for by name (they are shown as SKIPPED, not just counted). */
  requested: boolean;
}

export interface UniverseSelection {
  /** In screening order: by 24h quote volume, largest first (then by name). */
  selected: SymbolRules[];
  excluded: ExcludedSymbol[];
}

function whyNotTradable(rules: SymbolRules): string | undefined {
  if (rules.status !== 'TRADING') return `status ${rules.status}: not tradable`;
  if (rules.quoteAsset !== 'USDT') return `${rules.quoteAsset}-margined: only USDT perpetuals are traded`;
  return undefined;
}

export function selectUniverse(
  rules: readonly SymbolRules[],
  tickers: readonly Ticker24h[],
  options: UniverseOptions = {},
): UniverseSelection {
  const volume = new Map<string, number>();
  for (const t of tickers) if (Number.isFinite(t.quoteVolume)) volume.set(t.symbol, t.quoteVolume);
  const bySymbol = new Map(rules.map((r) => [r.symbol as string, r]));
  const requested = options.symbols ? new Set(options.symbols) : undefined;
  const excluded: ExcludedSymbol[] = [];
  let candidates: SymbolRules[] = [];

  if (requested) {
    for (const symbol of requested) {
      const r = bySymbol.get(symbol);
      if (!r)
        excluded.push({
          symbol,
          reason: 'not listed by the exchange as a perpetual contract',
          requested: true,
        });
      else candidates.push(r);
    }
  } else {
    candidates = [...rules];
  }

  const tradable: SymbolRules[] = [];
  for (const r of candidates) {
    const why = whyNotTradable(r);
    if (why) excluded.push({ symbol: r.symbol, reason: why, requested: requested !== undefined });
    else tradable.push(r);
  }
  const vol = (r: SymbolRules) => volume.get(r.symbol) ?? -1;
  tradable.sort((a, b) => vol(b) - vol(a) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));

  let selected = tradable;
  if (options.top !== undefined) {
    const top = Math.max(0, Math.floor(options.top));
    selected = tradable.slice(0, top);
    tradable.slice(top).forEach((r, i) => {
      excluded.push({
        symbol: r.symbol,
        reason: volume.has(r.symbol)
          ? `outside the top ${top} by 24h quote volume (rank ${top + i + 1})`
          : `no 24h ticker: outside the top ${top}`,
        requested: requested !== undefined,
      });
    });
  }
  return { selected, excluded };
}
