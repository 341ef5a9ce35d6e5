// bench/search.ts — /search latency and throughput per mode through the real sidecar (a child
// `pixrank serve` process) under autocannon, with fresh queries (never a cache hit), beside the same
// retrieval sent straight to Elasticsearch, so the sidecar's own share shows.
// Prints a table and writes bench/results/search.json.
// Usage: npx tsx bench/search.ts [--photos 10000,100000] [--duration 15] [--connections 8] [--model DIR] [--fp32] [--reingest]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import getPort from 'get-port';
import { cacheDir } from '../es-mappings/paths.ts';
import { provisionCluster, type Cluster } from '../es-mappings/provision.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { encodeNpy } from '../ingest/vectors/npy.ts';
import { loadClipEncoder } from '../sidecar/clip/index.ts';
import { keywordQuery } from '../sidecar/retrieval/keyword-query.ts';
import { machine } from './machine.ts';
import { COUNTRIES, PALETTE, TOPICS } from './world/vocabulary.ts';
import { generateWorld } from './world/generate.ts';
import { Random } from '../ltr/random.ts';
import { createError } from '../es-mappings/errors.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '10000,100000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '8' },
    model: { type: 'string' },
    fp32: { type: 'boolean', default: false },
    reingest: { type: 'boolean', default: false },
  },
});
const sizes = values.photos.split(',').map(Number);
const duration = Number(values.duration);
const connections = Number(values.connections);
const modelDir = values.model ?? [join(cacheDir(), 'models', 'clip-b32-random'), '/tmp/clipb32'].find((d) => existsSync(d));
if (!modelDir) throw createError('MODEL_NOT_FOUND', 'bench search: no B/32-sized model; build it with `npx pixrank model export --random-b32 --out <dir>` and pass --model <dir>');
const quantized = !values.fp32;
const DIMS = 512;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Every distinct query text the load can send: "<color> <topic keyword> in <country>", shuffled. */
function queryPool(seed: number): string[] {
  const texts: string[] = [];
  for (const topic of TOPICS) for (const keyword of topic.keywords) for (const color of PALETTE) for (const country of COUNTRIES) texts.push(`${color.name} ${keyword} in ${country.name}`);
  return new Random(seed).sample(texts, texts.length);
}

/**
 * Vectors with the world's structure (a photo near its topics' and colors' centroids), so that
 * kNN works on clustered data as it would with a real CLIP, without embedding 100k images.
 */
