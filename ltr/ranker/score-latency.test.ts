import { describe, expect, it } from 'vitest';
import { RankerModel } from './model.ts';
import { measureScoreLatency } from './score-latency.ts';
import { syntheticFeatureset } from './synthetic.ts';
import type { Tree } from './tree-builder.ts';

// One stump on feature 0; the point here is the measurement, not the model.
const stump: Tree = { feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], defaultLeft: [1, 0, 0], value: [0, -1, 1], count: [2, 1, 1], gain: [1, 0, 0] };
const model = new RankerModel(syntheticFeatureset(3), [stump], {}, {});

describe('measureScoreLatency', () => {
  it('reports ordered percentiles for each candidate count', () => {
    const results = measureScoreLatency(model, { candidates: [10, 50], iterations: 50, warmup: 5 });
    expect(results.map((r) => r.candidates)).toEqual([10, 50]);
    for (const r of results) {
      expect(r.iterations).toBe(50);
      expect(r.p50Ms).toBeGreaterThan(0);
      expect(r.p50Ms).toBeLessThanOrEqual(r.p99Ms);
      expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
    }
  });

  it('rejects a pool that is not whole rows and bad counts', () => {
    expect(() => measureScoreLatency(model, { pool: new Float32Array(7) })).toThrow('score latency: a pool of 7 values is not whole rows of 3 features');
    expect(() => measureScoreLatency(model, { candidates: [0] })).toThrow('score latency: candidates must be positive integers, got 0');
  });
});
