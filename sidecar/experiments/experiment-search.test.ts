import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../ltr/features/pixrank-featureset.ts';
import type { RerankCandidate, SecondPass } from '../../ltr/second-pass.ts';
import { answer, memoryApp, memoryReads, postJson, type MemoryWorld } from '../../test/stub-services.ts';
import { loadClipEncoder, type ClipEncoder } from '../clip/encoder.ts';
import { WORLD_MODEL_DIR } from '../clip/index.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';
import { QueryEmbedder } from '../search/query-embedder.ts';
import type { Experiment } from './experiment.ts';

/** /search with an experiment, over in-memory reads: what the response and the search event say. */

const POLICY_OFF = { duplicate_cosine: 1, max_per_photographer: 0 };
// keyword order p1 … p30; the pass puts them upside down (p30 first).
const world: MemoryWorld = {
  photos: Array.from({ length: 30 }, (_, i) => ({ id: `p${i + 1}`, photographer: `ph${i % 7}` })),
  keyword: Array.from({ length: 30 }, (_, i): [string, number] => [`p${i + 1}`, 100 - i]),
};
const flip: SecondPass = {
  version: 'flip-1',
  async rerank(_, candidates: RerankCandidate[]) {
    return { scores: candidates.map((c) => Number(c.id.slice(1))) };
  },
};

function app(experiment: Experiment) {
  return memoryApp(memoryReads(world), { experiment });
}

