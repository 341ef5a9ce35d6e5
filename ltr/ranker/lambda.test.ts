import { describe, expect, it } from 'vitest';
import { GroupRanking, groupIndex, meanNdcg } from './lambda.ts';

describe('NDCG', () => {
  it('matches a hand-computed case and leaves out groups with nothing relevant', () => {
    // Ranked: row 1 (label 0), row 2 (label 1), row 0 (label 3). Gains 2^l − 1.
    const index = groupIndex([Float32Array.of(3, 0, 1), Float32Array.of(0, 0)]);
    const dcg = 0 + 1 / Math.log2(3) + 7 / Math.log2(4);
    const ideal = 7 + 1 / Math.log2(3);
    expect(meanNdcg(Float32Array.of(0.1, 0.9, 0.5, 1, 2), index, 10)).toBeCloseTo(dcg / ideal, 12);
    expect(meanNdcg(Float32Array.of(0.1, 0.9, 0.5, 1, 2), index, 1)).toBe(0);
    expect(meanNdcg(Float32Array.of(0.9, 0.1, 0.5, 1, 2), index, 10)).toBe(1);
  });

  it('keeps the same order as a full sort when re-sorting by insertion, ties by row', () => {
    const n = 300;
    const index = groupIndex([new Float32Array(n)]);
    const ranking = new GroupRanking(index);
    const scores = new Float64Array(n);
    for (let step = 0; step < 20; step++) {
      // Small moves (the usual case) and, every fifth step, a reshuffle (the fallback), with ties.
      for (let i = 0; i < n; i++) scores[i] = step % 5 === 4 ? Math.floor(Math.sin(i * 7.1 + step) * 20) : scores[i]! + Math.round(Math.cos(i * 3.3 + step) * 4) / 4;
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      expect(Array.from(ranking.sortGroup(scores, 0))).toEqual(expected);
    }
  });
});

describe('lambda gradients', () => {
  it('push a relevant row below an irrelevant one up, by ΔNDCG of the swap', () => {
    const index = groupIndex([Float32Array.of(0, 1)]);
    const lambdas = new Float64Array(2);
    const hessians = new Float64Array(2);
    new GroupRanking(index).computeLambdas(new Float64Array(2), Int32Array.of(0), { truncation: 30, sigma: 1, normalize: false }, lambdas, hessians);
    // Equal scores: ρ = ½; ΔNDCG = (1 − 0)·(1/log2 2 − 1/log2 3) / 1.
    const delta = 1 - 1 / Math.log2(3);
    expect(lambdas[1]).toBeCloseTo(0.5 * delta, 12);
    expect(lambdas[0]).toBeCloseTo(-0.5 * delta, 12);
    expect(hessians[0]).toBeCloseTo(0.25 * delta, 12);
    expect(hessians[1]).toBeCloseTo(0.25 * delta, 12);
  });

  it('a weight scales the pairs whose better document it belongs to (IPS: 1/θ of the click), and only those', () => {
    // Rows: a click (label 1, weight 4), a non-click (weight 7, never the better one), a second click (weight 1).
    const index = groupIndex([Float32Array.of(1, 0, 1)], [Float32Array.of(4, 7, 1)]);
    const plain = groupIndex([Float32Array.of(1, 0, 1)]);
    const options = { truncation: 30, sigma: 1, normalize: false };
    const scores = new Float64Array(3);
    const [weighted, unweighted] = [index, plain].map((ix): Float64Array => {
      const lambdas = new Float64Array(3);
      new GroupRanking(ix).computeLambdas(scores, Int32Array.of(0), options, lambdas, new Float64Array(3));
      return lambdas;
    }) as [Float64Array, Float64Array];
    // Equal scores keep rows in order (0, 1, 2); ρ = ½ for both pairs (0 over 1, 2 over 1), ΔNDCG by hand.
    const ideal = 1 + 1 / Math.log2(3);
    const d01 = (1 - 1 / Math.log2(3)) / ideal;
    const d21 = (1 / Math.log2(3) - 1 / Math.log2(4)) / ideal;
    expect(unweighted[0]).toBeCloseTo(0.5 * d01, 12);
    expect(weighted[0]).toBeCloseTo(4 * 0.5 * d01, 12);
    expect(weighted[2]).toBeCloseTo(0.5 * d21, 12);
    expect(weighted[1]).toBeCloseTo(-(4 * 0.5 * d01 + 0.5 * d21), 12);
  });

  it('shrink as the pair gets ordered correctly, and vanish for a group with nothing relevant', () => {
    const index = groupIndex([Float32Array.of(0, 1), Float32Array.of(0, 0)]);
    const lambdas = new Float64Array(4).fill(9);
    const hessians = new Float64Array(4).fill(9);
    const options = { truncation: 30, sigma: 1, normalize: true };
    const ranking = new GroupRanking(index);
    ranking.computeLambdas(Float64Array.of(0, 3, 1, 2), Int32Array.of(0, 1), options, lambdas, hessians);
    const ordered = lambdas[1]!;
    ranking.computeLambdas(Float64Array.of(3, 0, 1, 2), Int32Array.of(0, 1), options, lambdas, hessians);
    expect(lambdas[1]!).toBeGreaterThan(5 * ordered);
    expect(ordered).toBeGreaterThan(0);
    expect(Array.from(lambdas.subarray(2))).toEqual([0, 0]);
    expect(Array.from(hessians.subarray(2))).toEqual([0, 0]);
  });
});

describe('NDCG with row weights (the IPS estimate from clicks)', () => {
  it('weighs each gain by its row’s weight, normalized by the weighted ideal order', () => {
    const index = groupIndex([Float32Array.of(1, 1)], [Float32Array.of(1, 3)]);
    const d2 = 1 / Math.log2(3);
    expect(meanNdcg(Float64Array.of(0, 1), index, 10)).toBeCloseTo(1, 12);
    expect(meanNdcg(Float64Array.of(1, 0), index, 10)).toBeCloseTo((1 + 3 * d2) / (3 + d2), 12);
    // Without weights both orders are ideal.
    expect(meanNdcg(Float64Array.of(1, 0), groupIndex([Float32Array.of(1, 1)]), 10)).toBe(1);
  });
});
