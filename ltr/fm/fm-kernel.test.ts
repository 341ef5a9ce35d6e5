import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { dot } from '../vectors.ts';
import { bprScratch, bprStep, newParams, sideTerms, type FmParams, type Side } from './fm-kernel.ts';

/** ŷ by the definition, O(k·n²): Σ w_j x_j + Σ_{j<l} ⟨v_j, v_l⟩ x_j x_l. */
function naive(p: FmParams, indices: number[], values: number[]): number {
  let y = 0;
  for (let a = 0; a < indices.length; a++) {
    y += p.w[indices[a]!]! * values[a]!;
    for (let b = a + 1; b < indices.length; b++) {
      const va = p.v.subarray(indices[a]! * p.k, (indices[a]! + 1) * p.k);
      y += dot(va, p.v, indices[b]! * p.k) * values[a]! * values[b]!;
    }
  }
  return y;
}

function side(indices: number[], values: number[]): Side {
  return { indices: Int32Array.from(indices), values: Float32Array.from(values), from: 0, to: indices.length };
}

describe('FM kernel', () => {
  const random = new Random(3);
  const fresh = (): FmParams => {
    const p = newParams(12, 4, () => random.normal(), 0.5);
    for (let j = 0; j < 12; j++) p.w[j] = random.normal();
    return p;
  };
  // context: user 1, two query tokens; items share feature 9 (a photographer) and 11 (views)
  const context = [[1, 3, 4], [1, 0.7, 0.7]] as const;
  const positive = [[6, 9, 11], [1, 1, 0.4]] as const;
  const negative = [[7, 9, 11], [1, 1, 0.9]] as const;

  it('scores by the O(kn) sums exactly as the O(kn²) definition, split in context and item sides', () => {
    const p = fresh();
    const cs = new Float32Array(4);
    const is = new Float32Array(4);
    const split = sideTerms(p, Int32Array.from(context[0]), Float32Array.from(context[1]), 0, 3, cs) + sideTerms(p, Int32Array.from(positive[0]), Float32Array.from(positive[1]), 0, 3, is) + dot(cs, is);
    expect(split).toBeCloseTo(naive(p, [...context[0], ...positive[0]], [...context[1], ...positive[1]]), 5);
  });

  it('steps every parameter against the numerical gradient of the BPR loss (shared item features included)', () => {
    const p = fresh();
    const loss = (q: FmParams): number => {
      const d = naive(q, [...context[0], ...positive[0]], [...context[1], ...positive[1]]) - naive(q, [...context[0], ...negative[0]], [...context[1], ...negative[1]]);
      return Math.log1p(Math.exp(-d));
    };
    const before = { w: p.w.slice(), v: p.v.slice() };
    const ada = { w: new Float32Array(12), v: new Float32Array(48) };
    const reported = bprStep(p, ada, { learningRate: 1e-3, regularization: 0, linearRegularization: 0 }, side([...context[0]], [...context[1]]), side([...positive[0]], [...positive[1]]), side([...negative[0]], [...negative[1]]), bprScratch(4, 9));
    const at = { n: 12, k: 4, w: before.w.slice(), v: before.v.slice() };
    expect(reported).toBeCloseTo(loss(at), 5);
    // Adagrad's first step moves each parameter by −lr·sign(gradient): compare signs with central differences
    let checked = 0;
    for (const which of ['w', 'v'] as const) {
      for (let i = 0; i < at[which].length; i++) {
        const h = 1e-3;
        const plus = { ...at, [which]: at[which].slice() } as FmParams;
        const minus = { ...at, [which]: at[which].slice() } as FmParams;
        plus[which][i]! += h;
        minus[which][i]! -= h;
        const numeric = (loss(plus) - loss(minus)) / (2 * h);
        const moved = p[which][i]! - before[which][i]!;
        if (Math.abs(numeric) < 1e-4) continue;
        expect(Math.sign(moved), `${which}[${i}]`).toBe(-Math.sign(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
