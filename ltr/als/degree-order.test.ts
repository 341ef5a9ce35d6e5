import { describe, expect, it } from 'vitest';
import { interactionMatrix } from '../interactions.ts';
import { byDegree, degreeOrder } from './degree-order.ts';

describe('degree order', () => {
  it('puts the longest rows first, ties by row number', () => {
    expect(Array.from(byDegree(Int32Array.from([0, 1, 4, 5, 5, 8])))).toEqual([1, 4, 0, 2, 3]);
  });

  it('renumbers users and items without changing a single cell', () => {
    const cells = [
      { user: 'a', item: 'x', weight: 1 },
      { user: 'b', item: 'x', weight: 2 },
      { user: 'b', item: 'y', weight: 3 },
      { user: 'b', item: 'z', weight: 4 },
      { user: 'c', item: 'z', weight: 5 },
      { user: 'c', item: 'x', weight: 6 },
    ];
    const m = interactionMatrix(cells);
    const o = degreeOrder(m.byUser, m.byItem);
    expect(Array.from(o.userOrder).map((u) => m.userIds[u])).toEqual(['b', 'c', 'a']);
    expect(Array.from(o.itemOrder).map((i) => m.itemIds[i])).toEqual(['x', 'z', 'y']);
    const read = (csr: typeof o.byUser, rowIds: string[], colIds: string[], rowOrder: Int32Array, colOrder: Int32Array, flip: boolean): string[] => {
      const out: string[] = [];
      for (let p = 0; p + 1 < csr.indptr.length; p++) {
        for (let k = csr.indptr[p]!; k < csr.indptr[p + 1]!; k++) {
          const row = rowIds[rowOrder[p]!]!;
          const col = colIds[colOrder[csr.indices[k]!]!]!;
          out.push(`${flip ? col : row}|${flip ? row : col}|${csr.values[k]}`);
        }
      }
      return out.sort();
    };
    const expected = cells.map((c) => `${c.user}|${c.item}|${c.weight}`).sort();
    expect(read(o.byUser, m.userIds, m.itemIds, o.userOrder, o.itemOrder, false)).toEqual(expected);
    expect(read(o.byItem, m.itemIds, m.userIds, o.itemOrder, o.userOrder, true)).toEqual(expected);
  });
});