async function search(target: ReturnType<typeof app>['app'], body: Record<string, unknown>): Promise<SearchResponse> {
  const { status, body: json } = await answer<SearchResponse>(postJson(target, '/search', body));
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

const interleave: Experiment = { name: 'flip-test', method: 'interleave', arms: [{ name: 'none', models: null, reverse: false }, { name: 'flip', models: 'x', pass: flip, reverse: false }] };

describe('/search in an interleaving experiment', () => {
  it('serves the team draft of both arms’ rankings: each hit from its team’s list, teams balanced, each photo once', async () => {
    const { app: target, services } = app(interleave);
    const result = await search(target, { q: 'sea', mode: 'keyword', user: 'u1', k: 10, policy: POLICY_OFF });
    expect(result.experiment).toEqual({ name: 'flip-test', method: 'interleave', arms: ['none', 'flip'] });
    const none = result.hits.filter((h) => h.team === 'none').map((h) => h.photo_id);
    const flipped = result.hits.filter((h) => h.team === 'flip').map((h) => h.photo_id);
    // Each team's picks are its own list's best, in order: none p1, p2, …; flip p30, p29, …
    expect(none).toEqual(Array.from({ length: none.length }, (_, i) => `p${i + 1}`));
    expect(flipped).toEqual(Array.from({ length: flipped.length }, (_, i) => `p${30 - i}`));
    expect(none.length).toBe(5);
    expect(flipped.length).toBe(5);
    // A flip hit carries the pass's score; a none hit the fused one.
    expect(result.hits.find((h) => h.team === 'flip')!.scores.rerank).toBe(30);
    expect(result.hits.find((h) => h.team === 'none')!.scores.rerank).toBeUndefined();
    expect(result.model_version).toBe('flip-1');

    // The same search again is the same page; page 2 continues it.
    const again = await search(target, { q: 'sea', mode: 'keyword', user: 'u1', k: 10, policy: POLICY_OFF });
    expect(again.hits.map((h) => [h.photo_id, h.team])).toEqual(result.hits.map((h) => [h.photo_id, h.team]));
    const two = await search(target, { q: 'sea', mode: 'keyword', user: 'u1', k: 10, page: 2, policy: POLICY_OFF });
    expect(two.hits.map((h) => h.rank)).toEqual(Array.from({ length: 10 }, (_, i) => 11 + i));
    expect(two.hits.some((h) => result.hits.some((r) => r.photo_id === h.photo_id))).toBe(false);

    // The event logs the experiment and each served hit's team (what the report credits from).
    const event = (await services.searchEvents.written())[0]!;
    expect(event.experiment).toEqual({ name: 'flip-test', method: 'interleave', arms: ['none', 'flip'] });
    expect((event.hits as Array<{ id: string; team: string }>).map((h) => [h.id, h.team])).toEqual(result.hits.map((h) => [h.photo_id, h.team]));
  });

  it('a photo both arms rank first is shown once, on the team that won the coin', async () => {
    // Both arms identical (A/A): every hit is both lists' next, credited to whoever placed it.
    const aa: Experiment = { name: 'aa', method: 'interleave', arms: [{ name: 'a', models: 'x', pass: flip, reverse: false }, { name: 'b', models: 'x', pass: flip, reverse: false }] };
    const result = await search(app(aa).app, { q: 'sea', mode: 'keyword', user: 'u2', k: 10, policy: POLICY_OFF });
    expect(result.hits.map((h) => h.photo_id)).toEqual(Array.from({ length: 10 }, (_, i) => `p${30 - i}`));
    const a = result.hits.filter((h) => h.team === 'a').length;
    expect(a).toBe(5);
  });

  it('both arms are handed the same model-free feature columns, computed once; a single pass computes its own', async () => {
    const seen: Array<Float32Array | undefined> = [];
    const recording = (version: string): SecondPass => ({
      version,
      async rerank(context, candidates: RerankCandidate[]) {
        seen.push(context.sharedFeatures);
        return { scores: candidates.map((c) => Number(c.id.slice(1))) };
      },
    });
    const two: Experiment = { name: 'two', method: 'interleave', arms: [{ name: 'a', models: 'x', pass: recording('a-1'), reverse: false }, { name: 'b', models: 'y', pass: recording('b-1'), reverse: false }] };
    const { app: target } = app(two);
    const result = await search(target, { q: 'sea', mode: 'keyword', user: 'u3', k: 10, policy: POLICY_OFF });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeInstanceOf(Float32Array);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]!.length).toBe(30 * FEATURES.length);
    expect(result.took_ms.features).toBeGreaterThanOrEqual(0);

    seen.length = 0;
    const single = memoryApp(memoryReads(world), { secondPass: recording('solo-1') });
    await search(single.app, { q: 'sea', mode: 'keyword', user: 'u3', k: 10, policy: POLICY_OFF });
    expect(seen).toEqual([undefined]);
  });

  it('a reversed arm serves its order upside down', async () => {
    const bad: Experiment = { name: 'bad', method: 'ab', arms: [{ name: 'reversed', models: null, reverse: true }, { name: 'reversed-too', models: null, reverse: true }] };
    const result = await search(app(bad).app, { q: 'sea', mode: 'keyword', k: 3, policy: POLICY_OFF });
    expect(result.hits.map((h) => h.photo_id)).toEqual(['p30', 'p29', 'p28']);
  });
});

describe('/search in an A/B experiment', () => {
  const ab: Experiment = {
    name: 'ab-test',
    method: 'ab',
    arms: [
      { name: 'none', models: null, reverse: false },
      { name: 'capped', models: null, reverse: false, policy: { max_per_photographer: 1 } },
    ],
  };

  it('one arm per user; its overrides apply; every hit says the arm', async () => {
    const { app: target, services } = app(ab);
    const arms = new Map<string, string>();
    for (let u = 0; u < 20; u++) {
      const result = await search(target, { q: 'sea', mode: 'keyword', user: `user-${u}`, k: 10 });
      const arm = result.experiment!.arm!;
      arms.set(`user-${u}`, arm);
      expect(result.hits.every((h) => h.team === arm)).toBe(true);
      const photographers = result.hits.map((h) => h.photo_id).map((id) => world.photos.find((p) => p.id === id)!.photographer);
      // capped: one photo per photographer (7 of them); none: the default cap of 3
      if (arm === 'capped') expect(new Set(photographers).size).toBe(photographers.length);
      else expect(photographers.length).toBe(10);
    }
    expect(new Set(arms.values())).toEqual(new Set(['none', 'capped']));
    for (const [user, arm] of arms) expect((await search(target, { q: 'other', mode: 'keyword', user })).experiment!.arm).toBe(arm);
    expect((await services.searchEvents.written()).every((d) => (d.experiment as { arm: string }).arm === arms.get(d.user as string))).toBe(true);
  });

  it('validates experiment_key like any field', async () => {
    const { status, body } = await answer<{ detail?: string }>(postJson(app(ab).app, '/search', { q: 'sea', experiment_key: '' }));
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('experiment_key');
  });
});

