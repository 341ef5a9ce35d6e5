import { describe, expect, it } from 'vitest';
import { extractFeatures, ranksWithin } from './extract.ts';
import { FEATURE_INDEX, FEATURES } from './pixrank-featureset.ts';
import type { RerankCandidate } from '../second-pass.ts';

describe('ranksWithin', () => {
  it('ranks the request’s candidates by value, 1 = highest, ties sharing a rank, missing stays missing', () => {
    expect(Array.from(ranksWithin(Float32Array.of(0.2, Number.NaN, 0.9, 0.2, -1), 5))).toEqual([2, Number.NaN, 1, 2, 4]);
  });

  it('gives no ranks without values', () => {
    expect(Array.from(ranksWithin(undefined, 3))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(ranksWithin(new Float64Array(0), 2))).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('the language features', () => {
  const candidate = (id: string, country: string | null): RerankCandidate => ({
    id,
    candidate: { photo_id: id, photographer: null, country, downloads: null, views: null, submitted_at: null },
    vector: undefined,
    lists: {},
    fused: 0,
  });
  const candidates = [candidate('a', 'Germany'), candidate('b', 'France'), candidate('c', null)];
  const models = { photographerOf: () => undefined };
  const column = (features: Float32Array, name: 'query_not_english' | 'language_country_match') => candidates.map((_, row) => features[row * FEATURES.length + FEATURE_INDEX[name]]);

  it("say whether the query is not English and whether it is the photo's country's language", () => {
    const german = extractFeatures({ time: 0, language: 'de' }, undefined, candidates, models);
    expect(column(german, 'query_not_english')).toEqual([1, 1, 1]);
    expect(column(german, 'language_country_match')).toEqual([1, 0, Number.NaN]);
    const english = extractFeatures({ time: 0, language: 'en' }, undefined, candidates, models);
    expect(column(english, 'query_not_english')).toEqual([0, 0, 0]);
  });

  it('are missing when the language is unknown', () => {
    const unknown = extractFeatures({ time: 0 }, undefined, candidates, models);
    expect(column(unknown, 'query_not_english')).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(column(unknown, 'language_country_match')).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});
