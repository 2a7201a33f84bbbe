/**
 * WebSocket roots for the user data stream, derived from the REST root (reference §5.1, §6.1):
 * production fapi.binance.com -> wss://fstream.binance.com with the /private route
 * (/private/ws?listenKey=<k>, what ccxt 4.5.84 uses); Binance's demo -> wss://fstream.binancefuture.com
 * on the legacy /ws/<k> route; any other host (the simulator server) -> ws(s)://same-host, /private.
 */

export function wsBaseFor(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === 'fapi.binance.com') return 'wss://fstream.binance.com';
  if (url.hostname === 'demo-fapi.binance.com' || url.hostname === 'testnet.binancefuture.com') {
    return 'wss://fstream.binancefuture.com';
  }
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

export function userStreamUrl(wsBase: string, listenKey: string): string {
  const base = wsBase.replace(/\/+$/, '').replace(/\/ws$/, '');
  if (new URL(base).hostname === 'fstream.binancefuture.com') return `${base}/ws/${listenKey}`;
  return `${base}/private/ws?listenKey=${encodeURIComponent(listenKey)}`;
}
