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
  /**
   * Per row, the weight of the pairs in which it is the better document (inverse propensity
   * weighting, Joachims, Swaminathan, Schnabel, WSDM 2017: λ_ij becomes λ_ij / θ_{k_i} for a
   * clicked i logged at rank k_i); null: every pair weighs 1.
   */
  weights: Float64Array | null;
}

export interface LambdaOptions {
  truncation: number;
  sigma: number;
  normalize: boolean;
}

export function groupIndex(labelsPerGroup: readonly Float32Array[], weightsPerGroup?: ReadonlyArray<Float32Array | undefined>): GroupIndex {
  const offsets = new Int32Array(labelsPerGroup.length + 1);
  labelsPerGroup.forEach((labels, g) => (offsets[g + 1] = offsets[g]! + labels.length));
  const gains = new Float64Array(offsets[labelsPerGroup.length]!);
  labelsPerGroup.forEach((labels, g) => {
    for (let i = 0; i < labels.length; i++) gains[offsets[g]! + i] = 2 ** labels[i]! - 1;
  });
  const weighted = weightsPerGroup?.some((w) => w !== undefined) ?? false;
  const weights = weighted ? new Float64Array(gains.length).fill(1) : null;
  if (weights) weightsPerGroup!.forEach((w, g) => w && weights.set(w, offsets[g]!));
  return { offsets, gains, weights };
}

/**
 * ρ(x) = 1/(1 + e^x) from a table, as LightGBM does: Math.exp per pair dominated the gradient step.
 * 2^16 bins over [−25, 25] (steps of 0.00076 in x, so ρ is off by at most 0.0002; beyond ±25, ρ is
 * within 1.4e−11 of 0 or 1). 512 KB, so lookups stay in cache, unlike LightGBM's 2^20 bins.
 */
const SIGMOID_BINS = 1 << 16;
const SIGMOID_RANGE = 25;
const SIGMOID_SCALE = SIGMOID_BINS / (2 * SIGMOID_RANGE);
let sigmoidTable: Float64Array | null = null;
function sigmoid(): Float64Array {
  sigmoidTable ??= Float64Array.from({ length: SIGMOID_BINS + 1 }, (_, i) => 1 / (1 + Math.exp(i / SIGMOID_SCALE - SIGMOID_RANGE)));
  return sigmoidTable;
}

function discounts(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, rank) => 1 / Math.log2(2 + rank));
}

export function maxGroupSize(index: GroupIndex): number {
  let max = 0;
  for (let g = 0; g + 1 < index.offsets.length; g++) max = Math.max(max, index.offsets[g + 1]! - index.offsets[g]!);
  return max;
}

/**
 * Each group's rows ordered by score, best first, ties by row (so results are deterministic). The
 * order is kept between calls and re-sorted by insertion: boosting moves scores a little per tree,
 * so the previous order is nearly sorted and re-sorting costs about O(n) instead of O(n log n).
 */
export class GroupRanking {
  readonly index: GroupIndex;
  readonly order: Int32Array;
  readonly discount: Float64Array;
  readonly #ideal = new Map<number, Float64Array>();
  /**
   * Gains as evaluation counts them: with weights, each row's gain times its weight — with inverse
   * propensities, the IPS estimate of DCG from clicks (Joachims, Swaminathan, Schnabel, WSDM 2017),
   * normalized by the same estimate of the ideal order — else the plain gains.
   */
  readonly #evalGains: Float64Array;
  readonly #evalIdeal = new Map<number, Float64Array>();
  // One group's values in rank order (scratch for computeLambdas).
  readonly #gain: Float64Array;
  readonly #weight: Float64Array;
  readonly #score: Float64Array;
  readonly #lambda: Float64Array;
  readonly #hessian: Float64Array;

  constructor(index: GroupIndex) {
    this.index = index;
    this.order = Int32Array.from({ length: index.gains.length }, (_, i) => i);
    const n = maxGroupSize(index);
    this.discount = discounts(n);
    const weights = index.weights;
    this.#evalGains = weights ? index.gains.map((gain, row) => gain * weights[row]!) : index.gains;
    this.#gain = new Float64Array(n);
    this.#weight = new Float64Array(n).fill(1);
    this.#score = new Float64Array(n);
    this.#lambda = new Float64Array(n);
    this.#hessian = new Float64Array(n);
  }

  /** Re-sorts one group by `scores` and returns its slice of `order`. */
  sortGroup(scores: Float64Array, g: number): Int32Array {
    const begin = this.index.offsets[g]!;
    const end = this.index.offsets[g + 1]!;
    const order = this.order;
    const budget = 16 * (end - begin);
    let moves = 0;
    for (let i = begin + 1; i < end; i++) {
      const row = order[i]!;
      const s = scores[row]!;
      let j = i - 1;
      while (j >= begin && (scores[order[j]!]! < s || (scores[order[j]!]! === s && order[j]! > row))) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = row;
      moves += i - 1 - j;
      if (moves > budget) {
        // Far from sorted (early trees): a full sort is cheaper than finishing by insertion.
        order.subarray(begin, end).sort((a, b) => scores[b]! - scores[a]! || a - b);
        break;
      }
    }
    return order.subarray(begin, end);
  }

