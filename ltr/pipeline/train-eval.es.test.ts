import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropAlias, testClient, uniqueAlias } from '../../test/es.ts';
import { loadClipEncoder, type ClipEncoder } from '../../sidecar/clip/index.ts';
import { ingestTestWorld, postJson, testSidecar, type TestWorld } from '../../test/world-sidecar.ts';
import { tinyClipDir } from '../../test/clip-fixtures.ts';
import { metricKeys } from '../eval/metrics.ts';
import { ROW_NAMES } from '../eval/rows.ts';
import { replayFirstStage } from '../../sidecar/retrieval/first-stage.ts';
import { evalLtr } from './eval-ltr.ts';
import { loadModelsDir, readModelsDir } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { trainLtr } from './train-ltr.ts';

const client = testClient();
const alias = uniqueAlias('ltr');
const quiet: PipelineProgress = { log: () => {}, tick: () => {}, stop: () => {} };
let world: TestWorld;
let encoder: ClipEncoder;
let out: string;

beforeAll(async () => {
  world = await ingestTestWorld(client, alias, { photos: 600, users: 200, seed: 11, modelDir: tinyClipDir });
  encoder = await loadClipEncoder(tinyClipDir);
  out = await mkdtemp(join(tmpdir(), 'ltr-models-'));
}, 180_000);

afterAll(async () => {
  await encoder?.close();
  await rm(out, { recursive: true, force: true });
  await dropAlias(client, alias);
  await client.close();
});

const stage = () => replayFirstStage(client, alias, encoder);