async function worldWithVectors(photos: number): Promise<{ dir: string; vectors: string }> {
  const dir = join(cacheDir(), 'bench', `search-world-${photos}`);
  const vectors = join(dir, 'vectors', 'features.npy');
  if (existsSync(vectors)) return { dir, vectors };
  log(`bench search: generating ${photos} photos (tables only) in ${dir}`);
  await generateWorld({ out: dir, photos, users: Math.max(100, photos / 100), seed: 4242, images: false });
  const truth = (await readFile(join(dir, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { photo_id: string; topics: string[]; colors: string[] });
  const r = new Random(9);
  const centroid = new Map<string, Float32Array>();
  const centroidOf = (name: string) => {
    let c = centroid.get(name);
    if (!c) centroid.set(name, (c = Float32Array.from({ length: DIMS }, () => r.normal())));
    return c;
  };
  const data = new Float32Array(truth.length * DIMS);
  truth.forEach((photo, row) => {
    const v = data.subarray(row * DIMS, (row + 1) * DIMS);
    for (const t of photo.topics) centroidOf(`t:${t}`).forEach((x, i) => (v[i]! += x));
    for (const c of photo.colors) centroidOf(`c:${c}`).forEach((x, i) => (v[i]! += 0.5 * x));
    for (let i = 0; i < DIMS; i++) v[i]! += 0.8 * r.normal();
  });
  await mkdir(join(dir, 'vectors'), { recursive: true });
  await writeFile(vectors, encodeNpy({ rows: truth.length, cols: DIMS, data }));
  await writeFile(join(dir, 'vectors', 'photo_ids.csv'), `photo_id\n${truth.map((p) => p.photo_id).join('\n')}\n`);
  return { dir, vectors };
}

async function startSidecar(cluster: Cluster, alias: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await getPort();
  const args = ['bin/pixrank.js', 'serve', '--port', String(port), '--index', alias, '--model', modelDir!, ...(quantized ? ['--quantized'] : [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ES_URL: cluster.url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(createError('PROCESS_FAILED', `bench search: pixrank serve exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

interface LoadResult {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Saturation when `rate` is not given; otherwise that many requests per second offered in total. */
async function load(url: string, path: string, body: () => string, rate?: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration,
    ...(rate ? { overallRate: rate } : {}),
    requests: [{ method: 'POST', path, headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    rps: Math.round(result.requests.average),
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const rows: Array<Record<string, string | number>> = [];
const cluster = await provisionCluster({ log, ignoreStartedInstance: true, instanceDir: join(cacheDir(), 'bench', 'es-search') });
const encoder = await loadClipEncoder(modelDir, { quantized, textCacheSize: 0 });
try {
  for (const photos of sizes) {
    const alias = `bench-search-${photos}`;
    const world = await worldWithVectors(photos);
    if (values.reingest) await cluster.client.indices.delete({ index: `${alias}-v*`, ignore_unavailable: true, allow_no_indices: true });
    const summary = await runIngest({ client: cluster.client, dataDir: world.dir, alias, vectorsFile: world.vectors, log });
    log(`bench search: ${alias}: ${summary.indexed} indexed, ${summary.unchanged} unchanged`);
    await cluster.client.indices.forcemerge({ index: alias, max_num_segments: 1 }).catch(() => undefined);

    const pool = queryPool(photos);
    let next = 0;
    const nextQuery = () => pool[next++ % pool.length]!;
    // Query vectors for the direct kNN runs: embedded up front, so Elasticsearch alone is timed.
    const vectors = await encoder.embedText(pool.slice(0, 400));
    let nextVector = 0;

    const sidecar = await startSidecar(cluster, alias);
    try {
      for (const mode of ['keyword', 'clip', 'hybrid'] as const) {
        await load(sidecar.url, '/search', () => JSON.stringify({ q: nextQuery(), mode, k: 10 })); // warm-up round
        const r = await load(sidecar.url, '/search', () => JSON.stringify({ q: nextQuery(), mode, k: 10 }));
        rows.push({ photos, target: 'sidecar /search', mode, ...r });
        log(`bench search: ${photos} ${mode}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} req/s`);
        if (mode === 'hybrid') {
          // Latency under a load the machine keeps up with (half of its most), not queueing at saturation.
          const rate = Math.max(1, Math.round(r.rps / 2));
          const paced = await load(sidecar.url, '/search', () => JSON.stringify({ q: nextQuery(), mode, k: 10 }), rate);
          rows.push({ photos, target: `sidecar /search at ${rate} req/s offered`, mode, ...paced });
          log(`bench search: ${photos} ${mode} at ${rate} req/s: p50 ${paced.p50} ms, p99 ${paced.p99} ms`);
        }
      }
    } finally {
      sidecar.child.kill('SIGTERM');
      await new Promise((r) => sidecar.child.once('exit', r));
    }

    const esPath = `/${alias}/_search`;
    const source = ['photo_id', 'url', 'image_url', 'description', 'photographer.username', 'location.country', 'clip'];
    const direct = {
      keyword: () => JSON.stringify({ size: 100, query: keywordQuery(nextQuery()), _source: source, track_total_hits: false }),
      clip: () => JSON.stringify({ size: 100, knn: { field: 'clip', query_vector: Array.from(vectors[nextVector++ % vectors.length]!), k: 100, num_candidates: 200 }, _source: source, track_total_hits: false }),
    };
    for (const [mode, body] of Object.entries(direct)) {
      const r = await load(cluster.url, esPath, body);
      rows.push({ photos, target: 'elasticsearch direct', mode, ...r });
      log(`bench search: ${photos} direct ${mode}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps} req/s`);
    }
  }
} finally {
  await encoder.close();
  await cluster.release();
}

console.log(`\n/search under autocannon: ${connections} connections (as fast as answered, or at the rate offered), ${duration} s per row, fresh queries, ${quantized ? 'int8' : 'fp32'} B/32-sized text encoder (${modelDir})`);
console.log('| photos | target | mode | p50 ms | p90 ms | p99 ms | req/s | errors | non-2xx |');
console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.photos} | ${r.target} | ${r.mode} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.rps} | ${r.errors} | ${r.non2xx} |`);
console.log('goals at 100k photos, hybrid + re-rank: p50 ≤ 25 ms, p99 ≤ 60 ms, ≥ 150 req/s');
console.log(`machine: ${JSON.stringify(machine())}; Elasticsearch ${cluster.version}`);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/search.json', import.meta.url),
  `${JSON.stringify({ benchmark: 'search', machine: machine(), elasticsearch: cluster.version, model: modelDir, quantized, connections, duration_s: duration, rows, goals: { photos: 100000, mode: 'hybrid', p50_ms: 25, p99_ms: 60, rps: 150 } }, null, 2)}\n`,
);