  /** Ideal DCG@k of every group (cached per k), of the plain gains or (`evaluation`) the weighted ones. */
  idealDcg(k: number, evaluation = false): Float64Array {
    const cache = evaluation ? this.#evalIdeal : this.#ideal;
    let ideal = cache.get(k);
    if (ideal) return ideal;
    const { offsets } = this.index;
    const gains = evaluation ? this.#evalGains : this.index.gains;
    ideal = new Float64Array(offsets.length - 1);
    for (let g = 0; g < ideal.length; g++) {
      const sorted = Array.from(gains.subarray(offsets[g]!, offsets[g + 1]!)).sort((a, b) => b - a);
      let dcg = 0;
      for (let i = 0; i < Math.min(k, sorted.length); i++) dcg += sorted[i]! * this.discount[i]!;
      ideal[g] = dcg;
    }
    cache.set(k, ideal);
    return ideal;
  }

  /**
   * Mean NDCG@k over groups. Groups without any relevant row (ideal DCG 0) are left out: every
   * ranking of them is as good, and counting them as 1 (or 0) only moves the mean toward a constant.
   * With row weights, the gains are weighted (see `#evalGains`).
   */
  meanNdcg(scores: Float64Array, k: number): number {
    const ideal = this.idealDcg(k, true);
    const gains = this.#evalGains;
    let total = 0;
    let counted = 0;
    for (let g = 0; g < ideal.length; g++) {
      if (ideal[g] === 0) continue;
      const ranked = this.sortGroup(scores, g);
      let dcg = 0;
      for (let i = 0; i < Math.min(k, ranked.length); i++) dcg += gains[ranked[i]!]! * this.discount[i]!;
      total += dcg / ideal[g]!;
      counted++;
    }
    return counted === 0 ? 0 : total / counted;
  }

  /**
   * Fills `lambdas` (the direction each row's score should move: up for rows that should rank
   * higher) and `hessians` (their second derivatives) for the groups in `groups` from the current
   * scores. Other groups keep their values (bagging by query).
   */
  computeLambdas(scores: Float64Array, groups: Int32Array, options: LambdaOptions, lambdas: Float64Array, hessians: Float64Array): void {
    const { truncation, sigma, normalize } = options;
    const { gains, offsets, weights } = this.index;
    const discount = this.discount;
    const ideal = this.idealDcg(truncation);
    const table = sigmoid();
    for (const g of groups) {
      const begin = offsets[g]!;
      const end = offsets[g + 1]!;
      // Nothing relevant: every order is as good.
      if (ideal[g] === 0) {
        lambdas.fill(0, begin, end);
        hessians.fill(0, begin, end);
        continue;
      }
      const inverseIdeal = 1 / ideal[g]!;
      const ranked = this.sortGroup(scores, g);
      const n = ranked.length;
      // Gather in rank order so the pair loop reads and writes memory sequentially.
      const gain = this.#gain;
      const weight = this.#weight;
      const score = this.#score;
      const lambda = this.#lambda;
      const hessian = this.#hessian;
      for (let i = 0; i < n; i++) {
        gain[i] = gains[ranked[i]!]!;
        score[i] = scores[ranked[i]!]!;
        if (weights) weight[i] = weights[ranked[i]!]!;
      }
      lambda.fill(0, 0, n);
      hessian.fill(0, 0, n);
      let sumLambda = 0;
      for (let i = 0; i < Math.min(truncation, n); i++) {
        const gainI = gain[i]!;
        const scoreI = score[i]!;
        const discountI = discount[i]!;
        const weightI = weight[i]!;
        let lambdaI = 0;
        let hessianI = 0;
        for (let j = i + 1; j < n; j++) {
          const gainJ = gain[j]!;
          if (gainI === gainJ) continue;
          // sign = +1 when i should rank above j: the pair pushes i up and j down, else the reverse.
          const sign = gainI > gainJ ? 1 : -1;
          // The better document's weight (1 without weights) scales the pair: IPS when it is 1/θ of a click.
          const deltaNdcg = Math.abs((gainI - gainJ) * (discountI - discount[j]!)) * inverseIdeal * (sign > 0 ? weightI : weight[j]!);
          const x = sigma * sign * (scoreI - score[j]!);
          const rho = x <= -SIGMOID_RANGE ? 1 : x >= SIGMOID_RANGE ? 0 : table[((x + SIGMOID_RANGE) * SIGMOID_SCALE) | 0]!;
          const l = sigma * rho * deltaNdcg;
          const h = sigma * sigma * rho * (1 - rho) * deltaNdcg;
          lambdaI += sign * l;
          hessianI += h;
          lambda[j]! -= sign * l;
          hessian[j]! += h;
          sumLambda += 2 * l;
        }
        lambda[i]! += lambdaI;
        hessian[i]! += hessianI;
      }
      for (let i = 0; i < n; i++) {
        lambdas[ranked[i]!] = lambda[i]!;
        hessians[ranked[i]!] = hessian[i]!;
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
}

/** Mean NDCG@k of `scores` over the groups of `index` (see `GroupRanking.meanNdcg`). */
export function meanNdcg(scores: Float64Array | Float32Array, index: GroupIndex, k: number): number {
  return new GroupRanking(index).meanNdcg(scores instanceof Float64Array ? scores : Float64Array.from(scores), k);
}