describe('pixrank train, then eval, on a generated world (real Elasticsearch)', () => {
  it('trains every model and the ranker, and the folder loads', async () => {
    const manifest = await trainLtr({ ...stage(), dataDir: world.dir, out, seed: 1, progress: quiet });
    expect(manifest.split.rankerFrom).toBeLessThan(manifest.split.testFrom);
    expect(manifest.ranker.groups).toBeGreaterThanOrEqual(10);
    for (const part of ['als', 'fm', 'deepfm', 'ranker.json', 'manifest.json', 'photographers.json']) expect(existsSync(join(out, part)), part).toBe(true);
    const models = await loadModelsDir(out);
    expect(models.ranker.featureset.features.map((f) => f.name)).toContain('session_cosine');
    // The serving ALS's photo factors went into the index, and rewriting the documents kept their CLIP vectors.
    const count = async (field: string) => (await client.count({ index: alias, query: { exists: { field } } })).count;
    expect(manifest.alsField?.photos).toBeGreaterThan(100);
    expect(await count('als')).toBe(manifest.alsField!.photos);
    expect(await count('clip')).toBe(world.photos.length);

    // A ranker trained on an older version of the featureset (same names, a feature computed
    // differently) is refused with what to do, not served with inputs it never saw.
    const older = await mkdtemp(join(tmpdir(), 'ltr-older-'));
    await cp(out, older, { recursive: true });
    const ranker = JSON.parse(await readFile(join(older, 'ranker.json'), 'utf8')) as { featureset: { version: number } };
    ranker.featureset.version -= 1;
    await writeFile(join(older, 'ranker.json'), JSON.stringify(ranker));
    await expect(readModelsDir(older)).rejects.toThrow(/trained on featureset "pixrank-second-pass" v\d+; this pixrank extracts .* \(train again\)/);
    await rm(older, { recursive: true, force: true });
  }, 300_000);

  it('evaluates every row on the test period, with metrics at 10/20/50/100 and TREC files that agree', async () => {
    const runDir = join(out, 'run');
    const result = await evalLtr({ ...stage(), dataDir: world.dir, models: await loadModelsDir(out), runDir, progress: quiet });
    expect(result.queries).toBeGreaterThan(20);
    // The generated world has truth/, so the oracle row (the generator's own download weights) comes last.
    expect(result.rows.map((r) => r.name)).toEqual([...ROW_NAMES, 'oracle']);
    for (const row of result.rows) {
      expect(Object.keys(row.metrics).sort()).toEqual(metricKeys().sort());
      for (const value of Object.values(row.metrics)) expect(value).toBeGreaterThanOrEqual(0);
    }
    // Personalization is the point: the learned row finds more than the unpersonalized hybrid order.
    const ndcg = (name: string) => result.rows.find((r) => r.name === name)!.metrics['ndcg@10']!;
    expect(ndcg('ltr')).toBeGreaterThan(ndcg('hybrid'));
    // The oracle knows what the downloads were drawn from: no row that sees only the data beats it.
    for (const row of result.rows) expect(ndcg('oracle')).toBeGreaterThanOrEqual(row.metrics['ndcg@10']!);
    // This world's searches are its topics' English keywords ("cat", "golden hour"): one language, one or two words.
    expect(Object.keys(result.byLength).every((words) => words === '1' || words === '2')).toBe(true);
    expect(Object.values(result.byLength).reduce((sum, g) => sum + g.queries, 0)).toBe(result.queries);
    expect(result.byLanguage?.en?.queries).toBe(result.queries);
    expect(result.nonEnglishRatio).toBeUndefined();
    expect(result.ltrVsHybrid?.queries).toBe(result.queries);
    expect(result.ltrVsHybrid?.delta).toBeCloseTo(ndcg('ltr') - ndcg('hybrid'), 9);
    const files = await readdir(runDir);
    expect(files.sort()).toEqual(['qrels.tsv', ...[...ROW_NAMES, 'oracle'].map((n) => `${n}.run`)].sort());
    const qrels = (await readFile(join(runDir, 'qrels.tsv'), 'utf8')).trim().split('\n');
    expect(new Set(qrels.map((l) => l.split(' ')[0])).size).toBe(result.queries);
  }, 300_000);

  it('the sidecar serves the learned pass: two users of different tastes get different rankings, and explain says why', async () => {
    const { services, app } = await testSidecar(client, alias, { modelsDir: out });
    try {
      const users = (await readFile(join(world.dir, 'truth', 'users.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { user_id: string; tastes: { topics: Record<string, number> } });
      const top = (u: (typeof users)[number]) => Object.entries(u.tastes.topics).sort((a, b) => b[1] - a[1])[0]![0];
      const [a, b] = [users[0]!, users.find((u) => top(u) !== top(users[0]!))!];
      const search = async (user: string) => {
        const response = await postJson(app, '/search', { q: 'wallpaper', k: 10, mode: 'hybrid', user, personalize: true, explain: true });
        expect(response.status).toBe(200);
        return (await response.json()) as { personalized: boolean; model_version: string; hits: Array<{ photo_id: string; contributions?: Record<string, number> }> };
      };
      const [ra, rb] = [await search(a.user_id), await search(b.user_id)];
      expect(ra.personalized).toBe(true);
      expect(ra.model_version).toMatch(/^ltr:/);
      expect(ra.hits.map((h) => h.photo_id)).not.toEqual(rb.hits.map((h) => h.photo_id));
      const contributions = ra.hits[0]!.contributions ?? {};
      expect(Object.keys(contributions)).toContain('bias');
      expect(Object.keys(contributions).length).toBeGreaterThan(2);

      // /recommend for a user with downloads in the training data: their ALS factors (kNN on the als field) are one of its lists.
      const recommended = await app.request(`/recommend/${encodeURIComponent(a.user_id)}?k=10&explain=true`);
      expect(recommended.status).toBe(200);
      const body = (await recommended.json()) as { strategy: string; reason: string; hits: Array<{ scores: Record<string, unknown> }> };
      expect(body.strategy).toBe('profile');
      expect(body.reason).toContain('ALS factors');
      expect(body.hits.length).toBe(10);
      // The als list is fused with the profile's lists (mean, session): it placed some of the hits.
      expect(body.hits.some((h) => h.scores.als !== undefined)).toBe(true);
    } finally {
      await services.close();
    }
  }, 120_000);
});
