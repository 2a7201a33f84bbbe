/**
 * The model at work: train from the store's closed signals (or any labelled samples) and keep
 * the result versioned; serve the newest usable model to the aggregator; retrain when enough new
 * outcomes have arrived. Serving is wrapped: no model, a broken model or too little known about a
 * proposal all give null ("no opinion"), and the aggregator runs without it.
 */
import type { AnalystContext, Proposal } from '../analyst/index.js';
import type { Logger } from '../logging/index.js';
import { createMlModelsRepository, type Db, type Store, type StoredMlModel } from '../store/index.js';
import { type LabelledSample, type OutcomeSource, sampleFromRecord } from './dataset.js';
import type { FeatureVector } from './features.js';
import { parseModelSpec, predictWin, type WinModelSpec } from './model.js';
import { featuresFromProposal, type ProposalEvidence } from './sources.js';
import { TRAIN_DEFAULTS, type TrainOptions, type TrainResult, trainWinModel } from './train.js';

type HasDb = Pick<Store, 'db'>;

export interface TrainAndStoreOptions {
  /** Outcome sources to learn from; all when absent. */
  sources?: readonly OutcomeSource[] | undefined;
  train?: Partial<TrainOptions> | undefined;
  /** Stored with the model: where its samples came from. */
  note?: string | undefined;
}

export interface TrainOutcome {
  result: TrainResult;
  /** The stored model, when one was trained (usable or not: every version is kept). */
  saved: StoredMlModel | null;
}

/** Train on given samples and store the model as the next version. The seam for backtests. */
export async function trainAndStore(
  db: Db,
  samples: readonly LabelledSample[],
  options: TrainAndStoreOptions & { outcomesSeen?: number } = {},
): Promise<TrainOutcome> {
  const chosen = options.sources?.length
    ? samples.filter((s) => options.sources!.includes(s.source))
    : samples;
  const result = trainWinModel(chosen, options.train);
  if (!result.ok) return { result, saved: null };
  const saved = await createMlModelsRepository(db).save({
    kind: result.model.kind,
    usable: result.report.usable,
    samples: result.report.samples,
    outcomesSeen: options.outcomesSeen ?? 0,
    sources: Object.keys(result.report.sources),
    metrics: result.report,
    model: result.model,
    note: options.note ?? null,
  });
  return { result, saved };
}

/** The closed signals in the store as training samples, oldest first. */
export async function samplesFromStore(
  db: Db,
  sources?: readonly OutcomeSource[],
): Promise<{ samples: LabelledSample[]; outcomes: number }> {
  const rows = await createMlModelsRepository(db).labelledSignals({ sources });
  const samples = rows.map(sampleFromRecord).filter((s): s is LabelledSample => s !== null);
  return { samples, outcomes: rows.length };
}

/** `neurotrade ml train` without --from-backtest: learn from the store's closed signals. */
export async function trainFromStore(
  store: HasDb,
  options: TrainAndStoreOptions = {},
): Promise<TrainOutcome> {
  const { samples, outcomes } = await samplesFromStore(store.db, options.sources);
  return trainAndStore(store.db, samples, {
    ...options,
    outcomesSeen: outcomes,
    note: options.note ?? 'store',
  });
}

/** (features) -> calibrated p(win), or null; with the loaded version and the proposal seam. */
export interface WinProbability {
  (features: FeatureVector): number | null;
  /** The loaded model's version; null = none (too few outcomes, none usable yet). */
  readonly version: number | null;
  readonly model: WinModelSpec | null;
  /** Fits proposeSignal's `deps.winProbability`: null when the model cannot say. */
  forProposal(context: AnalystContext, proposal: Proposal, evidence?: ProposalEvidence | null): number | null;
  /** Load the newest usable model again (after a retrain); resolves to its version. */
  reload(): Promise<number | null>;
}

export interface WinProbabilityOptions {
  logger?: Logger | undefined;
}

