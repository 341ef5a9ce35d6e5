import { describe, expect, it } from 'vitest';
import { cosine, cosinesOfEach } from './vectors.ts';

describe('cosinesOfEach', () => {
  it('agrees with cosine for every query and vector, whatever the length', () => {
    for (const dims of [1, 3, 4, 7, 256, 513]) {
      const v = (k: number) => Float32Array.from({ length: dims }, (_, i) => Math.sin(i * 1.7 + k + 0.5) + (k === 2 ? 0.3 : 0));
      const vectors = [v(1), v(2), v(3)];
      for (const queries of [[v(0)], [v(0), v(4)], [v(0), v(4), v(5)], [v(0), v(4), v(5), v(6), v(7)]]) {
        const got = cosinesOfEach(queries, vectors);
        expect(got).toHaveLength(queries.length);
        queries.forEach((q, k) => vectors.forEach((x, r) => expect(got[k]![r]).toBeCloseTo(cosine(q, x), 6)));
      }
    }
  });

  it('is NaN for a missing or zero vector and for a zero query; a query not asked has an empty result', () => {
    const vectors = [undefined, new Float32Array(4), Float32Array.of(1, 0, 0, 0)];
    const [x, zero, none, y] = cosinesOfEach([Float32Array.of(2, 0, 0, 0), new Float32Array(4), undefined, Float32Array.of(0, 3, 0, 0)], vectors);
    expect(Array.from(x!)).toEqual([Number.NaN, Number.NaN, 1]);
    expect(Array.from(zero!)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(none).toHaveLength(0);
    expect(Array.from(y!)).toEqual([Number.NaN, Number.NaN, 0]);
    expect(cosinesOfEach([undefined, undefined], vectors).map((r) => r.length)).toEqual([0, 0]);
  });
});
