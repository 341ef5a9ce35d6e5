import { describe, expect, it } from 'vitest';
import { addModelFeatures, extractFeatures, ranksWithin, sharedFeatures } from './extract.ts';
import { FEATURE_INDEX, FEATURES, type FeatureName } from './pixrank-featureset.ts';
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

describe('the shared and the model columns', () => {
  const candidate = (id: string, photographer: string, vector: number[], rank: number): RerankCandidate => ({
    id,
    candidate: { photo_id: id, photographer, country: 'France', downloads: 10 * rank, views: null, submitted_at: '2020-01-01T00:00:00Z' },
    vector: Float32Array.from(vector),
    lists: { keyword: { rank, score: 1 / rank } },
    fused: 1 / rank,
  });
  const candidates = [candidate('a', 'ann', [1, 0], 1), candidate('b', 'bob', [0, 1], 2), candidate('c', 'ann', [1, 1], 3)];
  const request = { time: Date.parse('2024-01-01T00:00:00Z'), user: 'u', country: 'France', queryVector: Float32Array.of(1, 0) };
  const state = { mean: Float32Array.of(0, 1), session: null, positives: [{ photo: 'a', weight: 1 }] };
  // A context scorer is an interface of two methods; this one scores photos by a table.
  const fm = { scoreContext: (_: unknown, ids: readonly string[]) => Float32Array.from(ids, (id) => ({ a: 0.1, b: 0.7, c: 0.4 })[id] ?? Number.NaN) };
  const models = { fm, photographerOf: (photo: string) => ({ a: 'ann' })[photo] };
  const MODEL_COLUMNS = new Set<FeatureName>(['als_score', 'fm_score', 'deepfm_score', 'als_rank', 'fm_rank', 'deepfm_rank', 'photographer_affinity']);
  const column = (features: Float32Array, name: FeatureName) => candidates.map((_, row) => features[row * FEATURES.length + FEATURE_INDEX[name]]);

  it('sharedFeatures fills every column but the models’, and adding the models’ columns gives extractFeatures', () => {
    const shared = sharedFeatures(request, state, candidates);
    const full = extractFeatures(request, state, candidates, models);
    for (const [name] of FEATURES) {
      if (MODEL_COLUMNS.has(name)) expect(column(shared, name), name).toEqual([Number.NaN, Number.NaN, Number.NaN]);
      else expect(column(shared, name), name).toEqual(column(full, name));
    }
    expect(column(full, 'fm_rank')).toEqual([3, 1, 2]);
    expect(column(full, 'photographer_affinity')).toEqual([1, 0, 1]);
    expect(column(full, 'clip_cosine')[0]).toBeCloseTo(1);
    expect(Array.from(addModelFeatures(shared.slice(), request, state, candidates, models))).toEqual(Array.from(full));
  });
});
