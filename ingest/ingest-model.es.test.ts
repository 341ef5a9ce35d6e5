import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../bench/world/generate.ts';
import { tinyClipDir } from '../test/clip-fixtures.ts';
import { dropAlias, testClient, uniqueAlias } from '../test/es.ts';
import { loadImageEmbedder } from './clip-embedder.ts';
import { vectorsById } from '../sidecar/retrieval/elastic-reads.ts';
import { runIngest } from './run-ingest.ts';

const tinyClip = tinyClipDir;
const client = testClient();
const alias = uniqueAlias('ingest-model');
afterAll(async () => {
  await dropAlias(client, alias);
  await client.close();
});

describe('pixrank ingest --model', () => {
  it('embeds a generated world with a real CLIP export; an unreadable image is a reject with its reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'world-model-'));
    await generateWorld({ out: dir, photos: 40, users: 5, seed: 3 });
    const truth = (await readFile(join(dir, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { photo_id: string }).photo_id);
    const broken = truth[5]!;
    await writeFile(join(dir, 'images', `${broken}.jpg`), 'not a jpeg at all');

    const embedder = await loadImageEmbedder(tinyClip);
    try {
      const summary = await runIngest({ client, dataDir: dir, alias, embedder, batchSize: 8 });
      expect(summary).toMatchObject({ read: 40, indexed: 39, rejected: 1, unchanged: 0, images: 39 });
      const rejects = (await readFile(join(dir, 'rejects', 'photos.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { reason: string; raw: string });
      expect(rejects).toHaveLength(1);
      expect(rejects[0]!.raw).toContain(broken);
      expect(rejects[0]!.reason).toMatch(/^image: /);

      const clip = Array.from((await vectorsById(client, alias, [truth[0]!])).get(truth[0]!)!);
      expect(clip).toHaveLength(embedder.dims);
      expect(Math.hypot(...clip)).toBeCloseTo(1, 4);
      const nearest = await client.search({ index: alias, knn: { field: 'clip', query_vector: clip, k: 1, num_candidates: 20 }, _source: false });
      expect(nearest.hits.hits[0]!._id).toBe(truth[0]);

      const again = await runIngest({ client, dataDir: dir, alias, embedder });
      expect(again).toMatchObject({ read: 40, indexed: 0, rejected: 1, unchanged: 39, images: 0 });
    } finally {
      await embedder.close();
    }
  });
});
