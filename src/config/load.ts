import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { DomainError, ErrorCode } from '../domain/index.js';
import { type Config, configSchema, SECRET_KEYS } from './schema.js';

export interface LoadConfigOptions {
  /** Path of an optional .env file; values in the environment win over it. */
  envFile?: string | undefined;
}

/**
 * The only place that reads process.env. Returns a frozen Config or throws CONFIG_INVALID whose
 * message names every bad variable and what it allows, without echoing secret values.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const envFile = options.envFile ?? '.env';
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(configSchema.in.shape)) {
    if (env[key] !== undefined) merged[key] = env[key];
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new DomainError(ErrorCode.CONFIG_INVALID, formatConfigErrors(parsed.error, merged), {
      details: { variables: parsed.error.issues.map((i) => String(i.path[0])) },
    });
  }
  return Object.freeze(parsed.data);
}

function formatConfigErrors(error: z.ZodError, input: Record<string, string | undefined>): string {
  const lines = error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(config)');
    const raw = input[key];
    const shown =
      raw === undefined ? '' : SECRET_KEYS.has(key) ? ' (value hidden)' : ` (got ${JSON.stringify(raw)})`;
    return `  ${key}: ${issue.message}${shown}`;
  });
  return `Invalid configuration:\n${lines.join('\n')}`;
}
