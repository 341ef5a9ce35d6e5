import { beforeAll, describe, expect, it } from 'vitest';
import { groupIndex, meanNdcg } from './lambda.ts';
import { trainLambdaMart, type LambdaMartProgress, type RankingGroup } from './lambdamart.ts';
import type { RankerModel } from './model.ts';
import { syntheticFeatureset, syntheticGroups, type SyntheticGroup } from './synthetic.ts';

const nF = 6;
const featureset = syntheticFeatureset(nF);
const shape = { rowsPerGroup: 40, nFeatures: nF };

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** NDCG@10 of ranking each group by `score`. */
function ndcg10(groups: readonly SyntheticGroup[], score: (g: SyntheticGroup) => Float32Array): number {
  return meanNdcg(concat(groups.map(score)), groupIndex(groups.map((g) => g.labels)), 10);
}

/** The best NDCG@10 of ranking by one feature, either way up (NaN last). */
function bestSingleFeature(groups: readonly SyntheticGroup[]): number {
  let best = 0;
  for (let f = 0; f < nF; f++) {
    for (const sign of [1, -1]) {
      const value = ndcg10(groups, (g) => Float32Array.from({ length: g.rows }, (_, r) => sign * g.features[r * nF + f]! || -Infinity));
      best = Math.max(best, value);
    }
  }
  return best;
}

describe('lambdamart on a non-linear synthetic problem', () => {
  const train = syntheticGroups({ ...shape, groups: 200, seed: 11 });
  const valid = syntheticGroups({ ...shape, groups: 60, seed: 12 });
  const test = syntheticGroups({ ...shape, groups: 150, seed: 13 });
  let model: RankerModel;
  const progress: LambdaMartProgress[] = [];

  beforeAll(async () => {
    model = await trainLambdaMart(featureset, train, { trees: 60, valid, seed: 1, earlyStoppingRounds: 20, onProgress: (p) => progress.push(p) });
  });

  it('ranks held-out groups close to the oracle and far above any single feature', () => {
    const learned = ndcg10(test, (g) => model.score(g.features, g.rows));
    const oracle = ndcg10(test, (g) => g.oracle);
    const single = bestSingleFeature(test);
    // Relevance is an interaction of features 0 and 1, so one feature alone gets about half of it.
    expect(oracle).toBeGreaterThan(0.9);
    expect(single).toBeLessThan(0.65);
    expect(learned).toBeGreaterThan(oracle - 0.03);
    expect(learned).toBeGreaterThan(single + 0.25);
    const importance = model.importance();
    expect(importance.signal_0! + importance.signal_1!).toBeGreaterThan(0.95);
  });

  it('reports progress per tree and keeps the trees up to the best validation NDCG', () => {
    expect(progress[0]!.tree).toBe(1);
    expect(progress.at(-1)!.tree).toBe(model.metrics.treesGrown);
    const best = Math.max(...progress.map((p) => p.validNdcg));
    expect(model.metrics['valid_ndcg@10']).toBe(best);
    expect(progress[model.metrics.trees! - 1]!.validNdcg).toBe(best);
    expect(progress.at(-1)!.trainNdcg).toBeGreaterThan(progress[0]!.trainNdcg - 1e-9);
    // The stored model's validation NDCG is what its own scores give.
    expect(ndcg10(valid, (g) => model.score(g.features, g.rows))).toBeCloseTo(best, 5);
  });
});

describe('lambdamart determinism', () => {
  const train = syntheticGroups({ ...shape, groups: 80, seed: 21 });
  const options = { trees: 15, subsample: 0.7, featureFraction: 0.6, earlyStoppingRounds: 0 };

  it('gives the same trees for the same seed and different ones for another seed', async () => {
    const a = await trainLambdaMart(featureset, train, { ...options, seed: 5 });
    const b = await trainLambdaMart(featureset, train, { ...options, seed: 5 });
    const c = await trainLambdaMart(featureset, train, { ...options, seed: 6 });
    expect(JSON.stringify(a.trees)).toBe(JSON.stringify(b.trees));
    expect(JSON.stringify(a.trees)).not.toBe(JSON.stringify(c.trees));
    const g = train[0]!;
    expect(Array.from(a.score(g.features, g.rows))).toEqual(Array.from(b.score(g.features, g.rows)));
  });
});

