import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { interactionMatrix } from '../interactions.ts';
import { createArena } from './arena.ts';
import { CgKernel } from './kernel.ts';
import { workPhase } from './sweeper.ts';

describe('the wasm CG kernel', () => {
  // f = 8: one chunk pair; 12: no 16-float block, three single chunks; 20: a block and a tail chunk.
  for (const f of [8, 12, 20]) {
    it(`with enough steps solves a user's normal equations (YᵀC_uY + λI) x = YᵀC_u p_u (f = ${f})`, () => {
      const random = new Random(f);
      const items = 30;
      const alpha = 2;
      const lambda = 0.5;
      const liked = [2, 5, 11, 17, 23, 29];
      const counts = [1, 3, 2, 1, 4, 2];
      // user 0 is the one solved; user 1 gives every item a column
      const data = interactionMatrix([
        ...liked.map((i, k) => ({ user: 'u0', item: `i${i}`, weight: counts[k]! })),
        ...Array.from({ length: items }, (_, i) => ({ user: 'u1', item: `i${i}`, weight: 1 })),
      ], { items: Array.from({ length: items }, (_, i) => `i${i}`) });
      const arena = createArena(data, f, 1);
      const y = arena.views.itemFactors;
      for (let i = 0; i < y.length; i++) y[i] = random.float() - 0.5;
      for (let a = 0; a < f; a++) arena.views.userFactors[a] = 2 * random.float(); // a warm start far off
      const kernel = new CgKernel(arena.memory, arena.layout, { kind: 'wasm', alpha, steps: 3 * f, regularization: lambda }, 0);
      Atomics.store(kernel.views.counters, 0, 0);
      workPhase(kernel, 'gram', 'users');
      kernel.finishGram('items');
      kernel.solve('users', 0, 1);
      const x = arena.views.userFactors.subarray(0, f);
      // the exact system in float64
      for (let p = 0; p < f; p++) {
        let lhs = lambda * x[p]!;
        let rhs = 0;
        for (let i = 0; i < items; i++) {
          const k = liked.indexOf(i);
          const c = k >= 0 ? 1 + alpha * counts[k]! : 1;
          let yx = 0;
          for (let q = 0; q < f; q++) yx += y[i * f + q]! * x[q]!;
          lhs += c * y[i * f + p]! * yx;
          if (k >= 0) rhs += c * y[i * f + p]!;
        }
        expect(Math.abs(lhs - rhs)).toBeLessThan(2e-3 * (1 + Math.abs(rhs)));
      }
    });
  }

  it('gives a user without interactions zero factors', () => {
    const data = interactionMatrix([{ user: 'a', item: 'x', weight: 1 }], { users: ['a', 'nobody'] });
    const arena = createArena(data, 4, 1);
    arena.views.userFactors.fill(0.5);
    const kernel = new CgKernel(arena.memory, arena.layout, { kind: 'wasm', alpha: 1, steps: 3, regularization: 0.1 }, 0);
    workPhase(kernel, 'gram', 'users');
    kernel.finishGram('items');
    kernel.solve('users', 0, 2);
    expect(Array.from(arena.views.userFactors.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(arena.views.userFactors.subarray(0, 4).some((v) => v !== 0.5)).toBe(true);
  });
});
