/**
 * logging: the pino logger every module uses. Secrets are redacted by path (authorization headers,
 * passwords, API keys and secrets, tokens) before a line is written; nothing else needs to remember.
 * Entry points: createLogger(options), silentLogger, REDACT_PATHS.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'secret',
  'apiSecret',
  'apiKey',
  'accessToken',
  'refreshToken',
  'token',
  'jwtSecret',
  'credentialsKey',
  'encryptedSecret',
  'encryptedApiKey',
  'signature',
];

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-mbx-apikey"]',
  'headers.authorization',
  'headers["x-mbx-apikey"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture and search the log. */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: options.name ? { name: options.name } : null,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

export const silentLogger: Logger = pino({ level: 'silent' });
