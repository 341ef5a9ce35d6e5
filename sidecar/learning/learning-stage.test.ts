import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX, FEATURES, PIXRANK_FEATURESET } from '../../ltr/features/pixrank-featureset.ts';
import type { LoggedRow } from '../../ltr/learning/logged-search.ts';
import { Random } from '../../ltr/random.ts';
import { answer, memoryApp, memoryReads, postJson, type MemoryWorld } from '../../test/stub-services.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';
import { adjacentSwap } from './adjacent-swap.ts';
import { DEFAULT_LEARNING } from './learning-settings.ts';

// 30 photos, keyword list p0 (score 30) … p29 (score 1); downloads 100·i, so popularity = log1p(100·i).
const world: MemoryWorld = {
  photos: Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, photographer: `ph${i}`, downloads: 100 * i })),
  keyword: Array.from({ length: 30 }, (_, i) => [`p${i}`, 30 - i] as [string, number]),
};
const NO_POLICY = { duplicate_cosine: 1, max_per_photographer: 0 };

async function search(app: ReturnType<typeof memoryApp>['app'], body: Record<string, unknown>): Promise<SearchResponse> {
  const { status, body: json } = await answer<SearchResponse>(postJson(app, '/search', body));
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

describe('feature logging in search-events', () => {
  it('an unpersonalized page logs its featureset, each shown hit with its position and vector, and a sample of the window', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    const response = await search(app, { q: 'anything', mode: 'keyword', k: 5, page: 2, policy: NO_POLICY });
    const event = (await services.searchEvents.written()).at(-1)!;
    expect(event).toMatchObject({ request_id: response.request_id, page: 2, featureset: { name: PIXRANK_FEATURESET.name, version: PIXRANK_FEATURESET.version } });
    const logged = event.logged as LoggedRow[];
    const shown = logged.filter((row) => row.shown !== null);
    expect(shown.map((row) => [row.id, row.shown])).toEqual(response.hits.map((hit) => [hit.photo_id, hit.rank]));
    expect(shown.map((row) => row.shown)).toEqual([6, 7, 8, 9, 10]);
    const unshown = logged.filter((row) => row.shown === null);
    expect(unshown).toHaveLength(DEFAULT_LEARNING.windowSample);
    expect(new Set(unshown.map((row) => row.id)).size).toBe(unshown.length);
    for (const row of unshown) expect(response.hits.some((hit) => hit.photo_id === row.id)).toBe(false);
    for (const row of logged) {
      expect(row.values).toHaveLength(FEATURES.length);
      const i = Number(row.id.slice(1));
      // What serving computed: the keyword rank, the first-stage score (one list: its own score), the photo's popularity.
      expect(row.values[FEATURE_INDEX.keyword_rank]).toBe(i + 1);
      expect(row.values[FEATURE_INDEX.fused_score]).toBe(30 - i);
      expect(row.values[FEATURE_INDEX.popularity]).toBeCloseTo(Math.log1p(100 * i), 5);
      // No CLIP query and no collaborative model: missing, written as null.
      expect(row.values[FEATURE_INDEX.clip_cosine]).toBeNull();
      expect(row.values[FEATURE_INDEX.als_score]).toBeNull();
    }
    expect(event.swap).toBeUndefined();
  });

  it('the event is made after the answer: the search does not wait for its feature log', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    const response = await search(app, { q: 'anything', mode: 'keyword', k: 5, policy: NO_POLICY });
    expect(services.searchEvents.documents.map((event) => event.request_id)).not.toContain(response.request_id);
    const event = (await services.searchEvents.written()).at(-1)!;
    expect(event.request_id).toBe(response.request_id);
    expect(event.logged).toHaveLength(5 + DEFAULT_LEARNING.windowSample);
    // How long making the log took is in the event, not in the answer.
    expect((event.took_ms as Record<string, number>).log).toBeGreaterThanOrEqual(0);
    expect(response.took_ms).not.toHaveProperty('log');
  });

  it('the unshown rows come from the whole window, past what the policy walked for the page', async () => {
    const { app, services } = memoryApp(memoryReads(world));
    // A page of 3 walks the first 20 hits (twice the page, at least 20); the window holds 30.
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await search(app, { q: `anything ${i}`, mode: 'keyword', k: 3, policy: NO_POLICY });
      for (const row of (await services.searchEvents.written()).at(-1)!.logged as LoggedRow[]) if (row.shown === null) seen.add(row.id);
    }
    expect([...seen].some((id) => Number(id.slice(1)) >= 20)).toBe(true);
  });

  it('an unpersonalized search for a user logs the profile features the second pass would have read', async () => {
    // p0 points along x, p1 along y; the user downloaded p1, so the mean profile is y.
    const photos = [
      { id: 'p0', vector: [1, 0] },
      { id: 'p1', vector: [0, 1] },
    ];
    const { app, services } = memoryApp(memoryReads({ photos, keyword: [['p0', 2], ['p1', 1]], interactions: { ann: [{ photo_id: 'p1', type: 'download', at: 1 }] } }));
    await search(app, { q: 'anything', mode: 'keyword', k: 2, user: 'ann', personalize: false, policy: NO_POLICY });
    const event = (await services.searchEvents.written()).at(-1)!;
    expect(event.personalize).toBe(false);
    const rows = event.logged as LoggedRow[];
    expect(rows.map((row) => [row.id, row.values[FEATURE_INDEX.mean_profile_cosine]])).toEqual([['p0', expect.closeTo(0, 6)], ['p1', expect.closeTo(1, 6)]]);
  });

  it("an unpersonalized search logs the language features the second pass would have read: the request's language reaches the log", async () => {
    const { app, services } = memoryApp(memoryReads(world));
    const notEnglish = async (body: Record<string, unknown>) => {
      await search(app, { mode: 'keyword', k: 5, policy: NO_POLICY, ...body });
      return new Set(((await services.searchEvents.written()).at(-1)!.logged as LoggedRow[]).map((row) => row.values[FEATURE_INDEX.query_not_english]));
    };
    expect(await notEnglish({ q: 'schwarze Katze im Schnee' })).toEqual(new Set([1]));
    expect(await notEnglish({ q: 'cat', lang: 'en' })).toEqual(new Set([0]));
    // No language resolved: the feature is missing, as the second pass would have it.
    expect(await notEnglish({ q: 'cat' })).toEqual(new Set([null]));
  });

  it('logging off leaves the vectors out', async () => {
    const { app, services } = memoryApp(memoryReads(world), { learning: { ...DEFAULT_LEARNING, logFeatures: false } });
    await search(app, { q: 'anything', mode: 'keyword', k: 5, policy: NO_POLICY });
    const event = (await services.searchEvents.written()).at(-1)!;
    expect(event.logged).toBeUndefined();
    expect(event.featureset).toBeUndefined();
  });
});

