import type { estypes } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { dropAlias, testClient, uniqueAlias } from '../test/es.ts';
import { elasticReads } from '../sidecar/retrieval/elastic-reads.ts';
import { indexLayoutOf, keywordLayoutOf } from '../sidecar/retrieval/elastic-reads.ts';
import { applyMappings, indicesBehindAlias } from './apply.ts';
import { recordDatasetFolder, recordedDatasetFolder } from './dataset-folder.ts';
import { KEYWORD_TIERS_FIELD } from './keyword-tiers.ts';
import { reindexAlias, upgradeIfBehind } from './reindex.ts';
import { photosTemplate } from './templates.ts';
import { CLIP_BYTES_FIELD, decodeVectorBytes } from './vector-bytes.ts';

const client = testClient();
const alias = uniqueAlias();
const older = uniqueAlias('older');

afterAll(async () => {
  await dropAlias(client, alias);
  await dropAlias(client, older);
  await client.close();
});

describe('es reindex', () => {
  it('swaps the alias to the next version under a loop of searches without losing one', async () => {
    await applyMappings(client, { alias, clipDims: 4 });
    const docs = Array.from({ length: 300 }, (_, i) => ({ photo_id: `p${String(i).padStart(10, '0')}`, clip: [1, i % 7, i % 3, 1], stats: { views: i } }));
    await client.helpers.bulk({ datasource: docs, onDocument: (d) => ({ index: { _index: alias, _id: d.photo_id } }), refreshOnCompletion: alias });

    let searching = true;
    const outcomes: Array<number | string> = [];
    const loop = (async () => {
      while (searching) {
        try {
          const r = await client.search({ index: alias, size: 0, track_total_hits: true, query: { range: { 'stats.views': { gte: 0 } } } });
          outcomes.push(typeof r.hits.total === 'number' ? r.hits.total : r.hits.total!.value);
        } catch (error) {
          outcomes.push((error as Error).message);
        }
      }
    })();
    await recordDatasetFolder(client, alias, '/data/unsplash-lite');
    const result = await reindexAlias(client, { alias });
    // Keep searching a little after the swap, on the new index.
    await new Promise((resolve) => setTimeout(resolve, 300));
    searching = false;
    await loop;

    expect(result).toMatchObject({ from: `${alias}-v1`, to: `${alias}-v2`, documents: 300 });
    expect(await indicesBehindAlias(client, alias)).toEqual([`${alias}-v2`]);
    expect(await client.indices.exists({ index: `${alias}-v1` })).toBe(false);
    // The folder the sidecar serves the photos' images from goes with the index.
    expect(await recordedDatasetFolder(client, alias)).toBe('/data/unsplash-lite');
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => o !== 300)).toEqual([]);
    // Vectors are not in _source: the copy must carry them, or kNN on the new index finds nothing.
    const copied = await client.search({ index: alias, query: { ids: { values: ['p0000000005'] } }, docvalue_fields: ['clip'], _source: false });
    expect(copied.hits.hits[0]!.fields!.clip).toEqual([[1, 5, 2, 1]]);
    const knn = await client.search({ index: alias, knn: { field: 'clip', query_vector: [1, 5, 2, 1], k: 3, num_candidates: 50 }, _source: false });
    expect(knn.hits.hits.length).toBe(3);
    expect(knn.hits.hits[0]!._score).toBeCloseTo(1, 3);
    process.stdout.write(`[es] reindex by ${result.method}: ${outcomes.length} searches during the swap, none lost\n`);
  });

  it('brings an index made before the keyword tiers and the vector bytes up to date: searchable and readable meanwhile, tiered and read from bytes after', async () => {
    // What an older pixrank made: the template of then (no keyword_tiers), documents without them.
    const { template } = photosTemplate({ alias: older, clipDims: 4 }) as { template: { settings: estypes.IndicesIndexSettings; mappings: { properties: Record<string, estypes.MappingProperty> } } };
    const { [KEYWORD_TIERS_FIELD]: _tiers, [CLIP_BYTES_FIELD]: _bytes, ...properties } = template.mappings.properties;
    await client.indices.create({ index: `${older}-v1`, settings: template.settings, mappings: { ...template.mappings, properties }, aliases: { [older]: { is_write_index: true } } });
    const docs = [
      { photo_id: 'dogAAAAAAAA', keywords: [{ keyword: 'dog', confidence: 0.9 }], clip: [0.1, 0.2, 0.3, 0.4] },
      { photo_id: 'beachBBBBBB', keywords: [{ keyword: 'beach', confidence: 0.95 }, { keyword: 'dog', confidence: 0.3 }], clip: [1 / 3, -2.5, 1e-7, 7] },
      { photo_id: 'cityCCCCCCC', keywords: [{ keyword: 'city', confidence: 0.8 }] },
    ];
    await client.helpers.bulk({ datasource: docs, onDocument: (d) => ({ index: { _index: older, _id: d.photo_id } }), refreshOnCompletion: older });

    expect(await indexLayoutOf(client, older)).toEqual({ keywords: 'nested', clipBytes: false });
    const ids = ['dogAAAAAAAA', 'beachBBBBBB', 'cityCCCCCCC'];
    const vectorsBefore = await elasticReads(client).vectors(ids, { index: older, field: 'clip' });
    expect([...vectorsBefore.keys()].sort()).toEqual(['beachBBBBBB', 'dogAAAAAAAA']);
    const [before] = await elasticReads(client).lists([{ kind: 'keyword', name: 'keyword', text: 'dog' }], { index: older, size: 10 });
    expect(before!.list.hits.map((h) => h.id)).toEqual(['dogAAAAAAAA', 'beachBBBBBB']);

    expect(await upgradeIfBehind(client, older)).toMatchObject({ from: `${older}-v1`, to: `${older}-v2`, documents: 3 });
    expect(await upgradeIfBehind(client, older)).toBeUndefined();
    const copied = await client.get<Record<string, unknown>>({ index: older, id: 'beachBBBBBB' });
    expect(copied._source![KEYWORD_TIERS_FIELD]).toEqual({ very_high: ['beach'], high: [], medium: [], low: ['dog'] });
    expect(await keywordLayoutOf(client, older, Date.now() + 60_000)).toBe('tiers');
    expect((await indexLayoutOf(client, older, Date.now() + 60_000)).clipBytes).toBe(true);
    // The bytes were made from the dense vector's own floats: the vectors read back are the same, bit for bit.
    const bytes = await client.search({ index: older, query: { ids: { values: ids } }, docvalue_fields: ['photo_id', CLIP_BYTES_FIELD], _source: false });
    const fromBytes = new Map(bytes.hits.hits.flatMap((h) => ((h.fields?.[CLIP_BYTES_FIELD] as string[] | undefined) ? [[h._id!, decodeVectorBytes((h.fields![CLIP_BYTES_FIELD] as string[])[0]!)!]] : [])));
    expect([...fromBytes.keys()].sort()).toEqual(['beachBBBBBB', 'dogAAAAAAAA']);
    for (const [id, vector] of vectorsBefore) expect(fromBytes.get(id)).toEqual(vector);
    expect(await elasticReads(client).vectors(ids, { index: older, field: 'clip' })).toEqual(vectorsBefore);
    const [after] = await elasticReads(client).lists([{ kind: 'keyword', name: 'keyword', text: 'dog' }], { index: older, size: 10 });
    expect(after!.list.hits.map((h) => h.id)).toEqual(['dogAAAAAAAA', 'beachBBBBBB']);
  });
});
