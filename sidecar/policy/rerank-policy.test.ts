import { describe, expect, it } from 'vitest';
import { applyPolicy, type PolicyHit } from './rerank-policy.ts';

const hit = (id: string, photographer: string | null, clip: number[] | null): PolicyHit => ({ id, photographer, clip });

describe('re-rank policy', () => {
  it('drops an exact duplicate of a better-ranked hit and says of which', () => {
    const result = applyPolicy([hit('a', 'p', [1, 0]), hit('b', 'q', [0, 1]), hit('a-copy', 'r', [1, 0])]);
    expect(result.kept.map((h) => h.id)).toEqual(['a', 'b']);
    expect(result.dropped).toEqual([{ hit: expect.objectContaining({ id: 'a-copy' }), reason: 'duplicate', of: 'a' }]);
  });

  it('keeps near but not duplicate hits under the threshold', () => {
    const result = applyPolicy([hit('a', null, [1, 0]), hit('b', null, [0.9, 0.44])], { duplicateCosine: 0.97 });
    expect(result.kept).toHaveLength(2);
  });

  it('caps hits per photographer, keeping the best ranked', () => {
    const ranked = ['a', 'b', 'c', 'd'].map((id, i) => hit(id, i < 3 ? 'same' : 'other', null));
    const result = applyPolicy(ranked, { maxPerPhotographer: 2 });
    expect(result.kept.map((h) => h.id)).toEqual(['a', 'b', 'd']);
    expect(result.dropped.map((d) => [d.hit.id, d.reason])).toEqual([['c', 'photographer_cap']]);
  });

  it('excludes ids', () => {
    expect(applyPolicy([hit('q', null, null), hit('x', null, null)], { exclude: new Set(['q']) }).kept.map((h) => h.id)).toEqual(['x']);
  });
});