describe('randomized adjacent swaps', () => {
  it('FairPairs: a pair in 1..n−1 chosen uniformly, swapped half the time, nothing outside the share', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const random = new Random(7);
    const chosen = new Array<number>(10).fill(0);
    let swapped = 0;
    let explored = 0;
    const runs = 20_000;
    for (let r = 0; r < runs; r++) {
      const { ranked, swap } = adjacentSwap(items, 10, { share: 0.3, depth: 10 }, random);
      if (!swap) {
        expect(ranked).toBe(items);
        continue;
      }
      explored++;
      chosen[swap.rank]!++;
      const expected = items.slice();
      if (swap.swapped) {
        swapped++;
        [expected[swap.rank - 1], expected[swap.rank]] = [expected[swap.rank]!, expected[swap.rank - 1]!];
      }
      expect(ranked).toEqual(expected);
    }
    // Binomial(20000, 0.3): sd ≈ 65; the halves and the nine pairs likewise within 5 sd.
    expect(Math.abs(explored - 0.3 * runs)).toBeLessThan(5 * 65);
    expect(Math.abs(swapped - explored / 2)).toBeLessThan(5 * Math.sqrt(explored / 4));
    expect(chosen[0]).toBe(0);
    for (let rank = 1; rank <= 9; rank++) expect(Math.abs(chosen[rank]! - explored / 9)).toBeLessThan(5 * Math.sqrt(explored / 9));
  });

  it('a page shorter than the depth keeps the pair on the page; one hit has no pair', () => {
    const random = new Random(1);
    for (let r = 0; r < 500; r++) {
      const { swap } = adjacentSwap([1, 2, 3, 4, 5], 3, { share: 1, depth: 10 }, random);
      expect(swap!.rank).toBeGreaterThanOrEqual(1);
      expect(swap!.rank).toBeLessThanOrEqual(2);
    }
    expect(adjacentSwap([1], 10, { share: 1, depth: 10 }, random).swap).toBeUndefined();
  });

  it('the served page shows the swap the event logs, and the logged positions follow it', async () => {
    const { app, services } = memoryApp(memoryReads(world), { learning: { ...DEFAULT_LEARNING, swapShare: 1 } });
    let swappedSeen = 0;
    for (let r = 0; r < 20; r++) {
      const response = await search(app, { q: 'anything', mode: 'keyword', k: 10, policy: NO_POLICY });
      const event = (await services.searchEvents.written()).at(-1)!;
      const swap = event.swap as { rank: number; swapped: boolean };
      const expected = Array.from({ length: 10 }, (_, i) => `p${i}`);
      if (swap.swapped) {
        swappedSeen++;
        [expected[swap.rank - 1], expected[swap.rank]] = [expected[swap.rank]!, expected[swap.rank - 1]!];
      }
      expect(response.hits.map((hit) => hit.photo_id)).toEqual(expected);
      const shown = (event.logged as LoggedRow[]).filter((row) => row.shown !== null).map((row) => row.id);
      expect(shown).toEqual(expected);
    }
    expect(swappedSeen).toBeGreaterThan(0);
    expect(swappedSeen).toBeLessThan(20);
    // Page 2 is never randomized.
    await search(app, { q: 'anything', mode: 'keyword', k: 10, page: 2, policy: NO_POLICY });
    expect((await services.searchEvents.written()).at(-1)!.swap).toBeUndefined();
  });
});
