/**
 * Second-order factorization machine arithmetic (Rendle 2010) on typed arrays:
 *   ŷ(x) = Σ_j w_j x_j + ½ Σ_f [(Σ_j v_jf x_j)² − Σ_j v_jf² x_j²]
 * in O(k·n) per example, with the example split in a context side (user, query, user country) and
 * an item side (photo and its side data), so a side's sums are computed once and reused: ranking
 * 500 candidates for one request costs one context sum and 500 dot products of length k.
 * The global bias w0 is left out: BPR only sees score differences, which it cancels.
 */
export interface FmParams {
  /** Number of features and factors. */
  n: number;
  k: number;
  w: Float32Array;
  v: Float32Array;
}

/** Adagrad state (squared gradient sums), one per parameter. */
export interface FmAdagrad {
  w: Float32Array;
  v: Float32Array;
}

export function newParams(n: number, k: number, normal: () => number, initStd: number): FmParams {
  const v = new Float32Array(n * k);
  for (let i = 0; i < v.length; i++) v[i] = normal() * initStd;
  return { n, k, w: new Float32Array(n), v };
}

/**
 * One side of an example: writes s_f = Σ_j v_jf x_j into `sum` and returns Σ_j w_j x_j plus the side's
 * own pairwise term ½(|s|² − Σ_j Σ_f v_jf² x_j²).
 */
export function sideTerms(p: FmParams, indices: Int32Array, values: Float32Array, from: number, to: number, sum: Float32Array): number {
  const k = p.k;
  sum.fill(0);
  let linear = 0;
  let squares = 0;
  for (let at = from; at < to; at++) {
    const j = indices[at]!;
    const x = values[at]!;
    linear += p.w[j]! * x;
    const base = j * k;
    for (let f = 0; f < k; f++) {
      const vx = p.v[base + f]! * x;
      sum[f]! += vx;
      squares += vx * vx;
    }
  }
  let norm = 0;
  for (let f = 0; f < k; f++) norm += sum[f]! * sum[f]!;
  return linear + 0.5 * (norm - squares);
}

/** Work buffers of one BPR step, reused across steps. */
export interface BprScratch {
  context: Float32Array;
  positive: Float32Array;
  negative: Float32Array;
  grad: Float32Array;
}

export function bprScratch(k: number, maxFeatures: number): BprScratch {
  return { context: new Float32Array(k), positive: new Float32Array(k), negative: new Float32Array(k), grad: new Float32Array(maxFeatures * k) };
}

export interface Side {
  indices: Int32Array;
  values: Float32Array;
  from: number;
  to: number;
}

export interface BprHyper {
  learningRate: number;
  /** L2 on factors and on linear weights, applied to the parameters an example touches. */
  regularization: number;
  linearRegularization: number;
}

/**
 * One BPR step (Rendle et al. 2009) for a context, a positive and a negative item: ascends
 * ln σ(d), d = ŷ(c, i+) − ŷ(c, i−), with Adagrad. The context's own terms cancel in d, so only its
 * factors (through ⟨s_c, s_i+ − s_i−⟩) move. Returns the loss −ln σ(d) before the step.
 * Every gradient is taken at the parameters before the step, then applied: a feature both items
 * share (a photographer, the numeric fields) gets one step with both contributions.
 */
