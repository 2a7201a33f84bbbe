/**
 * config: one zod-validated, frozen Config read from the environment and an optional .env file.
 * Entry point: loadConfig(env?). No other module reads process.env.
 */
export { type LoadConfigOptions, loadConfig } from './load.js';
export {
  binanceWeightShare,
  type Config,
  type ConfigInput,
  configSchema,
  LOG_LEVELS,
  SCAN_PROFILES,
  SECRET_KEYS,
} from './schema.js';
