import type { AdjacentSwap } from '../../ltr/learning/logged-search.ts';
import type { Random } from '../../ltr/random.ts';

export interface SwapOptions {
  /** Probability that the page chooses a pair. */
  share: number;
  /** The pair lies within the first `depth` positions (and within the page). */
  depth: number;
}

/**
 * FairPairs (Radlinski & Joachims, AAAI 2006) on a first page of `k`: with probability `share`,
 * choose k uniformly in 1..n−1 (n = min(depth, k, hits)) and swap positions k, k+1 with
 * probability 1/2. Over the searches that chose a pair both of its slots see the same mixture of
 * relevance, so the ratio of clicks at the lower to the upper slot estimates θ_{k+1}/θ_k. Returns
 * a new order (the given one when nothing was chosen) and what was chosen.
 */
export function adjacentSwap<T>(ranked: readonly T[], k: number, options: SwapOptions, random: Random): { ranked: readonly T[]; swap?: AdjacentSwap } {
  const n = Math.min(options.depth, k, ranked.length);
  if (n < 2 || !(options.share > 0) || !random.chance(options.share)) return { ranked };
  const rank = random.int(1, n - 1);
  const swapped = random.chance(0.5);
  if (!swapped) return { ranked, swap: { rank, swapped } };
  const out = ranked.slice();
  [out[rank - 1], out[rank]] = [out[rank]!, out[rank - 1]!];
  return { ranked: out, swap: { rank, swapped } };
}
