import { describe, expect, it } from 'vitest';
import { trainLambdaMart } from './lambdamart.ts';
import { syntheticFeatureset, syntheticGroups } from './synthetic.ts';
import { warmUpRanker } from './warm-up.ts';

describe('warmUpRanker', () => {
  it('runs the model without changing what it scores', async () => {
    const groups = syntheticGroups({ groups: 30, rowsPerGroup: 40, nFeatures: 4, seed: 71 });
    const model = await trainLambdaMart(syntheticFeatureset(4), groups, { trees: 5 });
    const before = model.score(groups[0]!.features, 40);
    expect(warmUpRanker(model, { calls: 3 })).toBeGreaterThan(0);
    expect(model.score(groups[0]!.features, 40)).toEqual(before);
  });
});