/** Load the newest usable model from the store and serve it. */
export async function createWinProbability(
  store: HasDb,
  options: WinProbabilityOptions = {},
): Promise<WinProbability> {
  const repo = createMlModelsRepository(store.db);
  let current: { version: number; spec: WinModelSpec } | null = null;

  async function reload(): Promise<number | null> {
    try {
      const row = await repo.latest({ usableOnly: true });
      current = row ? { version: row.version, spec: parseModelSpec(row.model) } : null;
    } catch (err) {
      options.logger?.error({ err }, 'win-probability model could not be loaded: running without it');
      current = null;
    }
    return current?.version ?? null;
  }

  const predict = (features: FeatureVector): number | null => {
    if (!current) return null;
    try {
      return predictWin(current.spec, features);
    } catch (err) {
      options.logger?.warn({ err, version: current.version }, 'win-probability model failed: no opinion');
      return null;
    }
  };

  await reload();
  return Object.defineProperties(predict, {
    version: { get: () => current?.version ?? null, enumerable: true },
    model: { get: () => current?.spec ?? null, enumerable: true },
    forProposal: {
      value: (context: AnalystContext, proposal: Proposal, evidence?: ProposalEvidence | null) => {
        // Without the screen result most features are unknown: say nothing rather than guess.
        if (!current || !evidence?.screen) return null;
        const features = featuresFromProposal(context, proposal, evidence);
        return features ? predict(features) : null;
      },
    },
    reload: { value: reload },
  }) as WinProbability;
}

export interface RetrainHookOptions extends TrainAndStoreOptions {
  store: Pick<Store, 'db' | 'tryWithLock'>;
  /** Retrain once this many outcomes have closed since the last trained model; default 50. */
  minNewOutcomes?: number;
  logger?: Logger | undefined;
  /** Called with the new version when a usable model was stored (e.g. WinProbability.reload). */
  onModel?: ((saved: StoredMlModel) => Promise<unknown> | unknown) | undefined;
}

export type RetrainCheck =
  | { retrained: false; reason: string; newOutcomes: number }
  | { retrained: true; outcome: TrainOutcome; newOutcomes: number };

/**
 * The scheduled retrain: the trading service calls maybeRetrain() after recording outcomes or on
 * a timer. It trains only when `minNewOutcomes` closed since the last stored model, and only one
 * process at a time does (a database lock).
 */
export function createRetrainHook(options: RetrainHookOptions) {
  const { store, minNewOutcomes = 50 } = options;
  const repo = createMlModelsRepository(store.db);

  async function newOutcomes(): Promise<{ total: number; fresh: number }> {
    const total = await repo.countLabelled({ sources: options.sources });
    const last = await repo.latest();
    return { total, fresh: total - (last?.outcomesSeen ?? 0) };
  }

  async function maybeRetrain(): Promise<RetrainCheck> {
    const locked = await store.tryWithLock('neurotrade:ml-retrain', async (): Promise<RetrainCheck> => {
      const { total, fresh } = await newOutcomes();
      if (fresh < minNewOutcomes) {
        return {
          retrained: false,
          reason: `${fresh} new outcomes since the last model, need ${minNewOutcomes}`,
          newOutcomes: fresh,
        };
      }
      const minSamples = options.train?.minSamples ?? TRAIN_DEFAULTS.minSamples;
      if (total < minSamples) {
        return {
          retrained: false,
          reason: `${total} closed signals, need ${minSamples} to train`,
          newOutcomes: fresh,
        };
      }
      const outcome = await trainFromStore(store, { ...options, note: options.note ?? 'scheduled retrain' });
      if (!outcome.result.ok) {
        options.logger?.info({ reason: outcome.result.reason }, 'win-probability retrain skipped');
        return { retrained: false, reason: outcome.result.reason, newOutcomes: fresh };
      }
      options.logger?.info(
        {
          version: outcome.saved?.version,
          usable: outcome.result.report.usable,
          auc: outcome.result.report.auc,
        },
        'win-probability model retrained',
      );
      if (outcome.saved?.usable) await options.onModel?.(outcome.saved);
      return { retrained: true, outcome, newOutcomes: fresh };
    });
    return locked.acquired
      ? locked.value
      : { retrained: false, reason: 'another process is retraining', newOutcomes: 0 };
  }

  return { maybeRetrain, newOutcomes };
}

export type RetrainHook = ReturnType<typeof createRetrainHook>;
