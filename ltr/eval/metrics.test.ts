import { describe, expect, it } from 'vitest';
import { evaluateQuery, meanMetrics, metricKeys } from './metrics.ts';

const log2 = Math.log2;

/** Compares every key with toBeCloseTo (floating point sums), and that no key is missing or extra. */
function expectMetrics(actual: Record<string, number>, expected: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    expect(actual[key], key).toBeCloseTo(value, 12);
  }
}

describe('evaluateQuery', () => {
  it('ranked [a,b,c,d], relevant {b,d}, at 1, 2, 4 and 10', () => {
    const m = evaluateQuery(['a', 'b', 'c', 'd'], new Set(['b', 'd']), [1, 2, 4, 10]);
    expectMetrics(m, {
      // @1: only a (not relevant) → all zero
      'ndcg@1': 0, 'p@1': 0, 'recall@1': 0, 'mrr@1': 0, 'map@1': 0, 'hit@1': 0,
      // @2: b at rank 2. p = 1/2, recall = 1/2, rr = 1/2, AP = (1/2)/|R| = 0.25,
      // ndcg = (1/log2 3) / (1 + 1/log2 3) (ideal: both relevant at ranks 1, 2)
      'ndcg@2': (1 / log2(3)) / (1 + 1 / log2(3)), 'p@2': 0.5, 'recall@2': 0.5, 'mrr@2': 0.5, 'map@2': 0.25, 'hit@2': 1,
      // @4: b at 2, d at 4. p = 2/4, recall = 1, AP = (1/2 + 2/4)/2 = 0.5,
      // ndcg = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
      'ndcg@4': (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3)),
      'p@4': 0.5, 'recall@4': 1, 'mrr@4': 0.5, 'map@4': 0.5, 'hit@4': 1,
      // @10, beyond the list: p = 2/10 (missing ranks count as not relevant), the rest as @4
      'ndcg@10': (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3)),
      'p@10': 0.2, 'recall@10': 1, 'mrr@10': 0.5, 'map@10': 0.5, 'hit@10': 1,
    });
  });

  it('graded relevance: gain 2^grade − 1, grade 0 is not relevant', () => {
    // grades x:1 (gain 1), y:0 (not relevant), z:3 (gain 7), w:2 (gain 3, not retrieved); |R| = 3
    const grades = new Map([['x', 1], ['y', 0], ['z', 3], ['w', 2]]);
    const m = evaluateQuery(['x', 'y', 'z'], grades, [3]);
    // DCG@3 = 1/log2 2 + 0/log2 3 + 7/log2 4 = 1 + 3.5 = 4.5
    // IDCG@3 = 7/log2 2 + 3/log2 3 + 1/log2 4 = 7 + 3/log2 3 + 0.5
    // AP@3 = (1/1 + 2/3) / 3 = 5/9
    expectMetrics(m, {
      'ndcg@3': 4.5 / (7.5 + 3 / log2(3)),
      'p@3': 2 / 3, 'recall@3': 2 / 3, 'mrr@3': 1, 'map@3': 5 / 9, 'hit@3': 1,
    });
  });

  it('a repeated id counts once, and the ranks close up behind it', () => {
    // [a, a, b] is read as [a, b]: b at rank 2
    const m = evaluateQuery(['a', 'a', 'b'], new Set(['b']), [2]);
    // p = 1/2, recall = 1, rr = 1/2, AP = (1/2)/1, ndcg = (1/log2 3)/1
    expectMetrics(m, { 'ndcg@2': 1 / log2(3), 'p@2': 0.5, 'recall@2': 1, 'mrr@2': 0.5, 'map@2': 0.5, 'hit@2': 1 });
    // a relevant repeat is not counted twice: [b, b] → one relevant item at rank 1, p@2 = 1/2
    expect(evaluateQuery(['b', 'b'], new Set(['b']), [2])['p@2']).toBe(0.5);
  });

  it('nothing relevant retrieved, or nothing retrieved: zeros', () => {
    const zeros = { 'ndcg@10': 0, 'p@10': 0, 'recall@10': 0, 'mrr@10': 0, 'map@10': 0, 'hit@10': 0 };
    expectMetrics(evaluateQuery(['a', 'c'], new Set(['b']), [10]), zeros);
    expectMetrics(evaluateQuery([], new Set(['b']), [10]), zeros);
  });

  it('map@k divides by all relevant items (trec_eval map_cut), not by min(|R|, k)', () => {
    // 5 relevant, the first 2 ranks both relevant: AP@2 = (1/1 + 2/2) / 5 = 0.4 (not 1)
    const m = evaluateQuery(['r1', 'r2', 'r3'], new Set(['r1', 'r2', 'r3', 'r4', 'r5']), [2]);
    expectMetrics(m, { 'ndcg@2': 1, 'p@2': 1, 'recall@2': 0.4, 'mrr@2': 1, 'map@2': 0.4, 'hit@2': 1 });
  });

  it('a perfect ranking has ndcg 1 at every cutoff, and p@k = min(k, |R|)/k', () => {
    const grades = new Map([['g3', 3], ['g2', 2], ['g1a', 1], ['g1b', 1]]);
    const m = evaluateQuery(['g3', 'g2', 'g1b', 'g1a', 'n1'], grades, [1, 3, 10]);
    for (const k of [1, 3, 10]) expect(m[`ndcg@${k}`], `ndcg@${k}`).toBeCloseTo(1, 12);
    expect([m['p@1'], m['p@3'], m['p@10']]).toEqual([1, 1, 4 / 10]);
    // swapping the two grade-1 items changes nothing; swapping g3 and g2 lowers ndcg@1 to 3/7
    expect(evaluateQuery(['g2', 'g3'], grades, [1])['ndcg@1']).toBeCloseTo(3 / 7, 12);
  });

  it('default cutoffs 10, 20, 50, 100, keys grouped by metric', () => {
    const keys = Object.keys(evaluateQuery(['a'], new Set(['a'])));
    expect(keys).toEqual(metricKeys());
    expect(keys.slice(0, 5)).toEqual(['ndcg@10', 'ndcg@20', 'ndcg@50', 'ndcg@100', 'p@10']);
    expect(keys).toHaveLength(24);
    expect(keys).toContain('hit@100');
  });

  it('throws on a query without relevant items and on bad grades or cutoffs', () => {
    expect(() => evaluateQuery(['a'], new Set())).toThrow('eval: query has no relevant items');
    expect(() => evaluateQuery(['a'], new Map([['a', 0]]))).toThrow('eval: query has no relevant items');
    expect(() => evaluateQuery(['a'], new Map([['a', 1.5]]))).toThrow(/eval: grade of "a" must be a non-negative integer/);
    expect(() => evaluateQuery(['a'], new Map([['a', -1]]))).toThrow(/non-negative integer/);
    expect(() => evaluateQuery(['a'], new Set(['a']), [0])).toThrow('eval: cutoff must be a positive integer, got 0');
    expect(() => evaluateQuery(['a'], new Set(['a']), [2.5])).toThrow(/positive integer/);
    expect(() => evaluateQuery(['a'], new Set(['a']), [10, 10])).toThrow('eval: duplicate cutoff');
    expect(() => evaluateQuery(['a'], new Set(['a']), [])).toThrow('eval: at least one cutoff');
  });
});

