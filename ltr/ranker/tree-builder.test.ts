import { describe, expect, it } from 'vitest';
import { binMatrix } from './binning.ts';
import { TreeBuilder, type TreeParams } from './tree-builder.ts';

const params: TreeParams = { maxLeaves: 2, maxDepth: 6, minDocsPerLeaf: 1, minHessianPerLeaf: 0, l2: 0, minGain: 0, learningRate: 0.5 };

/** One feature: x = 1,2,3,4 (two rows each) and two missing rows. */
const x = Float32Array.of(1, 1, 2, 2, 3, 3, 4, 4, Number.NaN, Number.NaN);

function stump(lambdas: number[]): ReturnType<TreeBuilder['grow']> {
  const binned = binMatrix(x, x.length, 1, 255);
  const order = Int32Array.from(x, (_, i) => i);
  return new TreeBuilder(binned, params).grow(order, x.length, Float64Array.from(lambdas), new Float64Array(x.length).fill(1), Int32Array.of(0));
}

describe('tree builder', () => {
  it('sends missing values left when they behave like the low values', () => {
    const tree = stump([1, 1, 1, 1, -1, -1, -1, -1, 1, 1]);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(2);
    expect(tree.defaultLeft[0]).toBe(1);
    expect(tree.count).toEqual([10, 6, 4]);
    // Newton values: η·ΣG/(ΣH+λ) over each node's rows.
    expect(tree.value).toEqual([0.5 * (2 / 10), 0.5 * (6 / 6), 0.5 * (-4 / 4)]);
    expect(tree.gain[0]).toBeCloseTo(36 / 6 + 16 / 4 - 4 / 10, 12);
  });

  it('sends missing values right when they behave like the high values', () => {
    const tree = stump([1, 1, 1, 1, -1, -1, -1, -1, -1, -1]);
    expect(tree.threshold[0]).toBe(2);
    expect(tree.defaultLeft[0]).toBe(0);
    expect(tree.count).toEqual([10, 4, 6]);
  });

  it('stops at maxLeaves and respects minDocsPerLeaf', () => {
    const binned = binMatrix(x, x.length, 1, 255);
    const order = Int32Array.from(x, (_, i) => i);
    const lambdas = Float64Array.of(3, 3, 1, 1, -1, -1, -3, -3, 0, 0);
    const many = new TreeBuilder(binned, { ...params, maxLeaves: 8 }).grow(order, 10, lambdas, new Float64Array(10).fill(1), Int32Array.of(0));
    expect(many.feature.filter((f) => f === -1).length).toBeGreaterThan(2);
    const none = new TreeBuilder(binned, { ...params, minDocsPerLeaf: 6 }).grow(order, 10, lambdas, new Float64Array(10).fill(1), Int32Array.of(0));
    expect(none.feature).toEqual([-1]);
  });
});