describe('lambdamart with missing values (NaN)', () => {
  it('learns from rows whose signal features are sometimes missing', async () => {
    const train = syntheticGroups({ ...shape, groups: 200, seed: 31, missing: 0.15 });
    const test = syntheticGroups({ ...shape, groups: 100, seed: 32, missing: 0.15 });
    const model = await trainLambdaMart(featureset, train, { trees: 40, seed: 1 });
    const scores = test.map((g) => model.score(g.features, g.rows));
    expect(scores.every((s) => s.every(Number.isFinite))).toBe(true);
    expect(ndcg10(test, (g) => model.score(g.features, g.rows))).toBeGreaterThan(bestSingleFeature(test) + 0.15);
  });

  it('learns where missing values go when missingness itself is the signal', async () => {
    // Relevant exactly when feature 0 is missing; its present values are noise spread over the
    // whole range, so only the missing rows' own direction separates them.
    const make = (groups: number, seed: number): SyntheticGroup[] =>
      syntheticGroups({ ...shape, groups, seed, labelNoise: 0 }).map((g) => {
        const labels = new Float32Array(g.rows);
        for (let r = 0; r < g.rows; r++) {
          if (r % 7 === 3) {
            g.features[r * nF] = Number.NaN;
            labels[r] = 2;
          }
        }
        return { ...g, labels, oracle: labels };
      });
    const model = await trainLambdaMart(featureset, make(100, 41), { trees: 10, seed: 1 });
    expect(ndcg10(make(50, 42), (g) => model.score(g.features, g.rows))).toBeGreaterThan(0.99);
  });
});

describe('lambdamart input checks', () => {
  const good = syntheticGroups({ ...shape, groups: 3, seed: 51 });

  it('rejects a feature count that does not match the featureset', async () => {
    const bad: RankingGroup[] = [good[0]!, { features: new Float32Array(40 * 5), labels: new Float32Array(40), rows: 40 }];
    await expect(trainLambdaMart(featureset, bad)).rejects.toThrow('lambdamart: training group 1 has 200 feature values for 40 rows; the featureset has 6 features (expected 240)');
  });

  it('rejects no groups, empty groups, mismatched labels and bad labels', async () => {
    await expect(trainLambdaMart(featureset, [])).rejects.toThrow('lambdamart: no training groups');
    await expect(trainLambdaMart(featureset, [{ features: new Float32Array(0), labels: new Float32Array(0), rows: 0 }])).rejects.toThrow('lambdamart: training group 0 is empty (rows = 0)');
    await expect(trainLambdaMart(featureset, [{ ...good[0]!, labels: new Float32Array(39) }])).rejects.toThrow('lambdamart: training group 0 has 39 labels for 40 rows');
    await expect(trainLambdaMart(featureset, [{ ...good[0]!, labels: new Float32Array(40).fill(-1) }])).rejects.toThrow('lambdamart: training group 0 has label -1');
    await expect(trainLambdaMart(featureset, good, { valid: [{ ...good[0]!, rows: 0 }] })).rejects.toThrow('lambdamart: validation group 0 is empty');
  });

  it('rejects bad options', async () => {
    await expect(trainLambdaMart(featureset, good, { bins: 300 })).rejects.toThrow('lambdamart: bins must be an integer in [3, 255], got 300');
    await expect(trainLambdaMart(featureset, good, { trees: 0 })).rejects.toThrow('lambdamart: trees must be a positive integer, got 0');
    await expect(trainLambdaMart(featureset, good, { subsample: 1.5 })).rejects.toThrow('lambdamart: subsample must be in (0, 1]');
  });
});
