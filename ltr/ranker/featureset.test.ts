import { describe, expect, it } from 'vitest';
import { assertSameFeatureset, featuresetDifference, featuresetFromJson, featuresetToJson, validateFeatureset, type Featureset } from './featureset.ts';

const base: Featureset = {
  name: 'pixrank',
  version: 3,
  features: [
    { name: 'bm25_score', description: 'BM25 of the keyword query', missing: 0 },
    { name: 'clip_cosine', description: 'CLIP text-image cosine', missing: Number.NaN },
    { name: 'als_score', description: 'implicit ALS user·item', missing: Number.NaN },
  ],
};
const withNames = (names: string[], version = 4): Featureset => ({ name: 'other', version, features: names.map((name) => ({ name, description: '', missing: 0 })) });

describe('featureset', () => {
  it('matches itself and a copy with other descriptions', () => {
    expect(featuresetDifference(base, withNames(['bm25_score', 'clip_cosine', 'als_score']))).toBeNull();
    expect(() => assertSameFeatureset(base, base)).not.toThrow();
  });

  it('names the first difference: a swapped, a missing and an extra feature', () => {
    expect(() => assertSameFeatureset(base, withNames(['bm25_score', 'als_score', 'clip_cosine']), 'ranker')).toThrow(
      'ranker: featuresets differ: feature 1 is "clip_cosine" in "pixrank" v3 but "als_score" in "other" v4',
    );
    expect(featuresetDifference(base, withNames(['bm25_score', 'clip_cosine']))).toBe('"other" v4 has 2 features and lacks "als_score" (feature 2 of "pixrank" v3)');
    expect(featuresetDifference(base, withNames(['bm25_score', 'clip_cosine', 'als_score', 'fm_score']))).toBe('"other" v4 has an extra feature "fm_score" at 3 ("pixrank" v3 has 3)');
  });

  it('rejects malformed featuresets', () => {
    expect(() => validateFeatureset({ ...base, features: [] })).toThrow('featureset "pixrank": no features');
    expect(() => validateFeatureset(withNames(['a', 'b', 'a']))).toThrow('featureset "other": feature "a" appears twice');
    expect(() => validateFeatureset(withNames(['a', '']))).toThrow('featureset "other": feature 1 has no name');
    expect(() => validateFeatureset({ ...base, version: 1.5 })).toThrow('version must be a non-negative integer');
  });

  it('round-trips through JSON, NaN missing values included', () => {
    const json = JSON.parse(JSON.stringify(featuresetToJson(base)));
    expect(json.features[1].missing).toBeNull();
    const back = featuresetFromJson(json);
    expect(back.features.map((f) => f.name)).toEqual(['bm25_score', 'clip_cosine', 'als_score']);
    expect(back.features[0]!.missing).toBe(0);
    expect(back.features[1]!.missing).toBeNaN();
    expect(back.version).toBe(3);
  });
});
