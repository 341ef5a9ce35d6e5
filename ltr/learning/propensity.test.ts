import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { estimatePropensities, ipsWeight, pairClicks } from './propensity.ts';

describe('propensities from randomized adjacent pairs', () => {
  it('recovers a position-based click model θ_k = 1/k from FairPairs searches (PropEst’s simulation)', () => {
    const random = new Random(11);
    const depth = 10;
    const theta = Array.from({ length: depth }, (_, k) => 1 / (k + 1));
    const searches = [];
    for (let s = 0; s < 200_000; s++) {
      // A ranker that puts relevant photos higher more often than not.
      const relevant = Array.from({ length: depth }, (_, k) => random.chance(0.6 - 0.04 * k));
      const rank = random.int(1, depth - 1);
      const swapped = random.chance(0.5);
      if (swapped) [relevant[rank - 1], relevant[rank]] = [relevant[rank]!, relevant[rank - 1]!];
      const clickedRanks = relevant.flatMap((r, k) => (random.chance(theta[k]! * (r ? 1 : 0.1)) ? [k + 1] : []));
      searches.push({ swap: { rank, swapped }, clickedRanks });
    }
    const estimate = estimatePropensities(pairClicks(searches, depth));
    expect(estimate.source).toBe('swaps');
    expect(estimate.theta).toHaveLength(depth);
    expect(estimate.theta[0]).toBe(1);
    // Errors compound down the product of ratios: within 15% of the truth at every rank.
    estimate.theta.forEach((t, k) => expect(Math.abs(t / theta[k]! - 1)).toBeLessThan(0.15));
  });

  it('counts clicks at the two slots of the chosen pair only, and without enough clicks corrects nothing', () => {
    const pairs = pairClicks(
      [
        { swap: { rank: 2, swapped: true }, clickedRanks: [1, 2, 3] },
        { swap: { rank: 2, swapped: false }, clickedRanks: [3, 5] },
        { swap: { rank: 1, swapped: false }, clickedRanks: [1] },
      ],
      4,
    );
    expect(pairs).toEqual([
      { rank: 1, searches: 1, upper: 1, lower: 0 },
      { rank: 2, searches: 2, upper: 1, lower: 2 },
      { rank: 3, searches: 0, upper: 0, lower: 0 },
    ]);
    expect(estimatePropensities(pairs).theta).toEqual([1, 1, 1, 1]);
    expect(estimatePropensities(pairs).source).toBe('none');
    // With the threshold lowered: θ2 = (0 + ½)/(1 + ½), θ3 = θ2 · (2 + ½)/(1 + ½), θ4 = θ3 · 1.
    const theta = estimatePropensities(pairs, { minClicks: 1 }).theta;
    expect(theta).toEqual([1, 1 / 3, 5 / 9, 5 / 9].map((t) => expect.closeTo(t, 12)));
  });

  it('weighs a click by 1/θ of its rank, clipped at 20, the last θ past the estimate', () => {
    const theta = [1, 0.5, 0.01];
    expect(ipsWeight(theta, 1)).toBe(1);
    expect(ipsWeight(theta, 2)).toBe(2);
    expect(ipsWeight(theta, 3)).toBe(20);
    expect(ipsWeight(theta, 40)).toBe(20);
  });
});
