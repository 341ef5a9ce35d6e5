import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Client } from '../../es-mappings/client.ts';
import { indicesBehindAlias, vectorDimsOf } from '../../es-mappings/apply.ts';
import { createError } from '../../es-mappings/errors.ts';
import { cacheDir } from '../../es-mappings/paths.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { encodeNpy } from '../../ingest/vectors/npy.ts';
import { readWorldEvents } from '../../ltr/data/events.ts';
import { MANIFEST_FILE, readModelsDir } from '../../ltr/pipeline/models-dir.ts';
import { stderrProgress } from '../../ltr/pipeline/progress.ts';
import { trainLtr } from '../../ltr/pipeline/train-ltr.ts';
import { Random } from '../../ltr/random.ts';
import { replayFirstStage } from '../../sidecar/retrieval/first-stage.ts';
import { generateWorld } from '../world/generate.ts';
import { COUNTRIES, PALETTE, TOPICS } from '../world/vocabulary.ts';

const SEED = 4242;
type Log = (line: string) => void;

/** Every distinct query text the load can send: "<color> <topic keyword> in <country>", shuffled (21,600 texts). */
export function queryPool(seed: number): string[] {
  const texts: string[] = [];
  for (const topic of TOPICS) for (const keyword of topic.keywords) for (const color of PALETTE) for (const country of COUNTRIES) texts.push(`${color.name} ${keyword} in ${country.name}`);
  return new Random(seed).sample(texts, texts.length);
}

export interface BenchWorld {
  dir: string;
  vectors: string;
  photoIds: string[];
}

/**
 * A generated world (tables only, seed 4242) with vectors of `dims` that have the world's structure
 * (a photo near its topics' and colors' centroids), so that kNN works on clustered data as with a
 * real CLIP, without embedding 100k images. Made once per size, users and dims in the cache.
 */
