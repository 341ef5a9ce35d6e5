/**
 * Warms a freshly loaded model up before it serves. The compiled forest (compile.ts) runs in V8's
 * baseline tiers for its first calls: measured here (200 trees, 500 candidates) the first call took
 * ~15 ms, calls 10 and 20 ~40 ms (optimising compilation and GC), and only after ~35 calls did a
 * call settle under 1 ms. After this warm-up (~0.6 s for 200 trees of 16 leaves), the first call on
 * new rows took 0.4 ms. The sidecar should run it on load and on SIGHUP before swapping models, so
 * no request pays for it.
 */
import type { RankerModel } from './model.ts';

export interface WarmUpOptions {
  /** Calls to `score`, each with one row per leaf of the forest (default 30). */
  calls?: number;
}

/**
 * Scores rows that reach every leaf of every tree (one row per leaf, on top of values drawn around
 * the model's thresholds) `calls` times. Every leaf matters: V8 compiles a branch that never ran as
 * a deoptimisation, so a request that first reaches it would drop the scorer back to its slow tier
 * (seen here: after a warm-up on random rows only, the next calls took ~5 ms instead of ~0.6 ms).
 * Returns the milliseconds it took.
 */
export function warmUpRanker(model: RankerModel, options: WarmUpOptions = {}): number {
  const calls = options.calls ?? 30;
  const nF = model.nFeatures;
  const thresholds: number[][] = Array.from({ length: nF }, () => []);
  for (const tree of model.trees) tree.feature.forEach((f, i) => f >= 0 && thresholds[f]!.push(tree.threshold[i]!));
  // A fixed linear congruential sequence: warm-up needs variety, not statistical quality.
  let state = 0x2545f491;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const rows: Float32Array[] = [];
  const randomRow = (): Float32Array =>
    Float32Array.from({ length: nF }, (_, f) => {
      const own = thresholds[f]!;
      const u = next();
      if (u < 0.05) return Number.NaN;
      if (own.length === 0) return next();
      const t = own[Math.floor(next() * own.length)]!;
      return u < 0.5 ? t : above(t);
    });
  for (const tree of model.trees) {
    const walk = (node: number, lo: Float64Array, hi: Float64Array): void => {
      const f = tree.feature[node]!;
      if (f < 0) {
        const row = randomRow();
        for (let i = 0; i < nF; i++) if (lo[i] !== -Infinity || hi[i] !== Infinity) row[i] = hi[i] !== Infinity ? hi[i]! : above(lo[i]!);
        rows.push(row);
        return;
      }
      const t = tree.threshold[node]!;
      const leftHi = Float64Array.from(hi);
      leftHi[f] = Math.min(hi[f]!, t);
      walk(tree.left[node]!, lo, leftHi);
      const rightLo = Float64Array.from(lo);
      rightLo[f] = Math.max(lo[f]!, t);
      walk(tree.right[node]!, rightLo, hi);
    };
    walk(0, new Float64Array(nF).fill(-Infinity), new Float64Array(nF).fill(Infinity));
  }
  const matrix = new Float32Array(rows.length * nF);
  rows.forEach((row, r) => matrix.set(row, r * nF));
  const started = performance.now();
  for (let c = 0; c < calls; c++) model.score(matrix, rows.length);
  return performance.now() - started;
}

/** A float32 value just above x. */
function above(x: number): number {
  let step = Math.max(Math.abs(x) * 1e-6, 1e-6);
  while (Math.fround(x + step) <= x) step *= 2;
  return Math.fround(x + step);
}
