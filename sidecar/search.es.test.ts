import { describe, expect, it } from 'vitest';
import { testClient, uniqueAlias } from '../test/es.ts';
import type { SearchResponse } from './pipeline/response-schema.ts';
import { vectorsById, type ListQuery } from './retrieval/elastic-reads.ts';
import { encodeVectorBytes } from '../es-mappings/vector-bytes.ts';
import { WORLD_MODEL_DIR } from './clip/index.ts';
import { postJson, testSidecar, useWorldSidecar } from '../test/world-sidecar.ts';

const client = testClient();
const alias = uniqueAlias('sidecar-search');
// The shipped world CLIP, so that clip and hybrid modes find topics as keyword mode does.
const fixture = useWorldSidecar(client, alias, { photos: 240, users: 30, seed: 21, modelDir: WORLD_MODEL_DIR }, { modelDir: WORLD_MODEL_DIR });

async function search(body: Record<string, unknown>): Promise<SearchResponse> {
  const response = await postJson(fixture.sidecar.app, '/search', body);
  const json = (await response.json()) as SearchResponse;
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

function topicOf(id: string): string[] {
  return fixture.world.photos.find((p) => p.photo_id === id)?.topics ?? [];
}

describe('POST /search', () => {
  it.each(['keyword', 'clip', 'hybrid'] as const)('%s mode finds a topic’s photos for the topic’s word (precision@10 over six topics)', async (mode) => {
    const topics = ['beach', 'mountain', 'cat', 'coffee', 'snow', 'bicycle'];
    let relevant = 0;
    let shown = 0;
    for (const topic of topics) {
      // The policy off: this checks retrieval.
      const { hits } = await search({ q: topic, mode, k: 10, policy: { max_per_photographer: 0, duplicate_cosine: 1 } });
      shown += hits.length;
      relevant += hits.filter((h) => topicOf(h.photo_id).includes(topic)).length;
      if (mode !== 'hybrid') expect(hits.every((h) => h.scores[mode] !== undefined && h.scores[mode === 'keyword' ? 'clip' : 'keyword'] === undefined)).toBe(true);
    }
    expect(shown).toBeGreaterThanOrEqual(50);
    // 240 photos leave a topic about 15 photos, a third of them showing it only in a corner: the
    // embedding alone ranks a few of those below other topics' photos (on 1,500 photos it reaches
    // 1.0; see clip/world-model.es.test.ts).
    expect(relevant / shown, `${relevant}/${shown}`).toBeGreaterThanOrEqual(mode === 'clip' ? 0.8 : 0.9);
  });

  it('every hit carries a thumbnail_url this sidecar serves as an image', async () => {
    const { hits } = await search({ q: 'beach', mode: 'hybrid', k: 3 });
    expect(hits.length).toBe(3);
    for (const hit of hits) {
      expect(hit.thumbnail_url).toBe(`/images/${hit.photo_id}?w=256`);
      const image = await fixture.sidecar.app.request(hit.thumbnail_url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toMatch(/^image\//);
      expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(500);
    }
  });

  it('keyword mode searches free texts without English stop words ("in" is in nearly every description)', async () => {
    const ranked = async (q: string) => (await search({ q, mode: 'keyword', k: 20, explain: true })).hits.map((h) => [h.photo_id, h.scores.keyword?.score]);
    expect(await ranked('the beach in the')).toEqual(await ranked('beach'));
  });

  it('hybrid mode fuses both lists and says where each hit stood in each', async () => {
    const result = await search({ q: 'dog', mode: 'hybrid', k: 20, explain: true });
    expect(result.hits).toHaveLength(20);
    expect(result.hits.some((h) => h.scores.keyword && h.scores.clip)).toBe(true);
    for (const hit of result.hits) expect(hit.scores.keyword ?? hit.scores.clip).toBeDefined();
    expect(result.explain?.fusion).toMatchObject({ method: 'rrf', rank_constant: 60 });
    expect(Object.keys(result.took_ms)).toEqual(expect.arrayContaining(['embed', 'retrieve', 'fuse', 'policy', 'total']));
    // RRF: a hit's fused score is the sum of 1/(60 + rank) over the lists it is in
    const top = result.hits[0]!;
    const expected = (top.scores.keyword ? 1 / (60 + top.scores.keyword.rank) : 0) + (top.scores.clip ? 1 / (60 + top.scores.clip.rank) : 0);
    expect(top.scores.fused).toBeCloseTo(expected, 10);

    const linear = await search({ q: 'dog', mode: 'hybrid', k: 5, fusion: { method: 'linear', normalization: 'zscore', weights: { clip: 0 } }, explain: true });
    expect(linear.explain?.fusion).toMatchObject({ method: 'linear', normalization: 'zscore', weights: { keyword: 1, clip: 0 } });
  });

  it('clip mode runs kNN on the int8_hnsw field and reports the cosine scores', async () => {
    const result = await search({ q: 'a red car', mode: 'clip', k: 10, explain: true });
    expect(result.hits).toHaveLength(10);
    expect(result.hits.every((h) => h.scores.clip && h.scores.keyword === undefined)).toBe(true);
    const knn = (result.explain?.retrieval as { clip: { request: { knn: { field: string; num_candidates: number } } } }).clip.request.knn;
    expect(knn).toMatchObject({ field: 'clip', num_candidates: 200 });
  });

  it('filters hold in every mode', async () => {
    const anyHit = (await search({ q: 'city', mode: 'keyword', k: 1 })).hits[0]!;
    for (const mode of ['keyword', 'clip', 'hybrid']) {
      const byCountry = await search({ q: 'city', mode, k: 20, filters: { country: anyHit.country } });
      expect(byCountry.hits.length).toBeGreaterThan(0);
      expect(byCountry.hits.every((h) => h.country === anyHit.country)).toBe(true);
      const portrait = await search({ q: 'city', mode, k: 20, filters: { orientation: 'portrait', color: ['blue', 'navy'] } });
      expect(portrait.hits.every((h) => h.orientation === 'portrait' && h.colors.some((c) => c === 'blue' || c === 'navy'))).toBe(true);
    }
    const byPhotographer = await search({ q: 'city', mode: 'hybrid', k: 20, filters: { photographer: anyHit.photographer! } });
    expect(byPhotographer.hits.every((h) => h.photographer === anyHit.photographer)).toBe(true);
  });

  it('the policy drops an inserted exact duplicate and caps hits per photographer', async () => {
    const before = await search({ q: 'forest', mode: 'keyword', k: 10, policy: { max_per_photographer: 0 } });
    const original = before.hits[0]!;
    const source = (await client.get<Record<string, unknown>>({ index: alias, id: original.photo_id }))._source!;
    const clip = Array.from((await vectorsById(client, alias, [original.photo_id])).get(original.photo_id)!);
    await client.index({ index: alias, id: 'duplicate-of-top', document: { ...source, clip, photo_id: 'duplicate-of-top', photographer: { username: 'someone-else' } }, refresh: true });

    const after = await search({ q: 'forest', mode: 'keyword', k: 10, policy: { max_per_photographer: 0 }, explain: true });
    const ids = after.hits.map((h) => h.photo_id);
    expect(ids.filter((id) => id === original.photo_id || id === 'duplicate-of-top')).toHaveLength(1);
    const dropped = (after.explain?.policy as { dropped: Array<{ photo_id: string; reason: string; of?: string }> }).dropped;
    expect(dropped.some((d) => d.reason === 'duplicate' && [d.photo_id, d.of].includes('duplicate-of-top'))).toBe(true);

    const capped = await search({ q: 'forest', mode: 'hybrid', k: 30, policy: { max_per_photographer: 1 } });
    const photographers = capped.hits.map((h) => h.photographer);
    expect(new Set(photographers).size).toBe(photographers.length);
  });

  it('pages do not overlap', async () => {
    const first = await search({ q: 'food', mode: 'hybrid', k: 10, page: 1 });
    const second = await search({ q: 'food', mode: 'hybrid', k: 10, page: 2 });
    expect(second.hits[0]!.rank).toBe(11);
    const overlap = second.hits.filter((h) => first.hits.some((f) => f.photo_id === h.photo_id));
    expect(overlap).toHaveLength(0);
  });

  it('logs every served search to search-events', async () => {
    const result = await search({ q: 'night sky', mode: 'hybrid', k: 5, user: 'logger-test' });
    await fixture.sidecar.services.searchEvents.close(); // flushes, as shutdown does
    await client.indices.refresh({ index: 'search-events' });
    const logged = await client.search<{ served_ids: string[]; mode: string; user: string; took_ms: { total: number } }>({
      index: 'search-events',
      query: { term: { request_id: result.request_id } },
    });
    expect(logged.hits.hits).toHaveLength(1);
    const event = logged.hits.hits[0]!._source!;
    expect(event).toMatchObject({ mode: 'hybrid', user: 'logger-test', served_ids: result.hits.map((h) => h.photo_id) });
    expect(event.took_ms.total).toBeGreaterThan(0);
    // The writer was closed to flush it; the remaining tests get a fresh fixture.sidecar.
    await fixture.sidecar.services.close();
    fixture.sidecar = await testSidecar(client, alias);
  });

  it("logs the request's language and where it came from: detected from a German query, or the request's own lang", async () => {
    const german = await search({ q: 'schwarze Katze im Schnee', mode: 'keyword', k: 5, user: 'lang-test', country: 'US' });
    const explicit = await search({ q: 'cat', mode: 'keyword', k: 5, user: 'lang-test', lang: 'fr' });
    const unknown = await search({ q: 'cat', mode: 'keyword', k: 5 });
    expect([german.lang, german.lang_source, explicit.lang, explicit.lang_source, unknown.lang]).toEqual(['de', 'detected', 'fr', 'request', undefined]);
    const refused = await postJson(fixture.sidecar.app, '/search', { q: 'cat', lang: 'Deutsch' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^body\.lang: must be an ISO 639 language code/);

    await fixture.sidecar.services.searchEvents.close(); // flushes, as shutdown does
    await client.indices.refresh({ index: 'search-events' });
    const logged = async (requestId: string) =>
      (await client.search<Record<string, unknown>>({ index: 'search-events', query: { term: { request_id: requestId } } })).hits.hits.map((hit) => hit._source!);
    expect(await logged(german.request_id)).toEqual([expect.objectContaining({ query: 'schwarze Katze im Schnee', lang: 'de', lang_source: 'detected' })]);
    expect(await logged(explicit.request_id)).toEqual([expect.objectContaining({ lang: 'fr', lang_source: 'request' })]);
    const [none] = await logged(unknown.request_id);
    expect(none).toBeDefined();
    expect(none).not.toHaveProperty('lang');
    // The logged field is a keyword: the events can be counted by language.
    const byLanguage = await client.search({ index: 'search-events', size: 0, query: { term: { user: 'lang-test' } }, aggs: { lang: { terms: { field: 'lang_source' } } } });
    expect((byLanguage.aggregations!.lang as { buckets: Array<{ key: string }> }).buckets.map((b) => b.key).sort()).toEqual(['detected', 'request']);
    await fixture.sidecar.services.close();
    fixture.sidecar = await testSidecar(client, alias);
  });
});

describe("the photos held in memory (serve's photo table)", () => {
  it('loads every photo with the vector and texts Elasticsearch holds, serves them without a read, and a refresh takes a photo indexed since', async () => {
    const held = await testSidecar(client, alias, { modelDir: WORLD_MODEL_DIR, photoTable: { photos: 10_000, refreshMs: 0, overlapMs: 0 } });
    try {
      await held.services.tableSync!.loaded;
      const count = (await client.count({ index: alias, query: { exists: { field: 'clip_f32' } } })).count;
      expect(held.services.tableSync!.status).toEqual({ state: 'loaded', held: count, complete: true });
      const ready = (await (await held.app.request('/readyz')).json()) as { photo_table: { state: string; held: number } };
      expect(ready.photo_table).toEqual({ state: 'loaded', held: count, complete: true });

      const ids = fixture.world.photos.slice(0, 40).map((p) => p.photo_id);
      const stored = await vectorsById(client, alias, ids);
      const misses = () => held.services.metrics.vectorCache.get().then((m) => m.values.find((v) => v.labels.result === 'miss')?.value ?? 0);
      const missesBefore = await misses();
      const inMemory = await held.services.vectors.get(ids);
      expect(await misses()).toBe(missesBefore);
      for (const id of ids) expect(inMemory.get(id)).toEqual(stored.get(id));
      // The page's texts too: a search's page reads nothing by id.
      const textMisses = () => held.services.metrics.textCache.get().then((m) => m.values.find((v) => v.labels.result === 'miss')?.value ?? 0);
      const page = await postJson(held.app, '/search', { q: 'beach', mode: 'hybrid', k: 10 });
      const hits = ((await page.json()) as SearchResponse).hits;
      expect(hits).toHaveLength(10);
      expect(await textMisses()).toBe(0);
      const sources = await client.mget<{ description?: string; ai_description?: string }>({ index: alias, ids: hits.map((h) => h.photo_id), _source: ['description', 'ai_description'] });
      expect(hits.map((h) => h.description)).toEqual(sources.docs.map((d) => ('_source' in d ? (d._source?.description ?? d._source?.ai_description ?? null) : null)));
      // The lists' hits carry their ids alone, and the table gives the same facts Elasticsearch's doc values do.
      const explained = (await (await postJson(held.app, '/search', { q: 'beach', mode: 'hybrid', k: 10, explain: true })).json()) as { explain: { retrieval: Record<string, { request: { docvalue_fields: string[] } }> } };
      for (const list of Object.values(explained.explain.retrieval)) expect(list.request.docvalue_fields).toEqual(['photo_id']);
      const lists = (vector: number[]): ListQuery[] => [{ kind: 'keyword', name: 'keyword', text: 'beach' }, { kind: 'knn', name: 'clip', vector, field: 'clip', numCandidates: 60 }];
      const sameFacts = async (vector: number[]) => {
        const [fromTable, fromDocValues] = await Promise.all([held.services.reads.lists(lists(vector), { index: alias, size: 30 }), fixture.sidecar.services.reads.lists(lists(vector), { index: alias, size: 30 })]);
        expect(fromTable.map((r) => r.request.docvalue_fields)).toEqual([['photo_id'], ['photo_id']]);
        expect(fromDocValues.map((r) => (r.request.docvalue_fields as string[]).length)).toEqual([6, 6]);
        fromTable.forEach((r, i) => expect(new Map(r.candidates)).toEqual(fromDocValues[i]!.candidates));
        return fromTable;
      };
      await sameFacts(Array.from(stored.get(ids[1]!)!));

      // Nothing indexed since the load: a refresh reads nothing (one count).
      expect(await held.services.tableSync!.refresh()).toEqual({ read: 0, held: count, complete: true });
      // A photo indexed after the load: the refresh reads it, and of the others only those indexed as late as the newest held.
      const newest = (await client.search({ index: alias, size: 0, aggs: { newest: { max: { field: 'indexed_at' } } } })).aggregations!.newest as { value: number };
      const asLate = (await client.count({ index: alias, query: { range: { indexed_at: { gte: newest.value, format: 'epoch_millis' } } } })).count;
      expect(asLate).toBeLessThan(count / 4);
      const source = (await client.get<Record<string, unknown>>({ index: alias, id: ids[0]! }))._source!;
      const vector = Array.from(stored.get(ids[1]!)!);
      await client.index({ index: alias, id: 'indexed-later', document: { ...source, photo_id: 'indexed-later', clip: vector, clip_f32: encodeVectorBytes(vector), indexed_at: new Date(Date.now() + 1_000).toISOString() }, refresh: true });
      try {
        // Before the table reads it, a list that finds it reads its facts by id.
        const before = await sameFacts(vector);
        expect(before[1]!.candidates.get('indexed-later')?.photographer).toBe((source.photographer as { username: string }).username);
        const refreshed = await held.services.tableSync!.refresh();
        expect(refreshed).toEqual({ read: asLate + 1, held: count + 1, complete: true });
        expect((await held.services.vectors.get(['indexed-later'])).get('indexed-later')).toEqual(Float32Array.from(vector));
        expect(await misses()).toBe(missesBefore);
      } finally {
        await client.delete({ index: alias, id: 'indexed-later', refresh: true });
      }
    } finally {
      await held.services.close();
    }
  });
});

