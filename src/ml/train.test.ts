import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, fitIsotonic, fitPlatt } from './calibration.js';
import { type LabelledSample, timeOrderedSplit } from './dataset.js';
import { FEATURE_NAMES } from './features.js';
import { logit, sigmoid } from './logistic.js';
import { auc, brier } from './metrics.js';
import { predictWin } from './model.js';
import { syntheticSamples } from './synthetic.js';
import { trainWinModel } from './train.js';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('trainWinModel on a logistic ground truth', () => {
  const samples = syntheticSamples({ n: 8000, seed: 11 });
  const result = trainWinModel(samples);

  it('recovers the true probability on the held-out (newest) slice', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const test = samples.slice(-result.report.slices.test.count);
    const errors = test.map((s) =>
      Math.abs((predictWin(result.model, s.features) as number) - s.trueProbability),
    );
    expect(mean(errors)).toBeLessThan(0.04);
    // Discrimination close to the oracle's (which knows the true probabilities).
    const oracle = auc(
      test.map((s) => s.trueProbability),
      test.map((s) => s.win),
    )!;
    expect(result.report.auc!).toBeGreaterThan(oracle - 0.03);
    expect(result.report.brier).toBeLessThan(result.report.brierBaseline);
    expect(result.report.usable).toBe(true);
    // The calibration table agrees with itself: in each populated bin, observed is near predicted.
    for (const row of result.report.calibration.filter((r) => r.count >= 80)) {
      expect(Math.abs(row.observed - row.predicted)).toBeLessThan(0.12);
    }
  });

  it('reports the slices in time order, with the counts adding up', () => {
    if (!result.ok) throw new Error('expected a model');
    const { train, calibration, test, embargoed } = result.report.slices;
    expect(train.count + calibration.count + test.count + embargoed).toBe(samples.length);
    expect(train.to! < calibration.from!).toBe(true);
    expect(calibration.to! < test.from!).toBe(true);
    expect(result.report.sources).toEqual({ BACKTEST: 8000 });
  });

  it('treats missing vision features as unknown (indicator columns), not as zeros', () => {
    if (!result.ok) throw new Error('expected a model');
    expect(result.model.missingIndicators).toEqual(['vision_confidence', 'ai_agreement']);
    expect(result.model.columns).toContain('ai_agreement__missing');
    const base = samples.find((s) => s.features.ai_agreement === 1)!.features;
    const unknown = predictWin(result.model, { ...base, ai_agreement: null, vision_confidence: null })!;
    const zero = predictWin(result.model, { ...base, ai_agreement: 0 })!;
    expect(unknown).not.toBeCloseTo(zero, 6);
  });

  it('says nothing (null) when most of the features are unknown', () => {
    if (!result.ok) throw new Error('expected a model');
    const empty = Object.fromEntries(FEATURE_NAMES.map((n) => [n, null]));
    expect(predictWin(result.model, empty)).toBeNull();
  });

  it('is deterministic and does not depend on the order samples are given in', () => {
    const shuffled = [...samples].reverse();
    const again = trainWinModel(shuffled);
    if (!result.ok || !again.ok) throw new Error('expected models');
    expect(again.model).toEqual(result.model);
    expect(again.report).toEqual(result.report);
  });
});

describe('a model without skill', () => {
  it('is stored as not usable: labels independent of the features', () => {
    const noise = syntheticSamples({ n: 1500, seed: 5, truth: { intercept: 0.1, weights: {} } });
    const result = trainWinModel(noise);
    if (!result.ok) throw new Error('expected a model');
    expect(result.report.usable).toBe(false);
    expect(result.report.verdict).toMatch(/^not usable/);
  });
});