export function bprStep(p: FmParams, ada: FmAdagrad, hyper: BprHyper, c: Side, pos: Side, neg: Side, s: BprScratch): number {
  const k = p.k;
  const dPos = sideTerms(p, pos.indices, pos.values, pos.from, pos.to, s.positive);
  const dNeg = sideTerms(p, neg.indices, neg.values, neg.from, neg.to, s.negative);
  sideTerms(p, c.indices, c.values, c.from, c.to, s.context);
  let cross = 0;
  for (let f = 0; f < k; f++) cross += s.context[f]! * (s.positive[f]! - s.negative[f]!);
  const d = dPos - dNeg + cross;
  // g = σ(−d) = ∂ ln σ(d) / ∂d; the loss ln(1 + e^−d), computed stably
  const g = 1 / (1 + Math.exp(d));
  const loss = d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));

  // gradients of d, per occurrence, at the old parameters
  let row = 0;
  const grad = s.grad;
  for (let at = c.from; at < c.to; at++, row++) {
    const x = c.values[at]!;
    for (let f = 0; f < k; f++) grad[row * k + f] = x * (s.positive[f]! - s.negative[f]!);
  }
  for (let at = pos.from; at < pos.to; at++, row++) {
    const x = pos.values[at]!;
    const base = pos.indices[at]! * k;
    for (let f = 0; f < k; f++) grad[row * k + f] = x * (s.context[f]! + s.positive[f]! - p.v[base + f]! * x);
  }
  for (let at = neg.from; at < neg.to; at++, row++) {
    const x = neg.values[at]!;
    const base = neg.indices[at]! * k;
    for (let f = 0; f < k; f++) grad[row * k + f] = -x * (s.context[f]! + s.negative[f]! - p.v[base + f]! * x);
  }

  // A feature on both items (a photographer, the numeric fields) takes one step with the sum of
  // its two gradients, as the gradient of d has it; Adagrad on each part would not add up to that.
  const posRows = c.to - c.from;
  const negRows = posRows + pos.to - pos.from;
  for (let at = neg.from; at < neg.to; at++) {
    const shared = find(pos, neg.indices[at]!);
    if (shared < 0) continue;
    const into = (posRows + shared - pos.from) * k;
    const from = (negRows + at - neg.from) * k;
    for (let f = 0; f < k; f++) grad[into + f]! += grad[from + f]!;
  }
  row = 0;
  for (let at = c.from; at < c.to; at++, row++) applyFactors(p, ada, hyper, c.indices[at]!, grad, row, g);
  for (let at = pos.from; at < pos.to; at++, row++) {
    const j = pos.indices[at]!;
    const shared = find(neg, j);
    applyFactors(p, ada, hyper, j, grad, row, g);
    applyLinear(p, ada, hyper, j, pos.values[at]! - (shared < 0 ? 0 : neg.values[shared]!), g);
  }
  for (let at = neg.from; at < neg.to; at++, row++) {
    if (find(pos, neg.indices[at]!) >= 0) continue;
    applyFactors(p, ada, hyper, neg.indices[at]!, grad, row, g);
    applyLinear(p, ada, hyper, neg.indices[at]!, -neg.values[at]!, g);
  }
  return loss;
}

/** Position of feature j in a side (sides are a handful of features), or −1. */
function find(side: Side, j: number): number {
  for (let at = side.from; at < side.to; at++) if (side.indices[at] === j) return at;
  return -1;
}

const EPSILON = 1e-8;

function applyFactors(p: FmParams, ada: FmAdagrad, hyper: BprHyper, j: number, grad: Float32Array, row: number, g: number): void {
  // locals, not property reads, in the hottest loop of the fit
  const k = p.k;
  const v = p.v;
  const acc = ada.v;
  const rate = hyper.learningRate;
  const lambda = hyper.regularization;
  const base = j * k;
  const at = row * k;
  for (let f = 0; f < k; f++) {
    const old = v[base + f]!;
    // descend the loss: −g·∂d/∂v + λv
    const step = lambda * old - g * grad[at + f]!;
    const sum = acc[base + f]! + step * step;
    acc[base + f] = sum;
    v[base + f] = old - (rate * step) / Math.sqrt(sum + EPSILON);
  }
}

function applyLinear(p: FmParams, ada: FmAdagrad, hyper: BprHyper, j: number, dd: number, g: number): void {
  const step = -g * dd + hyper.linearRegularization * p.w[j]!;
  const acc = ada.w[j]! + step * step;
  ada.w[j] = acc;
  p.w[j] = p.w[j]! - (hyper.learningRate * step) / Math.sqrt(acc + EPSILON);
}
