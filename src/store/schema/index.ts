/** The one schema, for PGlite and PostgreSQL alike. Migrations in /drizzle are generated from it. */
export * from './backtest.js';
export * from './ml.js';
export * from './paper.js';
export * from './signals.js';
export * from './trading.js';
export * from './users.js';
