import { describe, expect, it } from 'vitest';
import { interactionMatrix } from '../interactions.ts';
import { createArena } from './arena.ts';
import { CgKernel } from './kernel.ts';
import { workPhase } from './sweeper.ts';

describe('the wasm CG kernel', () => {
  // Items 0–2 are popular (long item rows), the rest are read by few users.
  const data = interactionMatrix(
    Array.from({ length: 400 }, (_, u) => [u % 3, 3 + ((u * 11) % 97), 3 + ((u * 29 + 5) % 97)].map((i, k) => ({ user: `u${u}`, item: `i${i}`, weight: 1 + k }))).flat(),
  );

  function sweep(gatherRows: number | undefined): { users: Float32Array; items: Float32Array } {
    const arena = createArena(data, 8, 1);
    const layout = gatherRows === undefined ? arena.layout : { ...arena.layout, gatherRows };
    for (const v of [arena.views.userFactors, arena.views.itemFactors]) for (let i = 0; i < v.length; i++) v[i] = ((i * 37) % 101) / 1000;
    const kernel = new CgKernel(arena.memory, layout, { kind: 'wasm', alpha: 3, steps: 3, regularization: 0.1 }, 0);
    for (const side of ['users', 'items'] as const) {
      for (const phase of ['gram', 'solve'] as const) {
        Atomics.store(kernel.views.counters, 0, 0);
        workPhase(kernel, phase, side);
        if (phase === 'gram') kernel.finishGram(side === 'users' ? 'items' : 'users');
      }
    }
    return { users: arena.views.userFactors.slice(), items: arena.views.itemFactors.slice() };
  }

  it('gives the same factors whether a row is gathered into scratch or read in place', () => {
    const gathered = sweep(undefined);
    const inPlace = sweep(0);
    const mixed = sweep(50); // user rows gathered, the three popular item rows (~133 users) not
    expect(inPlace.users).toEqual(gathered.users);
    expect(inPlace.items).toEqual(gathered.items);
    expect(mixed.items).toEqual(gathered.items);
    expect(gathered.items.some((v, i) => Math.abs(v - ((i * 37) % 101) / 1000) > 1e-3)).toBe(true);
  });
});
