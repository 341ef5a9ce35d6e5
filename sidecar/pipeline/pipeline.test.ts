import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClipEncoder, type ClipEncoder } from '../clip/encoder.ts';
import { WORLD_MODEL_DIR } from '../clip/index.ts';
import type { RerankCandidate, RerankContext, SecondPass } from '../../ltr/second-pass.ts';
import { answer, memoryApp, memoryReads, postJson, type MemoryWorld } from '../../test/stub-services.ts';
import type { ListQuery } from '../retrieval/elastic-reads.ts';
import { QueryEmbedder } from '../search/query-embedder.ts';
import type { SearchResponse } from './response-schema.ts';

type Dropped = Array<{ photo_id: string; reason: string; of?: string }>;

async function search(app: ReturnType<typeof memoryApp>['app'], body: Record<string, unknown>): Promise<SearchResponse> {
  const { status, body: json } = await answer<SearchResponse>(postJson(app, '/search', body));
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

const ids = (response: SearchResponse) => response.hits.map((h) => h.photo_id);
const POLICY_OFF = { duplicate_cosine: 1, max_per_photographer: 0 };

describe('fusion of the keyword and kNN lists (hybrid)', () => {
  // keyword: p1 12, p2 10, p3 4, p4 1          kNN: p5 0.9, p1 0.6, p3 0.3
  const world: MemoryWorld = {
    photos: ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => ({ id })),
    keyword: [['p1', 12], ['p2', 10], ['p3', 4], ['p4', 1]],
    knn: [['p5', 0.9], ['p1', 0.6], ['p3', 0.3]],
  };
  let encoder: ClipEncoder;
  let app: ReturnType<typeof memoryApp>['app'];
  const asked: ListQuery[][] = [];
  beforeAll(async () => {
    // Hybrid mode embeds the query, so it needs a CLIP model: the small one shipped in the repository.
    encoder = await loadClipEncoder(WORLD_MODEL_DIR, { textCacheSize: 0, threads: 1 });
    const reads = memoryReads(world);
    const lists = reads.lists;
    reads.lists = (queries, options) => {
      asked.push([...queries]);
      return lists(queries, options);
    };
    app = memoryApp(reads, { encoder, queries: new QueryEmbedder(encoder) }).app;
  });
  afterAll(() => encoder?.close());

  it('RRF (k = 60) by hand: p1 1/61+1/62, p3 2/63, p5 1/61, p2 1/62, p4 1/64', async () => {
    const result = await search(app, { q: 'anything', mode: 'hybrid', policy: POLICY_OFF });
    expect(ids(result)).toEqual(['p1', 'p3', 'p5', 'p2', 'p4']);
    expect(result.hits.map((h) => h.scores.fused)).toEqual([1 / 61 + 1 / 62, 2 / 63, 1 / 61, 1 / 62, 1 / 64].map((s) => expect.closeTo(s, 12)));
    expect(result.hits[0]!.scores).toMatchObject({ keyword: { rank: 1, score: 12 }, clip: { rank: 2, score: 0.6 } });
    // The keyword list read beside the embedding, then the kNN one with the query's CLIP vector.
    expect(asked.slice(-2).map((read) => read.map((q) => q.kind))).toEqual([['keyword'], ['knn']]);
    const knn = asked.at(-1)![0]!;
    expect(knn.kind === 'knn' && knn.vector.length).toBe(encoder.dims);
  });

  it('linear with min-max by hand: p1 1 + 0.5, p5 0 + 1, p2 9/11, p3 3/11 + 0, p4 0', async () => {
    const result = await search(app, { q: 'anything', mode: 'hybrid', fusion: { method: 'linear', normalization: 'minmax' }, policy: POLICY_OFF });
    expect(ids(result)).toEqual(['p1', 'p5', 'p2', 'p3', 'p4']);
    expect(result.hits.map((h) => h.scores.fused)).toEqual([1.5, 1, 9 / 11, 3 / 11, 0].map((s) => expect.closeTo(s, 12)));
  });

  it('the request’s weights: clip weighed 0 leaves the keyword order, then what only kNN found', async () => {
    const result = await search(app, { q: 'anything', mode: 'hybrid', fusion: { weights: { clip: 0 } }, policy: POLICY_OFF });
    expect(ids(result)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
  });
});

describe('policy', () => {
  // Ann took a1, a2, a3. b1 is nearly a1 (cosine 0.99/√0.9901 ≈ 0.995); no other pair is above 0.8.
  const world: MemoryWorld = {
    photos: [
      { id: 'a1', photographer: 'ann', vector: [1, 0, 0] },
      { id: 'a2', photographer: 'ann', vector: [0, 1, 0] },
      { id: 'b1', photographer: 'bob', vector: [0.99, 0.1, 0] },
      { id: 'c1', photographer: 'cat', vector: [0, 0, 1] },
      { id: 'a3', photographer: 'ann', vector: [0, 0.6, 0.8] },
      { id: 'd1', photographer: 'dan', vector: [0.6, 0, 0.8] },
    ],
    keyword: [['a1', 10], ['a2', 9], ['b1', 8], ['c1', 7], ['a3', 6], ['d1', 5]],
  };
  const { app } = memoryApp(memoryReads(world));

  it('a near-duplicate of a better hit is dropped, naming which', async () => {
    const result = await search(app, { q: 'x', mode: 'keyword', policy: { duplicate_cosine: 0.97, max_per_photographer: 0 }, explain: true });
    expect(ids(result)).toEqual(['a1', 'a2', 'c1', 'a3', 'd1']);
    expect((result.explain?.policy as { dropped: Dropped }).dropped).toEqual([{ photo_id: 'b1', reason: 'duplicate', of: 'a1' }]);
  });

  it('past the cap per photographer, the photographer’s lower hits are dropped', async () => {
    const two = await search(app, { q: 'x', mode: 'keyword', policy: { duplicate_cosine: 1, max_per_photographer: 2 }, explain: true });
    expect(ids(two)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1']);
    expect((two.explain?.policy as { dropped: Dropped }).dropped).toEqual([{ photo_id: 'a3', reason: 'photographer_cap' }]);
    const both = await search(app, { q: 'x', mode: 'keyword', policy: { duplicate_cosine: 0.97, max_per_photographer: 1 } });
    expect(ids(both)).toEqual(['a1', 'c1', 'd1']);
  });
});

describe('policy after a second pass', () => {
  // b1 nearly duplicates a1 and comes second in the first stage; the pass prefers b1 (Bob's shot).
  const world: MemoryWorld = {
    photos: [
      { id: 'a1', photographer: 'ann', vector: [1, 0, 0] },
      { id: 'b1', photographer: 'bob', vector: [0.99, 0.1, 0] },
      { id: 'c1', photographer: 'cat', vector: [0, 0, 1] },
      { id: 'a2', photographer: 'ann', vector: [0, 1, 0] },
    ],
    keyword: [['a1', 10], ['b1', 9], ['c1', 8], ['a2', 7]],
  };
  const scores: Record<string, number> = { a1: 0.2, b1: 0.9, c1: 0.5, a2: 0.4 };
  const scored: string[][] = [];
  const secondPass: SecondPass = {
    version: 'stub-pass-2',
    async rerank(_context, candidates: RerankCandidate[]) {
      scored.push(candidates.map((c) => c.id));
      expect(candidates.every((c) => c.vector !== undefined)).toBe(true);
      return { scores: candidates.map((c) => scores[c.id]!) };
    },
  };
  const { app } = memoryApp(memoryReads(world), { secondPass });

  it('judges duplicates and the photographer cap in the order the pass gave: the copy the user prefers stays', async () => {
    const result = await search(app, { q: 'x', mode: 'keyword', user: 'u1', policy: { duplicate_cosine: 0.97, max_per_photographer: 1 }, explain: true });
    expect(ids(result)).toEqual(['b1', 'c1', 'a2']);
    expect((result.explain?.policy as { dropped: Dropped }).dropped).toEqual([{ photo_id: 'a1', reason: 'duplicate', of: 'b1' }]);
    // The pass scored the whole window, then the policy walked its order.
    expect(scored.at(-1)).toEqual(['a1', 'b1', 'c1', 'a2']);
  });

  it('photos the request excludes are not handed to the pass (the query photo of /similar)', async () => {
    const similar = memoryApp(memoryReads({ ...world, knn: [['a1', 1], ['b1', 0.99], ['c1', 0.1], ['a2', 0.05]] }), { secondPass }).app;
    const { status, body } = await answer<SearchResponse>(postJson(similar, '/similar', { photo_id: 'a1', user: 'u1', k: 10 }));
    expect(status, JSON.stringify(body)).toBe(200);
    expect(ids(body)).not.toContain('a1');
    expect(scored.at(-1)).toEqual(['b1', 'c1', 'a2']);
  });
});

describe('second pass', () => {
  const world: MemoryWorld = { photos: ['p1', 'p2', 'p3'].map((id) => ({ id })), keyword: [['p1', 10], ['p2', 8], ['p3', 6]] };
  const calls: Array<{ context: RerankContext; ids: string[] }> = [];
  const scores: Record<string, number> = { p1: 0.1, p2: 0.9, p3: 0.5 };
  const secondPass: SecondPass = {
    version: 'stub-pass-1',
    async rerank(context, candidates: RerankCandidate[]) {
      calls.push({ context, ids: candidates.map((c) => c.id) });
      return { scores: candidates.map((c) => scores[c.id]!) };
    },
  };
  const { app } = memoryApp(memoryReads(world), { secondPass });

  it('a personalized request is re-ordered by the pass’s scores, and says which pass', async () => {
    calls.length = 0;
    const result = await search(app, { q: 'sea', mode: 'keyword', user: 'u1', country: 'IS', policy: POLICY_OFF });
    expect(ids(result)).toEqual(['p2', 'p3', 'p1']);
    expect(result.hits.map((h) => [h.score, h.scores.rerank, h.scores.fused])).toEqual([
      [0.9, 0.9, 8],
      [0.5, 0.5, 6],
      [0.1, 0.1, 10],
    ]);
    expect(result).toMatchObject({ personalized: true, model_version: 'stub-pass-1' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.ids).toEqual(['p1', 'p2', 'p3']);
    expect(calls[0]!.context).toMatchObject({ user: 'u1', query: 'sea', country: 'IS' });
    expect(calls[0]!.context.signal).toBeInstanceOf(AbortSignal);
  });

  it("hands the pass the query's language: the request's lang, else detected from the query, else the country's", async () => {
    calls.length = 0;
    for (const body of [{ q: 'sea', lang: 'de', country: 'IS' }, { q: 'voiture rouge', country: 'IS' }, { q: 'sea', country: 'IS' }]) await search(app, { ...body, mode: 'keyword', user: 'u1', policy: POLICY_OFF });
    expect(calls.map((c) => c.context.language)).toEqual(['de', 'fr', 'is']);
  });

  it("/similar hands the pass the request's lang, else the country's language (no query text to detect), and says which", async () => {
    const photos = world.photos.map((p, i) => ({ ...p, vector: [1, i] }));
    const { app: similar } = memoryApp(memoryReads({ ...world, photos, knn: [['p2', 0.9], ['p3', 0.8]] }), { secondPass });
    calls.length = 0;
    const answers = [];
    for (const body of [{ lang: 'DE', country: 'IS' }, { country: 'JP' }, {}]) {
      const { status, body: json } = await answer<SearchResponse>(postJson(similar, '/similar', { photo_id: 'p1', user: 'u1', ...body }));
      expect(status, JSON.stringify(json)).toBe(200);
      answers.push([json.lang, json.lang_source]);
    }
    expect(calls.map((c) => c.context.language)).toEqual(['de', 'ja', undefined]);
    expect(answers).toEqual([['de', 'request'], ['ja', 'country'], [undefined, undefined]]);
    const refused = await answer<{ error: { message: string } }>(postJson(similar, '/similar', { photo_id: 'p1', user: 'u1', lang: 'deutsch' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('body.lang: must be an ISO 639 language code such as en, de, ja');
  });

  it("_search with ext.personalize hands the pass its lang, else the language detected in its query, else the country's", async () => {
    const forward = { took: 1, hits: { max_score: 3, hits: ['p1', 'p2', 'p3'].map((id, i) => ({ _id: id, _score: 3 - i, _source: {} })) } };
    const { app: front } = memoryApp(memoryReads({ ...world, forward }), { secondPass });
    calls.length = 0;
    for (const personalize of [{ lang: 'it', query: 'schwarze Katze im Schnee', country: 'JP' }, { query: 'schwarze Katze im Schnee', country: 'JP' }, { query: 'cat', country: 'JP' }, {}]) {
      const { status, body } = await answer<Record<string, unknown>>(postJson(front, '/photos/_search', { query: { match_all: {} }, ext: { personalize: { user: 'u1', ...personalize } } }));
      expect(status, JSON.stringify(body)).toBe(200);
    }
    expect(calls.map((c) => [c.context.language, c.context.query])).toEqual([
      ['it', 'schwarze Katze im Schnee'],
      ['de', 'schwarze Katze im Schnee'],
      ['ja', 'cat'],
      [undefined, undefined],
    ]);
  });

  it("/recommend hands the pass the request's lang, else the country's language, and says which", async () => {
    const photos = world.photos.map((p, i) => ({ ...p, vector: [1, i] }));
    const { app: recommend } = memoryApp(memoryReads({ ...world, photos, knn: [['p2', 0.9], ['p3', 0.8]], interactions: { u1: [{ photo_id: 'p1', type: 'download', at: 1 }] } }), { secondPass });
    calls.length = 0;
    const answers = [];
    for (const query of ['?lang=pt&country=JP', '?country=JP', '']) {
      const { status, body } = await answer<SearchResponse>(recommend.request(`/recommend/u1${query}`));
      expect(status, JSON.stringify(body)).toBe(200);
      answers.push([body.lang, body.lang_source]);
    }
    expect(calls.map((c) => [c.context.language, c.context.country])).toEqual([['pt', 'JP'], ['ja', 'JP'], [undefined, undefined]]);
    expect(answers).toEqual([['pt', 'request'], ['ja', 'country'], [undefined, undefined]]);
    const refused = await answer<{ error: { message: string } }>(recommend.request('/recommend/u1?lang=deutsch'));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('query.lang: must be an ISO 639 language code such as en, de, ja');
  });

  it('without a user, or with personalize off, the pass is not called and the first-stage order stands', async () => {
    calls.length = 0;
    for (const body of [{ q: 'sea', mode: 'keyword' }, { q: 'sea', mode: 'keyword', user: 'u1', personalize: false }]) {
      const result = await search(app, { ...body, policy: POLICY_OFF });
      expect(ids(result)).toEqual(['p1', 'p2', 'p3']);
      expect(result).toMatchObject({ personalized: false, model_version: null });
      expect(result.hits.every((h) => h.scores.rerank === undefined)).toBe(true);
    }
    expect(calls).toHaveLength(0);
  });

  it('the user’s profile is read beside the retrieval, not after it, and handed to the pass', async () => {
    // The lists answer only once the feedback read has started: a profile read that waited for
    // them would never start, and the request would hang until the test's time-out.
    let feedbackAsked!: () => void;
    const asked = new Promise<void>((resolve) => (feedbackAsked = resolve));
    const user = { photo_id: 'p3', type: 'download', at: 1 };
    const reads = memoryReads({ ...world, photos: world.photos.map((p) => ({ ...p, vector: [1, 0] })), interactions: { u2: [user] } });
    const { app: gated } = memoryApp(
      {
        ...reads,
        lists: async (queries, options) => (await asked, reads.lists(queries, options)),
        interactions: (who, options) => (feedbackAsked(), reads.interactions(who, options)),
      },
      { secondPass },
    );
    calls.length = 0;
    const result = await search(gated, { q: 'sea', mode: 'keyword', user: 'u2', policy: POLICY_OFF });
    expect(result.personalized).toBe(true);
    expect(calls[0]!.context.profile).toMatchObject({ positives: ['p3'], mean: Float32Array.of(1, 0) });
  }, 5_000);
});
