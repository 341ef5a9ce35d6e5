import { describe, expect, it } from 'vitest';
import { lexicon, WORLD_LANGUAGES } from '../../bench/world/languages.ts';
import { TOPICS, PALETTE } from '../../bench/world/vocabulary.ts';
import { testClient, uniqueAlias } from '../../test/es.ts';
import { WORLD_MODEL_DIR } from './index.ts';
import { postJson, useWorldSidecar, type TestWorld } from '../../test/world-sidecar.ts';

/**
 * The shipped world CLIP on a world of a seed and size it was not trained on (it was
 * trained on seed 101, 6000 photos; see world-model/MODEL_CARD.md), through the public routes.
 * Relevance comes from the generator's truth/, which the model never saw.
 */
const client = testClient();
const alias = uniqueAlias('world-model');
const fixture = useWorldSidecar(client, alias, { photos: 1500, users: 30, seed: 4242, modelDir: WORLD_MODEL_DIR }, { modelDir: WORLD_MODEL_DIR }, 300_000);

interface Hit {
  photo_id: string;
}

async function clipSearch(q: string, k = 10): Promise<string[]> {
  const response = await postJson(fixture.sidecar.app, '/search', { q, k, mode: 'clip' });
  expect(response.status).toBe(200);
  return ((await response.json()) as { hits: Hit[] }).hits.map((h) => h.photo_id);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('the shipped world CLIP on an unseen world', () => {
  const byId = (): Map<string, TestWorld['photos'][number]> => new Map(fixture.world.photos.map((p) => [p.photo_id, p]));

  it('clip search for a topic keyword returns that topic’s photos (precision@10 ≥ 0.9 averaged over the 20 topics)', async () => {
    const truth = byId();
    const perTopic: Record<string, number> = {};
    for (const topic of TOPICS) {
      const ids = await clipSearch(topic.name);
      perTopic[topic.name] = ids.filter((id) => truth.get(id)?.topics.includes(topic.name)).length / 10;
    }
    console.log(`world CLIP, unseen world (seed 4242, 1500 photos), clip-mode precision@10 per topic: ${JSON.stringify(perTopic)}; mean ${mean(Object.values(perTopic)).toFixed(3)}`);
    expect(mean(Object.values(perTopic))).toBeGreaterThanOrEqual(0.9);
  });

  it('a synonym finds its topic too (the embedding carries what the keyword field would need to match exactly)', async () => {
    const truth = byId();
    const scores = [];
    for (const topic of TOPICS) {
      const ids = await clipSearch(topic.keywords[2]!);
      scores.push(ids.filter((id) => truth.get(id)?.topics.includes(topic.name)).length / 10);
    }
    expect(mean(scores)).toBeGreaterThanOrEqual(0.8);
  });

  it('a color word finds photos of that color', async () => {
    const truth = byId();
    const scores = [];
    for (const color of PALETTE) {
      const ids = await clipSearch(color.name);
      scores.push(ids.filter((id) => truth.get(id)?.colors[0] === color.name).length / 10);
    }
    console.log(`world CLIP, color word → dominant color precision@10: ${scores.map((s, i) => `${PALETTE[i]!.name} ${s}`).join(', ')}`);
    expect(mean(scores)).toBeGreaterThanOrEqual(0.8);
  });

  it('/similar by photo id returns photos of the same topic (precision@10 ≥ 0.9 over 60 single-topic photos)', async () => {
    const queries = fixture.world.photos.filter((p) => p.topics.length === 1).slice(0, 60);
    const truth = byId();
    const scores = [];
    for (const photo of queries) {
      const response = await postJson(fixture.sidecar.app, '/similar', { photo_id: photo.photo_id, k: 10 });
      expect(response.status).toBe(200);
      const ids = ((await response.json()) as { hits: Hit[] }).hits.map((h) => h.photo_id);
      expect(ids).not.toContain(photo.photo_id);
      scores.push(ids.filter((id) => truth.get(id)?.topics.includes(photo.topics[0]!)).length / ids.length);
    }
    console.log(`world CLIP, /similar same-topic precision@10 over ${queries.length} photos: ${mean(scores).toFixed(3)}`);
    expect(mean(scores)).toBeGreaterThanOrEqual(0.9);
  });

  it('a two-word query (color + topic) finds photos that show both (precision@10 ≥ 0.8 over the pairs with ≥ 10 such photos)', async () => {
    const truth = byId();
    const scores: Record<string, number> = {};
    for (const topic of TOPICS) {
      for (const color of PALETTE) {
        const showsBoth = (id: string) => !!truth.get(id)?.topics.includes(topic.name) && !!truth.get(id)?.colors.includes(color.name);
        if (fixture.world.photos.filter((p) => showsBoth(p.photo_id)).length < 10) continue;
        const ids = await clipSearch(`${color.name} ${topic.name}`);
        scores[`${color.name} ${topic.name}`] = ids.filter(showsBoth).length / 10;
      }
    }
    console.log(`world CLIP, color + topic → photos showing both, precision@10 over ${Object.keys(scores).length} pairs: mean ${mean(Object.values(scores)).toFixed(3)}, lowest ${Object.entries(scores).sort((a, b) => a[1] - b[1]).slice(0, 3).map(([q, v]) => `${q} ${v}`).join(', ')}`);
    expect(Object.keys(scores).length).toBeGreaterThanOrEqual(20);
    expect(mean(Object.values(scores))).toBeGreaterThanOrEqual(0.8);
  });

  it("a topic word in each of the world's other languages finds that topic (each language's precision@10 ≥ 0.8 × English's)", async () => {
    const truth = byId();
    const precision = async (words: readonly string[]) => {
      const scores = [];
      for (const [t, topic] of TOPICS.entries()) {
        const ids = await clipSearch(words[t]!);
        scores.push(ids.filter((id) => truth.get(id)?.topics.includes(topic.name)).length / 10);
      }
      return mean(scores);
    };
    const english = await precision(TOPICS.map((t) => t.name));
    const byLanguage: Record<string, number> = {};
    for (const language of WORLD_LANGUAGES) if (language !== 'en') byLanguage[language] = await precision(lexicon(language).topics.map((w) => w.toLowerCase()));
    console.log(`world CLIP, topic word → topic precision@10: en ${english.toFixed(3)}, ${Object.entries(byLanguage).map(([l, v]) => `${l} ${v.toFixed(3)}`).join(', ')}`);
    for (const value of Object.values(byLanguage)) expect(value).toBeGreaterThanOrEqual(0.8 * english);
  });
});
