import { describe, expect, it } from 'vitest';
import { linearFusion, reciprocalRankFusion, type RankedList } from './fusion.ts';

const keyword: RankedList = { name: 'keyword', hits: [{ id: 'a', score: 12 }, { id: 'b', score: 6 }, { id: 'c', score: 3 }] };
const clip: RankedList = { name: 'clip', hits: [{ id: 'c', score: 0.9 }, { id: 'd', score: 0.8 }, { id: 'a', score: 0.7 }] };

describe('reciprocal rank fusion', () => {
  it('sums 1/(k + rank) over the lists, hand-computed', () => {
    const fused = reciprocalRankFusion([keyword, clip], { rankConstant: 60 });
    const byId = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    expect(byId.a).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(byId.c).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(byId.b).toBeCloseTo(1 / 62, 12);
    expect(byId.d).toBeCloseTo(1 / 62, 12);
    expect(fused.map((h) => h.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.lists).toEqual({ keyword: { rank: 1, score: 12 }, clip: { rank: 3, score: 0.7 } });
  });

  it('weights lists', () => {
    const fused = reciprocalRankFusion([keyword, clip], { weights: { clip: 3 } });
    expect(fused[0]!.id).toBe('c');
  });
});

describe('linear fusion', () => {
  it('min-max: rescales each list to [0,1], absent counts 0', () => {
    const fused = linearFusion([keyword, clip], { normalization: 'minmax' });
    const byId = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    expect(byId.a).toBeCloseTo(1 + 0, 12); // keyword top, clip bottom
    expect(byId.b).toBeCloseTo((6 - 3) / 9, 12);
    expect(byId.c).toBeCloseTo(0 + 1, 12);
    expect(byId.d).toBeCloseTo(0.5, 12);
  });

  it('z-score: (s - mean) / std per list; absent gets the list minimum', () => {
    const fused = linearFusion([keyword, clip], { normalization: 'zscore' });
    const mean = 7;
    const std = Math.sqrt(((12 - 7) ** 2 + (6 - 7) ** 2 + (3 - 7) ** 2) / 3);
    const clipMean = 0.8;
    const clipStd = Math.sqrt((0.01 + 0 + 0.01) / 3);
    const byId = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    expect(byId.b).toBeCloseTo((6 - mean) / std + (0.7 - clipMean) / clipStd, 9);
    expect(byId.d).toBeCloseTo((3 - mean) / std + (0.8 - clipMean) / clipStd, 9);
  });

  it('a list of equal scores does not divide by zero', () => {
    const flat: RankedList = { name: 'flat', hits: [{ id: 'x', score: 2 }, { id: 'y', score: 2 }] };
    expect(linearFusion([flat]).map((h) => h.score)).toEqual([1, 1]);
    expect(linearFusion([flat], { normalization: 'zscore' }).map((h) => h.score)).toEqual([0, 0]);
  });
});
