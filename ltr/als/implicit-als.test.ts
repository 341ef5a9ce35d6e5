import { describe, expect, it } from 'vitest';
import { recommenderConformance, checkerboard } from '../../test/recommender-conformance.ts';
import { interactionMatrix } from '../interactions.ts';
import { topK } from '../recommender.ts';
import { gramian, leastSquaresCg } from './conjugate-gradient.ts';
import { ImplicitAls } from './implicit-als.ts';

recommenderConformance({ name: 'als', make: () => new ImplicitAls({ factors: 8, iterations: 10, regularization: 0.1 }), load: (dir) => ImplicitAls.load(dir) });

describe('implicit ALS', () => {
  it('CG with enough steps solves the normal equations of one user exactly', () => {
    // (YᵀC_uY + λI) x = YᵀC_u p, solved directly for a 3-factor example and compared with CG.
    const f = 3;
    const y = Float32Array.from([0.5, 0.1, -0.2, 0.3, 0.8, 0.1, -0.4, 0.2, 0.9, 0.05, -0.3, 0.4]);
    const row = { indptr: Int32Array.from([0, 2]), indices: Int32Array.from([1, 3]), values: Float32Array.from([2, 1]) };
    const alpha = 10;
    const lambda = 0.1;
    // A warm start far from the answer, as in later sweeps: CG must still land on the solution.
    const x = Float32Array.from([1, -1, 0.5]);
    leastSquaresCg(x, y, gramian(y, 4, f, lambda), row, f, alpha, 10);
    const a = Array.from({ length: f }, () => new Float64Array(f));
    const b = new Float64Array(f);
    for (let i = 0; i < 4; i++) {
      const c = i === 1 ? 1 + alpha * 2 : i === 3 ? 1 + alpha : 1;
      for (let p = 0; p < f; p++) {
        for (let q = 0; q < f; q++) a[p]![q]! += c * y[i * f + p]! * y[i * f + q]!;
        if (i === 1 || i === 3) b[p]! += c * y[i * f + p]!;
      }
    }
    for (let p = 0; p < f; p++) a[p]![p]! += lambda;
    // residual of the CG answer in the exact system
    for (let p = 0; p < f; p++) {
      let s = 0;
      for (let q = 0; q < f; q++) s += a[p]![q]! * x[q]!;
      expect(s).toBeCloseTo(b[p]!, 4);
    }
  });

  it('fold-in places a new user with the group they interacted with', async () => {
    const model = new ImplicitAls({ factors: 8, iterations: 10, regularization: 0.1 });
    await model.fit(interactionMatrix(checkerboard(11)), { seed: 1 });
    const x = model.foldIn([{ item: 'b-item-0', weight: 2 }, { item: 'b-item-3', weight: 1 }, { item: 'b-item-5', weight: 1 }]);
    const items = Array.from({ length: 12 }, (_, i) => [`a-item-${i}`, `b-item-${i}`]).flat();
    const scores = Float32Array.from(items, (item) => {
      const y = model.itemVector(item)!;
      return y.reduce((s, v, i) => s + v * x[i]!, 0);
    });
    const top = topK(scores, 5, (i) => ['b-item-0', 'b-item-3', 'b-item-5'].includes(items[i]!));
    expect(top.map((i) => items[i]!).every((item) => item.startsWith('b-'))).toBe(true);
  });

  it("fold-in after a refit uses the new item factors, not the first fit's (YᵀY is computed once per set of factors)", async () => {
    const interactions = [{ item: 'b-item-0', weight: 2 }, { item: 'a-item-3', weight: 1 }];
    const model = new ImplicitAls({ factors: 8, iterations: 10, regularization: 0.1 });
    await model.fit(interactionMatrix(checkerboard(11)), { seed: 1 });
    const first = model.foldIn(interactions);
    expect(model.foldIn(interactions)).toEqual(first);
    await model.fit(interactionMatrix(checkerboard(11)), { seed: 2 });
    const fresh = new ImplicitAls({ factors: 8, iterations: 10, regularization: 0.1 });
    await fresh.fit(interactionMatrix(checkerboard(11)), { seed: 2 });
    expect(model.foldIn(interactions)).toEqual(fresh.foldIn(interactions));
    expect(model.foldIn(interactions)).not.toEqual(first);
  });

  it('reports progress once per sweep', async () => {
    const steps: number[] = [];
    await new ImplicitAls({ factors: 4, iterations: 3 }).fit(interactionMatrix(checkerboard(2)), { onProgress: (p) => steps.push(p.step) });
    expect(steps).toEqual([1, 2, 3]);
  });
});

describe('topK', () => {
  it('returns the best k, best first, skipping NaN and skipped indices', () => {
    const s = Float32Array.from([0.1, 0.9, Number.NaN, 0.5, 0.7, 0.9]);
    expect(topK(s, 3)).toEqual([1, 5, 4]);
    expect(topK(s, 2, (i) => i === 1)).toEqual([5, 4]);
    expect(topK(s, 10)).toEqual([1, 5, 4, 3, 0]);
  });
});

describe('implicit ALS on several threads', () => {
  // Forced onto workers (parallelThreshold 0) on a matrix big enough that every thread claims rows
  // and Gram blocks (GRAM_BLOCK = 2048 rows, so the users' Gram has two blocks).
  const data = interactionMatrix(
    Array.from({ length: 2500 }, (_, u) => [0, 1, 2, 3].map((k) => ({ user: `u${u}`, item: `i${(u * 7 + k * 13) % 300}`, weight: 1 + ((u + k) % 3) }))).flat(),
  );

  for (const kernel of ['wasm', 'js'] as const) {
    it(`fits the same factors on 2 threads as on 1 (${kernel} kernel, same seed)`, async () => {
      const options = { factors: 8, iterations: 3, regularization: 0.1, alpha: 2, kernel, parallelThreshold: 0 };
      const one = new ImplicitAls({ ...options, threads: 1 });
      const two = new ImplicitAls({ ...options, threads: 2 });
      expect(one.threadsFor(data)).toBe(1);
      expect(two.threadsFor(data)).toBe(2);
      await one.fit(data, { seed: 4 });
      await two.fit(data, { seed: 4 });
      expect(two.userFactors).toEqual(one.userFactors);
      expect(two.itemFactors).toEqual(one.itemFactors);
      // and the fit did something: factors moved away from the 0–0.01 start
      expect(one.userFactors.some((v) => Math.abs(v) > 0.05)).toBe(true);
    });
  }

  it('keeps a small fit on the main thread by default', () => {
    expect(new ImplicitAls({ factors: 8, iterations: 10, threads: 2 }).threadsFor(interactionMatrix(checkerboard(5)))).toBe(1);
  });

  it('wasm and JS kernels agree closely (float32 against float64)', async () => {
    const options = { factors: 8, iterations: 3, regularization: 0.1, alpha: 2, threads: 1 };
    const wasm = new ImplicitAls({ ...options, kernel: 'wasm' });
    const js = new ImplicitAls({ ...options, kernel: 'js' });
    await wasm.fit(data, { seed: 4 });
    await js.fit(data, { seed: 4 });
    let worst = 0;
    for (let i = 0; i < js.userFactors.length; i++) worst = Math.max(worst, Math.abs(js.userFactors[i]! - wasm.userFactors[i]!) / (1e-3 + Math.abs(js.userFactors[i]!)));
    expect(worst).toBeLessThan(1e-2);
  });
});
