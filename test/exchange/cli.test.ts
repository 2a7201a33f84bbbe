/**
 * `neurotrade sim-exchange`: the interface scripts rely on (a real process on 127.0.0.1:N with
 * accounts from --account), its argument checks, and the synthetic market it serves by default.
 */
import { describe, expect, it } from 'vitest';
import { parseAccount, parseMarket, startSimExchange } from '../../src/cli/commands/sim-exchange.js';
import { UsageError } from '../../src/cli/output.js';
import { freePort, spawnCli, waitForHttp } from '../support/process.js';
import { rawClient } from './raw-client.js';

type Json = Record<string, unknown>;

describe('neurotrade sim-exchange', () => {
  it('serves Binance paths on 127.0.0.1:N for the --account keys and stops on SIGTERM', async () => {
    const port = await freePort();
    const proc = spawnCli(
      ['sim-exchange', '--port', String(port), '--market', 'none', '--account', 'k1:s1:2500'],
      {},
    );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/fapi/v1/ping`, proc);
      const api = rawClient(`http://127.0.0.1:${port}`, 'k1', 's1');
      const account = (await api.call('GET', '/fapi/v3/account')).body as Json;
      expect(account.totalWalletBalance).toBe('2500.00000000');
      const order = await api.call('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.002',
      });
      expect(order.body).toMatchObject({ status: 'FILLED' });
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain(`http://127.0.0.1:${port}`);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });

  it('checks its arguments', () => {
    expect(parseMarket(undefined)).toEqual({ kind: 'synthetic', seed: 42 });
    expect(parseMarket('synthetic:7')).toEqual({ kind: 'synthetic', seed: 7 });
    expect(parseMarket('replay:/data/market')).toEqual({ kind: 'replay', dir: '/data/market' });
    expect(() => parseMarket('synthetic:x')).toThrow(UsageError);
    expect(() => parseMarket('binance')).toThrow(UsageError);
    expect(parseAccount('key:secret:100.5')).toEqual({ apiKey: 'key', secret: 'secret', deposit: '100.5' });
    expect(() => parseAccount('key:secret')).toThrow(UsageError);
    expect(() => parseAccount('key:secret:lots')).toThrow(UsageError);
  });

  it('serves a live synthetic market by default: prices, history and a moving clock', async () => {
    const running = await startSimExchange({ port: '0', account: ['k:s:1000'], speed: '60' });
    try {
      const api = rawClient(running.server.url, 'k', 's');
      const mark = (await api.public('/fapi/v1/premiumIndex', { symbol: 'ETHUSDT' })).body as Json;
      expect(Number(mark.markPrice)).toBeGreaterThan(0);
      const klines = (await api.public('/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '1h', limit: 48 }))
        .body as unknown[];
      expect(klines).toHaveLength(48);
      const info = (await api.public('/fapi/v1/exchangeInfo')).body as { symbols: Json[] };
      expect(info.symbols.length).toBeGreaterThanOrEqual(10);
      expect(running.describe).toContain('synthetic:42');
      // At 60x a market minute passes every wall second: the engine clock moves on. Marks move in
      // steps, so poll; 5 s of wall time is 5 market minutes at 60x (and 5 s at 1x, far short).
      const before = mark.time as number;
      const deadline = Date.now() + 5_000;
      let advanced = 0;
      while (advanced < 60_000 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        const later = (await api.public('/fapi/v1/premiumIndex', { symbol: 'ETHUSDT' })).body as Json;
        advanced = (later.time as number) - before;
      }
      expect(advanced).toBeGreaterThanOrEqual(60_000);
    } finally {
      await running.close();
    }
  });
});
