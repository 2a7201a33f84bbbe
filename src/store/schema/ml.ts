import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/**
 * Win-probability models, versioned: every training run that produced a model is kept with its
 * held-out metrics, and the aggregator loads the newest `usable` one. Rows are never updated.
 */
export const mlModels = pgTable(
  'ml_models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 1, 2, 3... in training order. */
    version: integer('version').notNull(),
    kind: text('kind').notNull(),
    /** Beat the base rate on held-out later data; only usable models are served. */
    usable: boolean('usable').notNull(),
    /** Labelled samples it was trained and evaluated on (all slices). */
    samples: integer('samples').notNull(),
    /** Closed signals in the store (of the sources used) when it was trained: the retrain hook's mark. */
    outcomesSeen: integer('outcomes_seen').notNull().default(0),
    /** Outcome sources it learned from (LIVE, PAPER, BACKTEST). */
    sources: jsonb('sources').$type<string[]>().notNull().default([]),
    /** The training report: held-out AUC, Brier, calibration table, gate comparison. */
    metrics: jsonb('metrics').notNull(),
    /** The model itself (weights, imputation, calibrator) as JSON. */
    model: jsonb('model').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ml_models_version_key').on(t.version),
    index('ml_models_usable_version_idx').on(t.usable, t.version),
    check('ml_models_version_check', sql`${t.version} > 0`),
  ],
);
