import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropAlias, testClient, uniqueAlias } from '../../test/es.ts';
import { ingestTestWorld, postJson, testSidecar, type TestWorld } from '../../test/world-sidecar.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { FEATURES, PIXRANK_FEATURESET } from '../features/pixrank-featureset.ts';
import type { LoggedRow } from '../learning/logged-search.ts';
import { Random } from '../random.ts';
import { loadModelsDir } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { trainFromEvents } from './train-from-events.ts';

const client = testClient();
const alias = uniqueAlias('events');
const quiet: PipelineProgress = { log: () => {}, tick: () => {}, stop: () => {} };
let world: TestWorld;
let out: string;

beforeAll(async () => {
  world = await ingestTestWorld(client, alias, { photos: 400, users: 60, seed: 5, modelDir: tinyClipDir });
  out = await mkdtemp(join(tmpdir(), 'events-models-'));
}, 240_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await dropAlias(client, alias);
  await client.close();
});

describe('pixrank train --from-events on what a real sidecar logged (real Elasticsearch)', () => {
  it('logs served feature vectors, joins the feedback to them (by request_id and without it), trains a ranker the sidecar serves', async () => {
    const topicOf = new Map(world.photos.map((p) => [p.photo_id, new Set(p.topics)]));
    const topics = [...new Set(world.photos.flatMap((p) => p.topics))];
    const { services, app } = await testSidecar(client, alias, { learning: { swapShare: 0.5 } });
    const random = new Random(3);
    let withId = 0;
    let withoutId = 0;
    try {
      for (let s = 0; s < 160; s++) {
        const user = world.users[s % world.users.length]!;
        const q = topics[s % topics.length]!;
        const response = await postJson(app, '/search', { q, user, k: 10, mode: 'hybrid', personalize: false });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { request_id: string; hits: Array<{ photo_id: string; rank: number }> };
        // Photos of the query's topic draw a click with probability 1/rank; every third one is downloaded.
        for (const hit of body.hits) {
          if (!topicOf.get(hit.photo_id)?.has(q) || !random.chance(1 / hit.rank)) continue;
          const sendId = s % 2 === 0;
          sendId ? withId++ : withoutId++;
          const feedback = { user, photo: hit.photo_id, type: hit.rank % 3 === 0 ? 'download' : 'click', query: q, ...(sendId ? { request_id: body.request_id } : {}) };
          expect((await postJson(app, '/feedback', feedback)).status).toBe(202);
        }
      }
    } finally {
      await services.close();
    }
    await client.indices.refresh({ index: ['search-events', 'feedback-events'] });

    // One logged search: the featureset and version, the shown rows with their vectors, the swap when one was chosen.
    const logged = await client.search<{ featureset: { name: string; version: number }; logged: LoggedRow[]; swap?: { rank: number; swapped: boolean } }>({ index: 'search-events', query: { term: { index: alias } }, size: 200 });
    expect(logged.hits.hits).toHaveLength(160);
    const event = logged.hits.hits[0]!._source!;
    expect(event.featureset).toEqual({ name: PIXRANK_FEATURESET.name, version: PIXRANK_FEATURESET.version });
    expect(event.logged.filter((r) => r.shown !== null).map((r) => r.shown)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const row of event.logged) expect(row.values).toHaveLength(FEATURES.length);
    const swaps = logged.hits.hits.filter((h) => h._source!.swap).length;
    expect(swaps).toBeGreaterThan(40);
    expect(swaps).toBeLessThan(120);

    const manifest = await trainFromEvents({ es: client, index: alias, out, seed: 1, progress: quiet });
    const events = manifest.events!;
    expect(events.searches).toBe(160);
    expect(events.withFeatures).toBe(160);
    expect(events.feedback).toBe(withId + withoutId);
    expect(events.join.byRequestId).toBe(withId);
    // Without an id each feedback finds the same user's latest search that showed the photo (here: the one that did).
    expect(events.join.byUserAndPhoto).toBe(withoutId);
    expect(events.join.unmatched).toBe(0);
    expect(events.groups).toBeGreaterThanOrEqual(10);
    expect(events.propensities.theta).toHaveLength(10);
    expect(manifest.ranker.trees).toBeGreaterThan(0);
    for (const part of ['als', 'fm', 'deepfm', 'ranker.json', 'manifest.json']) expect(existsSync(join(out, part)), part).toBe(true);

    const models = await loadModelsDir(out);
    expect(models.manifest.events?.ips).toBe(true);
    const served = await testSidecar(client, alias, { modelsDir: out });
    try {
      const response = await postJson(served.app, '/search', { q: topics[0], user: world.users[0], k: 10, mode: 'hybrid' });
      const body = (await response.json()) as { personalized: boolean; model_version: string };
      expect(body.personalized).toBe(true);
      expect(body.model_version).toMatch(/^ltr:/);
    } finally {
      await served.services.close();
    }
  }, 300_000);
});
