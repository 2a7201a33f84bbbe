import { describe, expect, it } from 'vitest';
import { isDomainError } from '../domain/index.js';
import { binanceWeightShare, loadConfig } from './index.js';

const noFile = { envFile: '/nonexistent/.env' };

describe('loadConfig', () => {
  it('starts with no configuration at all: embedded store, synthetic market, rule analyst', () => {
    const config = loadConfig({}, noFile);
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATA_DIR).toBe('./data');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MARKET).toBe('synthetic');
    expect(config.ANALYST).toBe('rule');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names each bad variable and what it allows', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', MARKET: 'nasdaq' }, noFile);
    } catch (e) {
      error = e;
    }
    expect(isDomainError(error, 'CONFIG_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: must be a whole number from 0 to 65535 \(got "abc"\)/);
    expect(message).toMatch(/LOG_LEVEL: .*"debug".*\(got "loud"\)/);
    expect(message).toMatch(/MARKET: must be .*replay:DIR/);
  });

  it('rejects a port out of range and a non-postgres DATABASE_URL', () => {
    expect(() => loadConfig({ PORT: '70000' }, noFile)).toThrow(
      /PORT: must be a whole number from 0 to 65535/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:p@h/db' }, noFile)).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
  });

  it('allows more than one server process only on PostgreSQL', () => {
    expect(() => loadConfig({ API_PROCESSES: '2' }, noFile)).toThrow(
      /API_PROCESSES: more than 1 needs DATABASE_URL \(PostgreSQL\)/,
    );
    expect(() => loadConfig({ API_PROCESSES: '0' }, noFile)).toThrow(
      /API_PROCESSES: must be a whole number from 1 to 64/,
    );
    expect(loadConfig({ API_PROCESSES: '2', DATABASE_URL: 'postgres://h/db' }, noFile).API_PROCESSES).toBe(2);
    expect(loadConfig({}, noFile).API_PROCESSES).toBe(1);
  });

  it('gives each server of API_PROCESSES an equal share of the IP’s Binance weight, and refuses a share under 50', () => {
    const pg = { DATABASE_URL: 'postgres://h/db' };
    expect(binanceWeightShare(loadConfig({}, noFile))).toBe(2400);
    expect(binanceWeightShare(loadConfig({ ...pg, API_PROCESSES: '3' }, noFile))).toBe(800);
    expect(
      binanceWeightShare(
        loadConfig({ ...pg, API_PROCESSES: '4', BINANCE_WEIGHT_PER_MINUTE: '1000' }, noFile),
      ),
    ).toBe(250);
    expect(() => loadConfig({ ...pg, API_PROCESSES: '64' }, noFile)).toThrow(
      /API_PROCESSES: 64 servers would each get 37 of BINANCE_WEIGHT_PER_MINUTE=2400 \(at least 50 each\): at most 48/,
    );
    expect(binanceWeightShare(loadConfig({ ...pg, API_PROCESSES: '48' }, noFile))).toBe(50);
    expect(() => loadConfig({ BINANCE_WEIGHT_PER_MINUTE: '3000' }, noFile)).toThrow(
      /BINANCE_WEIGHT_PER_MINUTE: must be a whole number from 50 to 2400/,
    );
  });

  it('never echoes a secret value in its error', () => {
    const secret = 'tooShortButSecret';
    const dbPassword = 'hunter2-db-password';
    let message = '';
    try {
      loadConfig({ JWT_SECRET: secret, DATABASE_URL: `mysql://u:${dbPassword}@h/db` }, noFile);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/JWT_SECRET: must be at least 32 characters/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain(dbPassword);
  });

  it('switches the default analyst to the LLM when a key is configured', () => {
    expect(loadConfig({ LLM_API_KEY: 'sk-test' }, noFile).ANALYST).toBe('llm');
    expect(loadConfig({ LLM_API_KEY: 'sk-test', ANALYST: 'rule' }, noFile).ANALYST).toBe('rule');
  });

  it('reads an optional .env file, with the environment winning over it', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'nt-config-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=9001\nHOST=0.0.0.0\n');
    const config = loadConfig({ HOST: '127.0.0.2' }, { envFile: file });
    expect(config.PORT).toBe(9001);
    expect(config.HOST).toBe('127.0.0.2');
  });
});
