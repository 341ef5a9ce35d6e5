import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keywordLayoutOf, keywordQuery } from '../sidecar/retrieval/elastic-reads.ts';
import { dropAlias, testClient, uniqueAlias } from '../test/es.ts';
import { applyMappings } from './apply.ts';
import { keywordTiers } from './keyword-tiers.ts';

const client = testClient();
const alias = uniqueAlias();

function unit(values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

const photos = [
  { photo_id: 'beachAAAAAA', clip: unit([1, 0.1, 0, 0, 0, 0, 0, 0]), keywords: [{ keyword: 'dog', confidence: 0.3 }, { keyword: 'beach', confidence: 0.95 }] },
  { photo_id: 'dogBBBBBBBB', clip: unit([0, 1, 0.1, 0, 0, 0, 0, 0]), keywords: [{ keyword: 'dog', confidence: 0.9 }] },
  { photo_id: 'cityCCCCCCC', clip: unit([0, 0, 0, 1, 0.2, 0, 0, 0]), keywords: [{ keyword: 'city', confidence: 0.8 }] },
  { photo_id: 'forestDDDDD', clip: unit([0, 0, 0, 0, 0, 1, 0.3, 0]), keywords: [{ keyword: 'forest', confidence: 0.7 }] },
  { photo_id: 'nightEEEEEE', clip: unit([0, 0, 0, 0, 0, 0, 0.2, 1]), keywords: [{ keyword: 'night', confidence: 0.6 }] },
];

beforeAll(async () => {
  await applyMappings(client, { alias, clipDims: 8 });
  await client.helpers.bulk({
    datasource: photos.map((p) => ({ ...p, keyword_tiers: keywordTiers(p.keywords) })),
    onDocument: (doc) => ({ index: { _index: alias, _id: doc.photo_id } }),
    refreshOnCompletion: alias,
  });
});

afterAll(async () => {
  await dropAlias(client, alias);
  await client.close();
});

describe('searching the photos index', () => {
  it('kNN on the int8_hnsw clip field returns the nearest hand-made vector first', async () => {
    for (const target of photos) {
      const query = target.clip.map((v, i) => v + (i === 2 ? 0.05 : 0));
      const result = await client.search({ index: alias, knn: { field: 'clip', query_vector: query, k: 3, num_candidates: 10 }, _source: false });
      expect(result.hits.hits[0]!._id).toBe(target.photo_id);
    }
  });

  it('kNN filters inside the search', async () => {
    const result = await client.search({
      index: alias,
      knn: { field: 'clip', query_vector: photos[0]!.clip, k: 3, num_candidates: 10, filter: { term: { photo_id: 'cityCCCCCCC' } } },
      _source: false,
    });
    expect(result.hits.hits.map((h) => h._id)).toEqual(['cityCCCCCCC']);
  });

  it('the index has the keyword tier fields, so the sidecar queries them', async () => {
    expect(await keywordLayoutOf(client, alias)).toBe('tiers');
  });

  for (const layout of ['tiers', 'nested'] as const) {
    it(`a keyword query (${layout}) ranks the photo with the higher keyword confidence first`, async () => {
      const result = await client.search({ index: alias, query: keywordQuery('dog', { layout }), _source: false });
      expect(result.hits.hits.map((h) => h._id)).toEqual(['dogBBBBBBBB', 'beachAAAAAA']);
      expect(result.hits.hits[0]!._score!).toBeGreaterThan(result.hits.hits[1]!._score! * 2);
    });
  }

  it('user text with query_string syntax is matched as plain words, never parsed', async () => {
    const result = await client.search({ index: alias, query: keywordQuery('dog AND (city OR "x" ~ *:*'), _source: false });
    expect(result.hits.hits.map((h) => h._id).sort()).toEqual(['beachAAAAAA', 'cityCCCCCCC', 'dogBBBBBBBB']);
  });
});