describe('meanMetrics', () => {
  it('averages every key over queries, each query weighing the same', () => {
    const q1 = evaluateQuery(['a', 'b'], new Set(['a']), [1, 2]); // p@1 1, p@2 1/2, mrr 1
    const q2 = evaluateQuery(['a', 'b'], new Set(['b']), [1, 2]); // p@1 0, p@2 1/2, mrr@2 1/2
    const q3 = evaluateQuery(['c'], new Set(['b']), [1, 2]); //      all 0
    const mean = meanMetrics([q1, q2, q3]);
    expect(mean['p@1']).toBeCloseTo(1 / 3, 12); // (1 + 0 + 0)/3
    expect(mean['p@2']).toBeCloseTo(1 / 3, 12); // (1/2 + 1/2 + 0)/3
    expect(mean['mrr@2']).toBeCloseTo(0.5, 12); // (1 + 1/2 + 0)/3
    expect(mean['hit@2']).toBeCloseTo(2 / 3, 12); // (1 + 1 + 0)/3
    expect(Object.keys(mean)).toEqual(Object.keys(q1));
  });

  it('throws on no queries and on queries with different keys', () => {
    expect(() => meanMetrics([])).toThrow('eval: no queries to average');
    const at10 = evaluateQuery(['a'], new Set(['a']), [10]);
    const at20 = evaluateQuery(['a'], new Set(['a']), [20]);
    expect(() => meanMetrics([at10, at20])).toThrow(/eval: query 1 has keys/);
  });
});
