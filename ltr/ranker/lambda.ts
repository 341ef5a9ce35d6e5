/**
 * Lambda gradients of NDCG (Burges, "From RankNet to LambdaRank to LambdaMART: An Overview", 2010),
 * with LightGBM's lambdarank details: only pairs whose better-placed document is in the current top
 * `truncation` (NDCG cares about the top of the list; it also keeps the cost O(truncation × n) per
 * query instead of O(n²)), ideal DCG taken at that same depth, and the per-query normalisation
 * log2(1 + Σλ)/Σλ that keeps long, confusing queries from dominating a tree.
 *
 * Gains are 2^label − 1 and discounts 1/log2(2 + rank), rank from 0.
 */

/** Rows of all groups laid end to end: group g is rows [offsets[g], offsets[g+1]). */
export interface GroupIndex {
  offsets: Int32Array;
  /** Per row, 2^label − 1. */
  gains: Float64Array;
}

export interface LambdaOptions {
  truncation: number;
  sigma: number;
  normalize: boolean;
}

export function groupIndex(labelsPerGroup: readonly Float32Array[]): GroupIndex {
  const offsets = new Int32Array(labelsPerGroup.length + 1);
  labelsPerGroup.forEach((labels, g) => (offsets[g + 1] = offsets[g]! + labels.length));
  const gains = new Float64Array(offsets[labelsPerGroup.length]!);
  labelsPerGroup.forEach((labels, g) => {
    for (let i = 0; i < labels.length; i++) gains[offsets[g]! + i] = 2 ** labels[i]! - 1;
  });
  return { offsets, gains };
}

const discountCache: number[] = [];
function discount(rank: number): number {
  for (let r = discountCache.length; r <= rank; r++) discountCache.push(1 / Math.log2(2 + r));
  return discountCache[rank]!;
}

/** Ideal DCG@k of one group's gains. */
export function idealDcg(gains: Float64Array, begin: number, end: number, k: number): number {
  const sorted = Array.from(gains.subarray(begin, end)).sort((a, b) => b - a);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, sorted.length); i++) dcg += sorted[i]! * discount(i);
  return dcg;
}

/** Row indices of a group ordered by score, best first; ties keep row order, so results are deterministic. */
function orderByScore(scores: Float64Array, begin: number, end: number, order: Int32Array): Int32Array {
  const n = end - begin;
  const view = order.subarray(0, n);
  for (let i = 0; i < n; i++) view[i] = begin + i;
  view.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return view;
}

/**
 * Mean NDCG@k over groups. Groups without any relevant row (ideal DCG 0) are left out: every ranking
 * of them is as good, and counting them as 1 (or 0) only moves the mean toward a constant.
 */
export function meanNdcg(scores: Float64Array | Float32Array, index: GroupIndex, k: number): number {
  const s = scores instanceof Float64Array ? scores : Float64Array.from(scores);
  const groups = index.offsets.length - 1;
  const order = new Int32Array(maxGroupSize(index));
  let total = 0;
  let counted = 0;
  for (let g = 0; g < groups; g++) {
    const begin = index.offsets[g]!;
    const end = index.offsets[g + 1]!;
    const ideal = idealDcg(index.gains, begin, end, k);
    if (ideal === 0) continue;
    const ranked = orderByScore(s, begin, end, order);
    let dcg = 0;
    for (let i = 0; i < Math.min(k, ranked.length); i++) dcg += index.gains[ranked[i]!]! * discount(i);
    total += dcg / ideal;
    counted++;
  }
  return counted === 0 ? 0 : total / counted;
}

export function maxGroupSize(index: GroupIndex): number {
  let max = 0;
  for (let g = 0; g + 1 < index.offsets.length; g++) max = Math.max(max, index.offsets[g + 1]! - index.offsets[g]!);
  return max;
}

/**
 * Fills `lambdas` (the direction each row's score should move: up for rows that should rank
 * higher) and `hessians` (their second derivatives) for the given groups from the current scores.
 * Only groups listed in `groups` are touched (bagging by query); the rest keep their values.
 */
export function computeLambdas(scores: Float64Array, index: GroupIndex, inverseIdeal: Float64Array, groups: Int32Array, options: LambdaOptions, lambdas: Float64Array, hessians: Float64Array): void {
  const { truncation, sigma, normalize } = options;
  const order = new Int32Array(maxGroupSize(index));
  const { gains } = index;
  for (const g of groups) {
    const begin = index.offsets[g]!;
    const end = index.offsets[g + 1]!;
    lambdas.fill(0, begin, end);
    hessians.fill(0, begin, end);
    const inv = inverseIdeal[g]!;
    if (inv === 0) continue; // nothing relevant: every order is as good
    const ranked = orderByScore(scores, begin, end, order);
    const n = ranked.length;
    let sumLambda = 0;
    for (let i = 0; i < Math.min(truncation, n); i++) {
      const a = ranked[i]!;
      for (let j = i + 1; j < n; j++) {
        const b = ranked[j]!;
        if (gains[a] === gains[b]) continue;
        const high = gains[a]! > gains[b]! ? a : b;
        const low = high === a ? b : a;
        const deltaNdcg = Math.abs((gains[high]! - gains[low]!) * (discount(i) - discount(j))) * inv;
        const rho = 1 / (1 + Math.exp(sigma * (scores[high]! - scores[low]!)));
        const lambda = sigma * rho * deltaNdcg;
        const hessian = sigma * sigma * rho * (1 - rho) * deltaNdcg;
        lambdas[high]! += lambda;
        lambdas[low]! -= lambda;
        hessians[high]! += hessian;
        hessians[low]! += hessian;
        sumLambda += 2 * lambda;
      }
    }
    if (normalize && sumLambda > 0) {
      const factor = Math.log2(1 + sumLambda) / sumLambda;
      for (let r = begin; r < end; r++) {
        lambdas[r]! *= factor;
        hessians[r]! *= factor;
      }
    }
  }
}
