import { describe, expect, it } from 'vitest';
import { binMatrix, binOf, quantileCuts } from './binning.ts';

describe('binning', () => {
  it('gives each distinct value its own bin when there are few', () => {
    const cuts = quantileCuts(Float32Array.of(3, 1, 2, 2, Number.NaN, 1), 255);
    expect(Array.from(cuts)).toEqual([1, 2]);
    expect([Number.NaN, 0, 1, 1.5, 2, 3, 9].map((x) => binOf(cuts, x))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });

  it('cuts many values into at most bins−1 value bins, and bin ≤ t ⇔ x ≤ cuts[t−1]', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => Math.fround(Math.sin(i) * 1000));
    const cuts = quantileCuts(values, 64);
    expect(cuts.length).toBeLessThanOrEqual(62);
    expect(cuts.length).toBeGreaterThan(50);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]!).toBeGreaterThan(cuts[i - 1]!);
    let disagreements = 0;
    for (const x of values.subarray(0, 500)) {
      const bin = binOf(cuts, x);
      for (let t = 1; t <= cuts.length; t++) if (bin <= t !== x <= cuts[t - 1]!) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('bins a row-major matrix feature by feature, with NaN in bin 0', () => {
    const binned = binMatrix(Float32Array.of(0.5, 10, Number.NaN, 20, 0.1, 10), 3, 2, 16);
    expect(Array.from(binned.bins)).toEqual([2, 1, 0, 2, 1, 1]);
    expect(Array.from(binned.binCounts)).toEqual([3, 3]);
    expect(() => binMatrix(new Float32Array(4), 2, 2, 256)).toThrow('lambdamart: bins must be an integer in [3, 255], got 256');
  });
});
