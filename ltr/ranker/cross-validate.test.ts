import { describe, expect, it } from 'vitest';
import { trainCrossValidated } from './cross-validate.ts';
import { syntheticFeatureset, syntheticGroups } from './synthetic.ts';

describe('tree count by cross-validation', () => {
  it('keeps the peak of the fold-averaged curve, each fold held out once, and refits on every group', async () => {
    const featureset = syntheticFeatureset(6);
    const groups = syntheticGroups({ groups: 120, rowsPerGroup: 20, nFeatures: 6, seed: 3 });
    const seen: number[] = [];
    const result = await trainCrossValidated(featureset, groups, { trees: 40, learningRate: 0.2, minDocsPerLeaf: 5, folds: 4, patience: 10, onFold: (fold) => seen.push(fold) });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(result.folds).toHaveLength(4);
    expect(result.trees).toBeGreaterThanOrEqual(1);
    expect(result.trees).toBeLessThanOrEqual(40);
    expect(result.model.trees).toHaveLength(result.trees);
    // Refitted on all 120 groups, not on a fold's 90.
    expect(result.model.metrics.trainGroups).toBe(120);
    // The synthetic relevance is learnable: the held-out folds agree it is well above a random order.
    expect(result.cvNdcg).toBeGreaterThan(0.6);
    for (const fold of result.folds) expect(fold.ndcg).toBeGreaterThan(0.5);
  });

  it('refuses fewer groups than two per fold', async () => {
    await expect(trainCrossValidated(syntheticFeatureset(3), syntheticGroups({ groups: 5, rowsPerGroup: 5, nFeatures: 3, seed: 1 }), { folds: 5 })).rejects.toThrow(/too few for 5 folds/);
  });
});
