import { describe, expect, it } from 'vitest';
import { Random } from '../../ltr/random.ts';
import { cosine } from '../../ltr/vectors.ts';
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

/** The policy's de-duplication as it was first written: every hit against every kept one. */
function allPairs(ranked: readonly PolicyHit[], threshold: number): Array<[string, string]> {
  const kept: PolicyHit[] = [];
  const duplicates: Array<[string, string]> = [];
  for (const hit of ranked) {
    const original = hit.clip ? kept.find((k) => k.clip && cosine(k.clip, hit.clip!) > threshold) : undefined;
    if (original) duplicates.push([hit.id, original.id]);
    else kept.push(hit);
  }
  return duplicates;
}

describe('near-duplicates found without comparing every pair', () => {
  // Candidates of one query sit in a few tight clusters (a topic's photos), with planted copies
  // (a burst of shots) a little noise away from an earlier hit, some hits without a vector and a
  // zero vector: the answer must be the pairwise scan's, hit for hit, at every threshold.
  const random = new Random(5);
  const dims = 64;
  const centers = Array.from({ length: 5 }, () => Array.from({ length: dims }, () => random.normal()));
  const hits: PolicyHit[] = [];
  for (let i = 0; i < 400; i++) {
    let clip: number[] | null = centers[random.int(0, 4)]!.map((c) => c + 0.6 * random.normal());
    if (i > 10 && random.chance(0.15)) {
      const earlier = hits[random.int(0, i - 1)]!.clip;
      if (earlier) clip = Array.from(earlier, (x) => x + random.normal() * random.pick([0.02, 0.1, 0.2, 0.3]));
    }
    if (random.chance(0.03)) clip = null;
    if (i === 77) clip = new Array<number>(dims).fill(0);
    hits.push({ id: `h${i}`, photographer: null, clip });
  }

  it.each([-0.5, 0, 0.3, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999])('threshold %s: the same duplicates, each of the same original', (threshold) => {
    const expected = allPairs(hits, threshold);
    const result = applyPolicy(hits, { duplicateCosine: threshold });
    expect(result.dropped.map((d) => [d.hit.id, d.of])).toEqual(expected);
    expect(result.kept).toHaveLength(hits.length - expected.length);
  });

  it('the planted copies are found at 0.97', () => {
    expect(allPairs(hits, 0.97).length).toBeGreaterThan(20);
  });
});