describe('/search in an interleaving whose arms have their own fusion or policy', () => {
  // keyword: p1 … p30 (p1 best); kNN ("clip"): p30, p29, …, p11. Photographers in threes: p1–p3 ph0, p4–p6 ph1, …
  const hybrid: MemoryWorld = {
    photos: Array.from({ length: 30 }, (_, i) => ({ id: `p${i + 1}`, photographer: `ph${Math.floor(i / 3)}` })),
    keyword: Array.from({ length: 30 }, (_, i): [string, number] => [`p${i + 1}`, 100 - i]),
    knn: Array.from({ length: 20 }, (_, i): [string, number] => [`p${30 - i}`, 0.9 - i * 0.01]),
  };
  // The default RRF (k = 60, weights 1) by hand: p1…p10 only in the keyword list, p11…p30 in both.
  const rrf = (n: number) => 1 / (60 + n) + (n >= 11 ? 1 / (60 + 31 - n) : 0);
  const sharedOrder = Array.from({ length: 30 }, (_, i) => i + 1)
    .sort((x, y) => rrf(y) - rrf(x))
    .map((n) => `p${n}`);
  // clip 1, keyword 0: the kNN list's order, then the photos it does not have.
  const clipOrder = Array.from({ length: 20 }, (_, i) => `p${30 - i}`);

  let encoder: ClipEncoder;
  beforeAll(async () => {
    encoder = await loadClipEncoder(WORLD_MODEL_DIR, { textCacheSize: 0, threads: 1 });
  });
  afterAll(() => encoder?.close());

  function hybridApp(experiment: Experiment) {
    const reads = memoryReads(hybrid);
    const lists = reads.lists;
    const calls = { lists: 0 };
    reads.lists = (queries, options) => {
      calls.lists += 1;
      return lists(queries, options);
    };
    return { ...memoryApp(reads, { experiment, encoder, queries: new QueryEmbedder(encoder) }), calls };
  }

  /** Each pick of `team` is the first photo of `order` not on the page before it: the team draft over that arm's order. */
  function picksFollow(hits: SearchResponse['hits'], team: string, order: string[]): void {
    const picks = hits.flatMap((hit, i) => (hit.team === team ? [i] : []));
    expect(picks.length).toBeGreaterThan(0);
    for (const i of picks) {
      const before = new Set(hits.slice(0, i).map((h) => h.photo_id));
      expect(hits[i]!.photo_id, `pick ${i + 1} of ${team}`).toBe(order.find((id) => !before.has(id)));
    }
  }

  it("an arm with its own fusion (clip 1, keyword 0) picks from that fusion's order, the other from the request's; one retrieval", async () => {
    const experiment: Experiment = {
      name: 'fusion-arms',
      method: 'interleave',
      arms: [
        { name: 'hybrid', models: null, reverse: false },
        { name: 'clip', models: null, reverse: false, fusion: { weights: { clip: 1, keyword: 0 } } },
      ],
    };
    const { app: target, calls } = hybridApp(experiment);
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      const result = await search(target, { q: 'sea', mode: 'hybrid', user, k: 10, policy: POLICY_OFF, explain: true });
      expect(result.hits).toHaveLength(10);
      picksFollow(result.hits, 'hybrid', sharedOrder);
      picksFollow(result.hits, 'clip', clipOrder);
      expect(result.hits.filter((h) => h.team === 'clip').length).toBe(5);
      // A clip pick carries its own fusion's score: the kNN list's RRF term alone.
      const pick = result.hits.find((h) => h.team === 'clip')!;
      expect(pick.scores.fused).toBeCloseTo(1 / (60 + pick.scores.clip!.rank), 12);
      const fusion = (result.explain as { fusion: { weights: Record<string, number>; per_arm: Record<string, { weights: Record<string, number> }> } }).fusion;
      expect(fusion.weights).toEqual({ keyword: 1, clip: 1 });
      expect(fusion.per_arm.clip!.weights).toEqual({ keyword: 0, clip: 1 });
      expect(fusion.per_arm.hybrid!.weights).toEqual({ keyword: 1, clip: 1 });
    }
    // One retrieval per search for both arms: its keyword read and its kNN read.
    expect(calls.lists).toBe(2 * 4);
  });

  it("each arm's second pass ranks its own fusion's window; the model-free features are not shared across two windows", async () => {
    const seen: Array<{ order: string[]; shared: Float32Array | undefined }> = [];
    // A pass that keeps the window's fused order: what it ranks shows which fusion it was handed.
    const byFused: SecondPass = {
      version: 'fused-1',
      async rerank(context, candidates: RerankCandidate[]) {
        seen.push({ order: [...candidates].sort((x, y) => y.fused - x.fused).map((c) => c.id), shared: context.sharedFeatures });
        return { scores: candidates.map((c) => c.fused) };
      },
    };
    const experiment: Experiment = {
      name: 'fusion-passes',
      method: 'interleave',
      arms: [
        { name: 'hybrid', models: 'x', pass: byFused, reverse: false },
        { name: 'clip', models: 'x', pass: byFused, reverse: false, fusion: { weights: { keyword: 0 } } },
      ],
    };
    const { app: target, calls } = hybridApp(experiment);
    const result = await search(target, { q: 'sea', mode: 'hybrid', user: 'u1', k: 10, policy: POLICY_OFF });
    expect(calls.lists).toBe(2);
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.order.slice(0, 20)).sort()).toEqual([clipOrder, sharedOrder.slice(0, 20)].sort());
    expect(seen.every((s) => s.shared === undefined)).toBe(true);
    picksFollow(result.hits, 'hybrid', sharedOrder);
    picksFollow(result.hits, 'clip', clipOrder);
  });

  it("an arm with its own policy: its picks obey it, the other arm's follow the request's; the dropped say whose", async () => {
    const experiment: Experiment = {
      name: 'policy-arms',
      method: 'interleave',
      arms: [
        { name: 'open', models: 'x', pass: flip, reverse: false },
        { name: 'capped', models: null, reverse: false, policy: { max_per_photographer: 1 } },
      ],
    };
    const { app: target } = hybridApp(experiment);
    for (const user of ['u1', 'u2', 'u3']) {
      const result = await search(target, { q: 'sea', mode: 'keyword', user, k: 10, policy: POLICY_OFF, explain: true });
      const photographer = (id: string) => hybrid.photos.find((p) => p.id === id)!.photographer!;
      // capped, the keyword order with one photo per photographer: p1, p4, p7, …
      const capped = Array.from({ length: 10 }, (_, i) => `p${1 + 3 * i}`);
      picksFollow(result.hits, 'capped', capped);
      const cappedPicks = result.hits.filter((h) => h.team === 'capped').map((h) => photographer(h.photo_id));
      expect(new Set(cappedPicks).size).toBe(cappedPicks.length);
      // open: flip's order (p30, p29, …) with the request's policy (off): three of ph9 in a row is fine.
      picksFollow(result.hits, 'open', Array.from({ length: 30 }, (_, i) => `p${30 - i}`));
      const openPicks = result.hits.filter((h) => h.team === 'open').map((h) => photographer(h.photo_id));
      expect(openPicks.filter((p) => p === 'ph9')).toHaveLength(3);
      const policy = (result.explain as { policy: { max_per_photographer: number; per_arm: Record<string, { max_per_photographer: number }>; dropped: Array<{ photo_id: string; reason: string; arm?: string }> } }).policy;
      expect(policy.max_per_photographer).toBe(0);
      expect(policy.per_arm).toMatchObject({ open: { max_per_photographer: 0 }, capped: { max_per_photographer: 1 } });
      expect(policy.dropped.length).toBeGreaterThan(0);
      expect(policy.dropped.every((d) => d.arm === 'capped' && d.reason === 'photographer_cap')).toBe(true);
    }
  });
});