export async function worldWithVectors(photos: number, users: number, dims: number, log: Log): Promise<BenchWorld> {
  const dir = join(cacheDir(), 'bench', `search-world-${photos}-u${users}`);
  const vectors = join(dir, `vectors-${dims}`, 'features.npy');
  const idsFile = join(dir, `vectors-${dims}`, 'photo_ids.csv');
  if (!existsSync(join(dir, '.complete'))) {
    log(`bench search: generating a world of ${photos} photos and ${users} users (tables only) in ${dir}`);
    const summary = await generateWorld({ out: dir, photos, users, seed: SEED, images: false });
    log(`bench search: world: ${summary.conversions} conversions in ${summary.seconds.toFixed(0)} s`);
    await writeFile(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  }
  if (!existsSync(vectors)) {
    log(`bench search: clustered ${dims}-d vectors for ${photos} photos`);
    const truth = (await readFile(join(dir, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { photo_id: string; topics: string[]; colors: string[] });
    const r = new Random(9);
    const centroid = new Map<string, Float32Array>();
    const centroidOf = (name: string) => {
      let c = centroid.get(name);
      if (!c) centroid.set(name, (c = Float32Array.from({ length: dims }, () => r.normal())));
      return c;
    };
    const data = new Float32Array(truth.length * dims);
    truth.forEach((photo, row) => {
      const v = data.subarray(row * dims, (row + 1) * dims);
      for (const t of photo.topics) centroidOf(`t:${t}`).forEach((x, i) => (v[i]! += x));
      for (const c of photo.colors) centroidOf(`c:${c}`).forEach((x, i) => (v[i]! += 0.5 * x));
      for (let i = 0; i < dims; i++) v[i]! += 0.8 * r.normal();
    });
    await mkdir(join(dir, `vectors-${dims}`), { recursive: true });
    await writeFile(idsFile, `photo_id\n${truth.map((p) => p.photo_id).join('\n')}\n`);
    await writeFile(vectors, encodeNpy({ rows: truth.length, cols: dims, data }));
  }
  const photoIds = (await readFile(idsFile, 'utf8')).trim().split('\n').slice(1);
  return { dir, vectors, photoIds };
}

/** Ingests the world into `alias` (incremental: nothing when it is there) and checks the clip field has the model's dims. */
export async function ingestWorld(client: Client, world: BenchWorld, alias: string, dims: number, log: Log): Promise<void> {
  const summary = await runIngest({ client, dataDir: world.dir, alias, vectorsFile: world.vectors, log });
  log(`bench search: ${alias}: ${summary.indexed} indexed, ${summary.unchanged} unchanged, ${summary.conversions ? JSON.stringify(summary.conversions) : ''} in ${summary.seconds.toFixed(0)} s`);
  const [index] = await indicesBehindAlias(client, alias);
  const indexDims = index ? await vectorDimsOf(client, index, 'clip') : undefined;
  if (indexDims !== dims) throw createError('INDEX_CONFLICT', `bench search: ${alias} → ${index} has ${indexDims}-d clip vectors but the model embeds ${dims}-d queries; use --reingest`);
}

/** Merges the index to one segment (ingest and the ALS write leave many, and deleted documents): a read-mostly index at rest. */
export async function mergeIndex(client: Client, alias: string, log: Log): Promise<void> {
  const started = Date.now();
  // As a task, polled: merging 100k photos' HNSW graphs outlasts the client's socket timeout.
  const { task } = (await client.indices.forcemerge({ index: alias, max_num_segments: 1, wait_for_completion: false })) as { task?: string };
  while (task) {
    const status = await client.tasks.get({ task_id: task, wait_for_completion: true, timeout: '20s' }, { requestTimeout: 25_000 }).catch((error: unknown) => ({ completed: false, error }));
    if (status.completed) break;
    if ('error' in status && (status.error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) break;
    log(`bench search: ${alias}: force-merging (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const segments = await client.cat.segments({ index: alias, format: 'json' });
  log(`bench search: ${alias}: ${segments.length} segment(s) after force-merge (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/**
 * The `pixrank train` folder of this world and index (ALS, FM, DeepFM, LambdaMART), trained once into
 * the bench cache with the library function `pixrank train` and `npm start` use (trainLtr over the
 * sidecar's first stage), and reused as bin/start.ts reuses its own: when its manifest names the same
 * data and index and the index still holds the ALS factors it wrote.
 */
export async function trainedModels(client: Client, world: BenchWorld, alias: string, encoder: { embedQuery(text: string): Promise<Float32Array> }, log: Log): Promise<{ dir: string; trained: boolean; seconds: number }> {
  const out = join(cacheDir(), 'bench', 'search-models', alias);
  if (existsSync(join(out, MANIFEST_FILE))) {
    const manifest = await readModelsDir(out).then(
      (read) => read.manifest,
      (error: Error) => void log(`bench search: the models in ${out} do not load (${error.message}); training again`),
    );
    const als = await client.count({ index: alias, query: { exists: { field: 'als' } } }).catch(() => ({ count: 0 }));
    if (manifest && manifest.data === resolve(world.dir) && manifest.index === alias && als.count > 0) {
      log(`bench search: models in ${out} (trained ${manifest.createdAt}; reused)`);
      return { dir: out, trained: false, seconds: 0 };
    }
  }
  log(`bench search: training the personalization models (ALS, FM, DeepFM, LambdaMART) for ${alias} into ${out}; once per world, minutes at 100k`);
  const started = Date.now();
  const progress = stderrProgress();
  try {
    const manifest = await trainLtr({ ...replayFirstStage(client, alias, encoder), dataDir: world.dir, out, progress });
    progress.stop();
    log(`bench search: models trained in ${((Date.now() - started) / 1000).toFixed(0)} s (ranker: ${JSON.stringify(manifest.ranker)})`);
  } catch (error) {
    progress.stop();
    throw error;
  }
  return { dir: out, trained: true, seconds: (Date.now() - started) / 1000 };
}

export interface BenchUser {
  user: string;
  /** The country most of their downloads came from (the request's context). */
  country: string | null;
  downloads: number;
}

/** Users with downloads in the world's conversions (ingest put them in feedback-events, so they have profiles), shuffled. */
export async function usersWithDownloads(world: BenchWorld): Promise<BenchUser[]> {
  const { events } = await readWorldEvents(world.dir);
  const byUser = new Map<string, { downloads: number; countries: Map<string, number> }>();
  for (const e of events) {
    let u = byUser.get(e.user);
    if (!u) byUser.set(e.user, (u = { downloads: 0, countries: new Map() }));
    u.downloads += 1;
    if (e.country) u.countries.set(e.country, (u.countries.get(e.country) ?? 0) + 1);
  }
  const users = [...byUser].map(([user, u]) => ({ user, downloads: u.downloads, country: [...u.countries].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null }));
  return new Random(SEED).sample(users, users.length);
}
