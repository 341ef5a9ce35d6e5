import { describe, expect, it } from 'vitest';
import { breakdown, lengthGroup } from './breakdown.ts';

describe('breakdown', () => {
  it("averages each row's metrics within each group, groups sorted by name", () => {
    const perRow = new Map([
      ['keyword', [{ 'ndcg@10': 1 }, { 'ndcg@10': 0.5 }, { 'ndcg@10': 0 }]],
      ['clip', [{ 'ndcg@10': 0 }, { 'ndcg@10': 0.25 }, { 'ndcg@10': 1 }]],
    ]);
    const groups = breakdown(['en', 'de', 'en'], perRow);
    expect(Object.keys(groups)).toEqual(['de', 'en']);
    expect(groups.en).toEqual({ queries: 2, rows: { keyword: { 'ndcg@10': 0.5 }, clip: { 'ndcg@10': 0.5 } } });
    expect(groups.de).toEqual({ queries: 1, rows: { keyword: { 'ndcg@10': 0.5 }, clip: { 'ndcg@10': 0.25 } } });
  });

  it('groups queries by words, four and more together', () => {
    expect(['cat', ' red  car ', 'calm red beach', 'red car at night', 'a b c d e'].map(lengthGroup)).toEqual(['1', '2', '3', '4+', '4+']);
  });
});
