import { describe, expect, it } from 'vitest';
import { cosine, cosinesWith, norm } from './vectors.ts';

describe('cosinesWith', () => {
  it('agrees with cosine for every vector, whatever the length mod 4', () => {
    for (const dims of [1, 3, 4, 7, 256, 513]) {
      const v = (k: number) => Float32Array.from({ length: dims }, (_, i) => Math.sin(i * 1.7 + k + 0.5) + (k === 2 ? 0.3 : 0));
      const query = v(0);
      const vectors = [v(1), v(2), v(3)];
      const got = cosinesWith(query, vectors, Float64Array.from(vectors, norm));
      vectors.forEach((x, r) => expect(got[r]).toBeCloseTo(cosine(query, x), 6));
    }
  });

  it('is NaN for a missing or zero vector, and for a zero query', () => {
    const vectors = [undefined, new Float32Array(4), Float32Array.of(1, 0, 0, 0)];
    const norms = Float64Array.from(vectors, norm);
    expect(Array.from(cosinesWith(Float32Array.of(2, 0, 0, 0), vectors, norms))).toEqual([Number.NaN, Number.NaN, 1]);
    expect(Array.from(cosinesWith(new Float32Array(4), vectors, norms))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});
