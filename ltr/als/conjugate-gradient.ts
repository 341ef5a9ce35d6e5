import type { Csr } from '../interactions.ts';

/**
 * Gram matrix Y^T·Y + λ·I of a factor matrix (rows × f, row-major), as float64 f × f.
 */
export function gramian(factors: Float32Array, rows: number, f: number, regularization: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = factors[o + a]!;
      if (ya === 0) continue;
      for (let b = a; b < f; b++) g[a * f + b]! += ya * factors[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    g[a * f + a]! += regularization;
    for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  }
  return g;
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
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  const xu = new Float64Array(f);
  for (let u = from; u < to; u++) {
    const start = interactions.indptr[u]!;
    const end = interactions.indptr[u + 1]!;
    const xo = u * f;
    for (let a = 0; a < f; a++) xu[a] = x[xo + a]!;
    // r = Y^T C_u p_u − (Y^T C_u Y + λI) x_u
    symv(yty, xu, r, f, -1);
    for (let n = start; n < end; n++) {
      const yo = interactions.indices[n]! * f;
      const c = 1 + alpha * interactions.values[n]!;
      let dot = 0;
      for (let a = 0; a < f; a++) dot += y[yo + a]! * xu[a]!;
      const t = c - (c - 1) * dot;
      for (let a = 0; a < f; a++) r[a]! += t * y[yo + a]!;
    }
    p.set(r);
    let rsold = dotf(r, r, f);
    if (rsold < 1e-20) continue;
    for (let step = 0; step < steps; step++) {
      symv(yty, p, ap, f, 1);
      for (let n = start; n < end; n++) {
        const yo = interactions.indices[n]! * f;
        const c = 1 + alpha * interactions.values[n]!;
        let dot = 0;
        for (let a = 0; a < f; a++) dot += y[yo + a]! * p[a]!;
        const t = (c - 1) * dot;
        for (let a = 0; a < f; a++) ap[a]! += t * y[yo + a]!;
      }
      const step_ = rsold / dotf(p, ap, f);
      for (let a = 0; a < f; a++) {
        xu[a]! += step_ * p[a]!;
        r[a]! -= step_ * ap[a]!;
      }
      const rsnew = dotf(r, r, f);
      if (rsnew < 1e-20) break;
      const beta = rsnew / rsold;
      for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
      rsold = rsnew;
    }
    for (let a = 0; a < f; a++) x[xo + a] = xu[a]!;
  }
}

/** out = scale · M·v for a symmetric f × f matrix. */
function symv(m: Float64Array, v: Float64Array, out: Float64Array, f: number, scale: number): void {
  for (let a = 0; a < f; a++) {
    let s = 0;
    const row = a * f;
    for (let b = 0; b < f; b++) s += m[row + b]! * v[b]!;
    out[a] = scale * s;
  }
}

function dotf(a: Float64Array, b: Float64Array, f: number): number {
  let s = 0;
  for (let i = 0; i < f; i++) s += a[i]! * b[i]!;
  return s;
}
