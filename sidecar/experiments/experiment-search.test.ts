import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../ltr/features/pixrank-featureset.ts';
import type { RerankCandidate, SecondPass } from '../../ltr/second-pass.ts';
import { answer, memoryApp, memoryReads, postJson, type MemoryWorld } from '../../test/stub-services.ts';
import type { SearchResponse } from '../pipeline/response-schema.ts';
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
    const event = services.searchEvents.documents[0]!;
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
    expect(services.searchEvents.documents.every((d) => (d.experiment as { arm: string }).arm === arms.get(d.user as string))).toBe(true);
  });

  it('validates experiment_key like any field', async () => {
    const { status, body } = await answer<{ detail?: string }>(postJson(app(ab).app, '/search', { q: 'sea', experiment_key: '' }));
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('experiment_key');
  });
});
