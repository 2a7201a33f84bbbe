/**
 * Every setting NeuroTrade reads, in one zod schema. Defaults make `npm start` work with no
 * configuration at all: embedded store, synthetic market, PAPER mode.
 */
import { z } from 'zod';

const int = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SCAN_PROFILES = ['aggressive', 'normal', 'slow'] as const;
/** The least Binance weight per minute one process can work with (all tickers weigh 40). */
const MIN_WEIGHT_SHARE = 50;

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be a postgres:// or postgresql:// URL (leave unset for the embedded store)',
    }),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** Server processes `start` runs on one port (PostgreSQL only; see src/cli/commands/processes.ts). */
    API_PROCESSES: int(1, 64).default(1),

    // market feed
    MARKET: z
      .string()
      .default('synthetic')
      .refine(
        (v) => v === 'synthetic' || v === 'binance' || v.startsWith('synthetic:') || v.startsWith('replay:'),
        {
          message: 'must be "synthetic", "synthetic:SEED", "binance" or "replay:DIR"',
        },
      ),
    SYNTHETIC_SEED: int(0, 2 ** 31 - 1).default(42),
    SYNTHETIC_SYMBOLS: int(1, 2000).default(20),
    /** Synthetic/replay speed multiplier: 1 = real time, 60 = a minute per second. */
    MARKET_SPEED: z.coerce.number().positive().max(1_000_000).default(1),
    BINANCE_BASE_URL: z.url().default('https://fapi.binance.com'),
    /**
     * Binance's request weight per minute for this machine's IP (2,400 on USDⓈ-M), shared by its
     * REAL accounts and the live feed. Several processes on one IP each need their share: the
     * servers of API_PROCESSES split it themselves; separate `neurotrade worker`s on one machine
     * are each given theirs here. At least 50: the heaviest read (all tickers) weighs 40.
     */
    BINANCE_WEIGHT_PER_MINUTE: int(50, 2400).default(2400),

    // secrets: generated into DATA_DIR on the embedded default when unset
    JWT_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
      message: 'must be at least 32 characters (leave unset to generate one into DATA_DIR)',
    }),
    CREDENTIALS_KEY: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
      message: 'must be 64 hex characters (a 256-bit AES key; leave unset to generate one into DATA_DIR)',
    }),

    // trading defaults
    SCAN_PROFILE: z.enum(SCAN_PROFILES).default('normal'),
    SCHEDULER: boolFlag.default(true),
    PAPER_START_BALANCE: z.coerce.number().positive().max(1e9).default(10_000),
    MIN_CONFIDENCE: int(0, 100).default(75),
    SIGNAL_DEDUP_MINUTES: int(1, 7 * 24 * 60).default(120),
    // win probability (the ML model): a minimum that vetoes signals, when set and a model serves
    MIN_WIN_PROBABILITY: z.coerce
      .number()
      .min(0, { message: 'must be a probability from 0 to 1' })
      .max(1, { message: 'must be a probability from 0 to 1' })
      .optional(),
    ML_RETRAIN_MIN_OUTCOMES: int(1, 1_000_000).default(50),

    // analysts
    ANALYST: z.enum(['rule', 'llm']).optional(),
    LLM_BASE_URL: z.url().default('https://api.deepseek.com'),
    LLM_API_KEY: optionalString,
    LLM_MODEL: z.string().min(1).default('deepseek-chat'),
    LLM_TIMEOUT_MS: int(100, 600_000).default(30_000),
    LLM_FALLBACK: z.enum(['rule', 'none']).default('rule'),
    LLM_DAILY_TOKEN_CAP: int(0, 1_000_000_000).default(2_000_000),
    VISION_MODEL: optionalString,
  })
  .refine((env) => env.API_PROCESSES === 1 || env.DATABASE_URL !== undefined, {
    path: ['API_PROCESSES'],
    message: 'more than 1 needs DATABASE_URL (PostgreSQL): the embedded store lives inside one process',
  })
  .superRefine((env, ctx) => {
    const share = Math.floor(env.BINANCE_WEIGHT_PER_MINUTE / env.API_PROCESSES);
    if (share >= MIN_WEIGHT_SHARE) return;
    ctx.addIssue({
      code: 'custom',
      path: ['API_PROCESSES'],
      message:
        `${env.API_PROCESSES} servers would each get ${share} of BINANCE_WEIGHT_PER_MINUTE=${env.BINANCE_WEIGHT_PER_MINUTE} ` +
        `(at least ${MIN_WEIGHT_SHARE} each): at most ${Math.floor(env.BINANCE_WEIGHT_PER_MINUTE / MIN_WEIGHT_SHARE)}`,
    });
  })
  .transform((env) => ({
    ...env,
    // ANALYST defaults to the LLM only when a key is configured.
    ANALYST: env.ANALYST ?? (env.LLM_API_KEY ? 'llm' : 'rule'),
  }));

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<z.output<typeof configSchema>>;

/**
 * This process's share of the IP's Binance weight per minute: the servers of API_PROCESSES run on
 * one machine, so one IP, and each takes an equal part (the config refuses a part under 50).
 */
export function binanceWeightShare(
  config: Pick<Config, 'BINANCE_WEIGHT_PER_MINUTE' | 'API_PROCESSES'>,
): number {
  return Math.floor(config.BINANCE_WEIGHT_PER_MINUTE / config.API_PROCESSES);
}

/** Variables whose values must never be echoed in an error or a log. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'JWT_SECRET',
  'CREDENTIALS_KEY',
  'LLM_API_KEY',
  'DATABASE_URL',
]);
