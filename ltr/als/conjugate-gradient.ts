import type { Csr } from '../interactions.ts';

/**
 * Gram matrix Y^T·Y + λ·I of a factor matrix (rows × f, row-major), as float64 f × f.
 */
export function gramian(factors: Float32Array, rows: number, f: number, regularization: number): Float64Array {
  const g = new Float64Array(f * f);
  gramPartial(factors, f, 0, rows, g, 0);
  finishGram(g, 1, f, regularization, g);
  return g;
}

/** Rows per Gram block: the unit of work a thread takes, fixed so sums never depend on thread count. */
export const GRAM_BLOCK = 2048;

/** Upper triangle of Σ y_r y_rᵀ over rows [from, to) into out[at … at + f²), float64. */
export function gramPartial(factors: Float32Array, f: number, from: number, to: number, out: Float64Array, at: number): void {
  out.fill(0, at, at + f * f);
  for (let r = from; r < to; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = factors[o + a]!;
      if (ya === 0) continue;
      const row = at + a * f;
      for (let b = a; b < f; b++) out[row + b]! += ya * factors[o + b]!;
    }
  }
}

/**
 * Adds `blocks` partial upper triangles (f² apart in `partials`) in block order, adds λ on the
 * diagonal and mirrors the lower triangle into `out` (which may be `partials` itself when blocks = 1).
 */
export function finishGram(partials: Float64Array, blocks: number, f: number, regularization: number, out: Float64Array): void {
  const ff = f * f;
  for (let a = 0; a < f; a++) {
    for (let b = a; b < f; b++) {
      let s = 0;
      for (let k = 0; k < blocks; k++) s += partials[k * ff + a * f + b]!;
      out[a * f + b] = s;
    }
  }
  for (let a = 0; a < f; a++) {
    out[a * f + a]! += regularization;
    for (let b = 0; b < a; b++) out[a * f + b] = out[b * f + a]!;
  }
}

/** Everything one half-sweep reads and writes: solve rows of `x` with `y` fixed. */
export interface CgProblem {
  x: Float32Array;
  y: Float32Array;
  /** Y^T·Y + λI, f × f, float64. */
  yty: Float64Array;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  f: number;
  alpha: number;
  steps: number;
}

/** Scratch a thread reuses for every row (r, p, Ap, x_u): no allocation per row. */
export function cgScratch(f: number): Float64Array {
  return new Float64Array(4 * f);
}

/**
 * One sweep of implicit ALS for every row of X with Y fixed, by conjugate gradient (Takács, Pilászy
 * & Tikk 2011, as `implicit` implements it): minimize Σ c_ui (p_ui − x_u·y_i)² + λ‖x_u‖² with
 * p_ui = 1 for observed pairs and c_ui = 1 + α·count, starting from the current x_u and taking
 * `steps` CG steps. Y^T·C_u·Y is never formed: Y^T·Y (precomputed, + λI) plus the observed rows.
 * Rows `from` to `to` only, so the work can be split across threads.
 */
export function leastSquaresCg(
  x: Float32Array,
  y: Float32Array,
  yty: Float64Array,
  interactions: Csr,
  f: number,
  alpha: number,
  steps: number,
  from = 0,
  to = interactions.indptr.length - 1,
): void {
  solveRows({ x, y, yty, indptr: interactions.indptr, indices: interactions.indices, values: interactions.values, f, alpha, steps }, from, to, cgScratch(f));
}

/**
 * The CG kernel over rows [from, to). A row without interactions gets zero factors (its exact
 * solution, and what `implicit` does). Accumulates in float64; factors stay float32.
 */
export function solveRows(problem: CgProblem, from: number, to: number, scratch: Float64Array): void {
  const { x, y, yty, indptr, indices, values, f, alpha, steps } = problem;
  const r = scratch.subarray(0, f);
  const p = scratch.subarray(f, 2 * f);
  const ap = scratch.subarray(2 * f, 3 * f);
  const xu = scratch.subarray(3 * f, 4 * f);
  for (let u = from; u < to; u++) {
    const start = indptr[u]!;
    const end = indptr[u + 1]!;
    const xo = u * f;
    if (start === end) {
      x.fill(0, xo, xo + f);
      continue;
    }
    for (let a = 0; a < f; a++) xu[a] = x[xo + a]!;
    // r = Y^T C_u p_u − (Y^T C_u Y + λI) x_u
    symv(yty, xu, r, f, -1);
    for (let n = start; n < end; n++) {
      const yo = indices[n]! * f;
      const cm1 = alpha * values[n]!;
      const t = cm1 + 1 - cm1 * dotAt(y, yo, xu, f);
      for (let a = 0; a < f; a++) r[a]! += t * y[yo + a]!;
    }
    let rsold = 0;
    for (let a = 0; a < f; a++) {
      const ra = r[a]!;
      p[a] = ra;
      rsold += ra * ra;
    }
    if (rsold >= 1e-20) {
      for (let step = 0; step < steps; step++) {
        symv(yty, p, ap, f, 1);
        for (let n = start; n < end; n++) {
          const yo = indices[n]! * f;
          const t = alpha * values[n]! * dotAt(y, yo, p, f);
          for (let a = 0; a < f; a++) ap[a]! += t * y[yo + a]!;
        }
        let pap = 0;
        for (let a = 0; a < f; a++) pap += p[a]! * ap[a]!;
        const step_ = rsold / pap;
        let rsnew = 0;
        for (let a = 0; a < f; a++) {
          xu[a]! += step_ * p[a]!;
          const ra = r[a]! - step_ * ap[a]!;
          r[a] = ra;
          rsnew += ra * ra;
        }
        if (rsnew < 1e-20) break;
        const beta = rsnew / rsold;
        for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
        rsold = rsnew;
      }
    }
    for (let a = 0; a < f; a++) x[xo + a] = xu[a]!;
  }
}

/** y[yo … yo+f) · v, four accumulators (the adds do not wait on each other). */
function dotAt(y: Float32Array, yo: number, v: Float64Array, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let a = 0;
  for (; a + 3 < f; a += 4) {
    s0 += y[yo + a]! * v[a]!;
    s1 += y[yo + a + 1]! * v[a + 1]!;
    s2 += y[yo + a + 2]! * v[a + 2]!;
    s3 += y[yo + a + 3]! * v[a + 3]!;
  }
  for (; a < f; a++) s0 += y[yo + a]! * v[a]!;
  return s0 + s1 + (s2 + s3);
}

/** out = scale · M·v for a symmetric f × f matrix. */
function symv(m: Float64Array, v: Float64Array, out: Float64Array, f: number, scale: number): void {
  for (let a = 0; a < f; a++) {
    const row = a * f;
    let s0 = 0;
    let s1 = 0;
    let b = 0;
    for (; b + 1 < f; b += 2) {
      s0 += m[row + b]! * v[b]!;
      s1 += m[row + b + 1]! * v[b + 1]!;
    }
    for (; b < f; b++) s0 += m[row + b]! * v[b]!;
    out[a] = scale * (s0 + s1);
  }
}