describe('the time-ordered split', () => {
  it('tests on the newest data: a relationship that reverses late shows up as failure, not success', () => {
    // The first 80% reward whale alignment, the newest 20% punish it. A random split would mix
    // the two regimes and report skill; the time-ordered one must show the model failing.
    const early = syntheticSamples({
      n: 2400,
      seed: 3,
      truth: { intercept: 0, weights: { whale_alignment: 3 } },
    });
    const late = syntheticSamples({
      n: 600,
      seed: 4,
      start: early.at(-1)!.time + 3_600_000 * 24,
      truth: { intercept: 0, weights: { whale_alignment: -3 } },
    }).map((s) => ({ ...s, id: `late-${s.id}` }));
    const result = trainWinModel([...late, ...early], { trainShare: 0.6, calibrationShare: 0.2 });
    if (!result.ok) throw new Error('expected a model');
    expect(result.report.slices.test.from).toBe(new Date(late[0]!.time).toISOString());
    expect(result.report.auc!).toBeLessThan(0.45);
    expect(result.report.usable).toBe(false);
  });

  it('never puts a later sample before an earlier slice, ties never straddle, the embargo holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 0, maxLength: 120 }),
        fc.integer({ min: 0, max: 30 }),
        (times, embargoMs) => {
          const samples = times.map((time, i) => ({ id: `x${i}`, time }));
          const split = timeOrderedSplit(samples, { trainShare: 0.6, calibrationShare: 0.2, embargoMs });
          const max = (xs: { time: number }[]) => Math.max(...xs.map((x) => x.time));
          const min = (xs: { time: number }[]) => Math.min(...xs.map((x) => x.time));
          if (split.train.length && split.calibration.length)
            expect(max(split.train) + embargoMs).toBeLessThanOrEqual(min(split.calibration));
          if (split.calibration.length && split.test.length)
            expect(max(split.calibration) + embargoMs).toBeLessThanOrEqual(min(split.test));
          if (split.train.length && split.test.length) expect(max(split.train)).toBeLessThan(min(split.test));
          expect(split.train.length + split.calibration.length + split.test.length + split.embargoed).toBe(
            samples.length,
          );
        },
      ),
    );
  });
});

describe('calibration recovers a known probability', () => {
  // Raw scores that are overconfident: true p = sigmoid(0.5 * logit(raw) + 0.3).
  const rnd = (() => {
    let s = 7;
    return () => {
      s = (s * 48271) % 2147483647;
      return s / 2147483647;
    };
  })();
  const raw = Array.from({ length: 20_000 }, () => sigmoid(4 * (rnd() - 0.5) * 2));
  const truth = raw.map((r) => sigmoid(0.5 * logit(r) + 0.3));
  const labels = truth.map((p) => (rnd() < p ? 1 : 0));

  it('Platt scaling finds the slope and offset', () => {
    const c = fitPlatt(raw, labels);
    if (c.kind !== 'platt') throw new Error('expected platt');
    expect(Math.abs(c.a - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(c.b - 0.3)).toBeLessThan(0.06);
    const err = mean(raw.map((r, i) => Math.abs(calibrate(c, r) - (truth[i] as number))));
    expect(err).toBeLessThan(0.02);
  });

  it('isotonic regression lands within tolerance and is monotone', () => {
    const c = fitIsotonic(raw, labels);
    const err = mean(raw.map((r, i) => Math.abs(calibrate(c, r) - (truth[i] as number))));
    expect(err).toBeLessThan(0.05);
    if (c.kind !== 'isotonic') throw new Error('expected isotonic');
    for (let i = 1; i < c.y.length; i++) expect(c.y[i]!).toBeGreaterThanOrEqual(c.y[i - 1]!);
  });

  it('calibrated probabilities score a better Brier than the raw overconfident ones', () => {
    const c = fitPlatt(raw, labels);
    expect(
      brier(
        raw.map((r) => calibrate(c, r)),
        labels,
      ),
    ).toBeLessThan(brier(raw, labels));
  });

  it('an isotonic model trains end to end', () => {
    const result = trainWinModel(syntheticSamples({ n: 3000, seed: 21 }), { calibration: 'isotonic' });
    if (!result.ok) throw new Error('expected a model');
    expect(result.model.calibrator.kind).toBe('isotonic');
    expect(result.report.usable).toBe(true);
  });
});

describe('too few outcomes', () => {
  const few = syntheticSamples({ n: 80, seed: 2 });

  it('says so with the counts, and trains nothing', () => {
    const result = trainWinModel(few);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('TOO_FEW_OUTCOMES');
    expect(result.samples).toBe(80);
    expect(result.wins + result.losses).toBe(80);
    expect(result.reason).toMatch(/not enough closed signals to train: 80 .* need at least 150/);
    expect(result.reason).toMatch(/runs without a model/);
  });

  it('refuses a slice with only one class', () => {
    const allWins: LabelledSample[] = syntheticSamples({ n: 400, seed: 9 }).map((s) => ({ ...s, win: 1 }));
    const result = trainWinModel(allWins);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/slice has \d+ wins and 0 losses/);
  });
});
