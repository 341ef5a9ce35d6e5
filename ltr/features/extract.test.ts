import { describe, expect, it } from 'vitest';
import { ranksWithin } from './extract.ts';

describe('ranksWithin', () => {
  it('ranks the request’s candidates by value, 1 = highest, ties sharing a rank, missing stays missing', () => {
    expect(Array.from(ranksWithin(Float32Array.of(0.2, Number.NaN, 0.9, 0.2, -1), 5))).toEqual([2, Number.NaN, 1, 2, 4]);
  });

  it('gives no ranks without values', () => {
    expect(Array.from(ranksWithin(undefined, 3))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(ranksWithin(new Float64Array(0), 2))).toEqual([Number.NaN, Number.NaN]);
  });
});
