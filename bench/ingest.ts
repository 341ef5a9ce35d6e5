// bench/ingest.ts — where does ingest time go?
// 1. docs/s into Elasticsearch with precomputed vectors (goal ≥ 5000 at 100k photos, int8_hnsw
//    m=16 ef_construction=100), beside the same documents with the template's 1 s refresh, with
//    the vector not indexed (`index: false`) and without the vector, each with the index's
//    indexing / merge / refresh / flush times and what the node's hot threads were doing.
// 2. the whole pipeline (images on disk → CLIP image encoder → index) in images/s beside the raw
//    encoder's images/s on the same files (goal: within 1.3×).
// Prints tables and writes bench/results/ingest.json.
// Usage: npx tsx bench/ingest.ts [--photos 100000] [--dims 512] [--variants int8_hnsw,refresh-1s,index-false,no-vector]
//        [--model DIR] [--quantized] [--pipeline-photos 256] [--skip-docs] [--skip-pipeline]
// ES_HEAP sizes the node this starts (default 1g; 1g and 4g measured the same at 30k photos).
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '../es-mappings/client.ts';
import { cacheDir } from '../es-mappings/paths.ts';
import { provisionCluster } from '../es-mappings/provision.ts';
import { photosTemplate } from '../es-mappings/templates.ts';
import { loadImageEmbedder } from '../ingest/clip-embedder.ts';
import { runIngest, type IngestSummary } from '../ingest/run-ingest.ts';
import { encodeNpy } from '../ingest/vectors/npy.ts';
import { loadClipEncoder, WORLD_MODEL_DIR } from '../sidecar/clip/index.ts';
import { machine } from './machine.ts';
import { Random } from '../ltr/random.ts';
import { generateWorld } from './world/generate.ts';
import { createError } from '../es-mappings/errors.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '512' },
    variants: { type: 'string', default: 'int8_hnsw,refresh-1s,index-false,no-vector' },
    model: { type: 'string' },
    quantized: { type: 'boolean', default: false },
    'pipeline-photos': { type: 'string', default: '256' },
    'skip-docs': { type: 'boolean', default: false },
    'skip-pipeline': { type: 'boolean', default: false },
  },
});
const photos = Number(values.photos);
const dims = Number(values.dims);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

type Variant = 'int8_hnsw' | 'refresh-1s' | 'index-false' | 'no-vector';
const variantNotes: Record<Variant, string> = {
  int8_hnsw: 'the ingest as shipped: int8_hnsw, bulk-load settings (refresh -1, async translog) restored after',
  'refresh-1s': 'int8_hnsw with the template settings left as they are (refresh every 1 s, translog fsync per request)',
  'index-false': 'the vector stored but not indexed (dense_vector index: false): no HNSW graph',
  'no-vector': 'the same documents without the clip field',
};

interface IndexTimes {
  indexing_ms: number;
  merges: number;
  merge_ms: number;
  merge_throttled_ms: number;
  refreshes: number;
  refresh_ms: number;
  flushes: number;
  flush_ms: number;
  segments: number;
}

async function indexTimes(client: Client, index: string): Promise<IndexTimes> {
  const stats = await client.indices.stats({ index, metric: ['indexing', 'merge', 'refresh', 'flush', 'segments'] });
  const t = stats._all.total!;
  return {
    indexing_ms: t.indexing?.index_time_in_millis ?? 0,
    merges: t.merges?.total ?? 0,
    merge_ms: t.merges?.total_time_in_millis ?? 0,
    merge_throttled_ms: t.merges?.total_throttled_time_in_millis ?? 0,
    refreshes: t.refresh?.total ?? 0,
    refresh_ms: t.refresh?.total_time_in_millis ?? 0,
    flushes: t.flush?.total ?? 0,
    flush_ms: t.flush?.total_time_in_millis ?? 0,
    segments: t.segments?.count ?? 0,
  };
}

/** CPU time the Elasticsearch process has used: under a shared machine, CPU per document is what carries over. */
async function esCpuMs(client: Client): Promise<number> {
  const stats = await client.nodes.stats({ metric: ['process'] });
  return Object.values(stats.nodes).reduce((sum, node) => sum + (node.process?.cpu?.total_in_millis ?? 0), 0);
}

/** Waits until no merge runs on the index: a load is done when its segments are, not when bulk returns. */
async function settle(client: Client, index: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const stats = await client.indices.stats({ index, metric: ['merge'] });
    if ((stats._all.total?.merges?.current ?? 0) === 0) return (Date.now() - started) / 1000;
    await new Promise((done) => setTimeout(done, 500));
  }
}

/**
 * Samples `_nodes/hot_threads` while a load runs and adds up CPU % per kind of thread
 * (write, merge, refresh, flush, …), marking stacks inside Lucene's HNSW code.
 */
function sampleHotThreads(client: Client): { stop(): Promise<Record<string, number>> } {
  const tally: Record<string, number> = {};
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const text = String(await client.nodes.hotThreads({ threads: 4, interval: '1s', ignore_idle_threads: true }));
        samples += 1;
        for (const block of text.split(/\n(?=\s*[\d.]+% \[cpu=)/)) {
          const head = /([\d.]+)% \[cpu=([\d.]+)%.*cpu usage by thread '([^']+)'/.exec(block);
          if (!head) continue;
          const name = head[3]!;
          const kind = /Lucene Merge Thread/.test(name) ? 'merge' : (/^elasticsearch\[[^\]]*\]\[([^\]]+)\]/.exec(name)?.[1] ?? name).replace(/\[T#\d+\]$/, '');
          const key = `${kind}${/hnsw/i.test(block) ? ' (in HNSW code)' : ''}`;
          tally[key] = (tally[key] ?? 0) + Number(head[2]);
        }
      } catch {
        // The node may be busy enough to time out a sample; the next one counts.
      }
      await new Promise((done) => setTimeout(done, 4000));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, Number((v / Math.max(samples, 1)).toFixed(1))]).sort((a, b) => Number(b[1]) - Number(a[1])));
    },
  };
}

/** An index with the vector mapped `index: false`, made before ingest so that ingest uses it. */
async function createUnindexedVectorIndex(client: Client, alias: string): Promise<void> {
  const body = photosTemplate({ alias, clipDims: dims }) as { template: { settings: Record<string, unknown>; mappings: { properties: Record<string, Record<string, unknown>> } } };
  const mappings = body.template.mappings;
  mappings.properties.clip = { type: 'dense_vector', dims, index: false };
  await client.indices.create({ index: `${alias}-v1`, settings: body.template.settings, mappings: mappings as never, aliases: { [alias]: { is_write_index: true } } });
}

interface DocsRun {
  variant: Variant;
  note: string;
  indexed: number;
  seconds: number;
  docs_per_second: number;
  /** Seconds after the bulk load until the index's merges had finished. */
  settle_seconds: number;
  docs_per_second_settled: number;
  client_cpu_seconds: number;
  es_cpu_seconds: number;
  /** Milliseconds of CPU per document, Elasticsearch + this process: 2 cores ÷ this = the quiet-machine ceiling. */
  cpu_ms_per_doc: number;
  quiet_machine_ceiling_docs_per_second: number;
  index_times: IndexTimes;
  hot_threads_cpu_percent: Record<string, number>;
  ingest: IngestSummary;
}

async function docsBenchmark(client: Client): Promise<{ runs: DocsRun[]; generate_seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  try {
    log(`bench ingest: generating ${photos} photos (tables only) in ${dir}`);
    const world = await generateWorld({ out: dir, photos, users: 0, seed: 42, images: false });
    const ids = (await readFile(join(dir, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { photo_id: string }).photo_id);
    const r = new Random(1);
    const data = new Float32Array(ids.length * dims);
    for (let i = 0; i < data.length; i++) data[i] = r.float() - 0.5;
    await mkdir(join(dir, 'vectors'), { recursive: true });
    const vectorsFile = join(dir, 'vectors', 'features.npy');
    await writeFile(vectorsFile, encodeNpy({ rows: ids.length, cols: dims, data }));
    await writeFile(join(dir, 'vectors', 'photo_ids.csv'), `photo_id\n${ids.join('\n')}\n`);

    const runs: DocsRun[] = [];
    for (const variant of values.variants.split(',') as Variant[]) {
      if (!(variant in variantNotes)) throw createError('INVALID_ARGUMENT', `bench ingest: unknown variant ${variant} (${Object.keys(variantNotes).join(', ')})`);
      const alias = `bench-ingest-${variant.replace(/[^a-z0-9]/g, '')}-${Date.now()}`;
      if (variant === 'index-false') await createUnindexedVectorIndex(client, alias);
      if (variant === 'refresh-1s') process.env.PIXRANK_BULK_LOAD_SETTINGS = 'off';
      log(`bench ingest: ${variant}: ${variantNotes[variant]}`);
      const hot = sampleHotThreads(client);
      const cpu = process.cpuUsage();
      const esCpuBefore = await esCpuMs(client);
      let summary: IngestSummary;
      try {
        summary = await runIngest({ client, dataDir: dir, alias, ...(variant === 'no-vector' ? {} : { vectorsFile }), log });
      } finally {
        delete process.env.PIXRANK_BULK_LOAD_SETTINGS;
      }
      const index = `${alias}-v1`;
      const settleSeconds = await settle(client, index);
      const used = process.cpuUsage(cpu);
      const esCpu = ((await esCpuMs(client)) - esCpuBefore) / 1000;
      const hotThreads = await hot.stop();
      const clientCpu = (used.user + used.system) / 1e6;
      const cpuMsPerDoc = ((esCpu + clientCpu) * 1000) / summary.indexed;
      const times = await indexTimes(client, index);
      const sizes = await client.indices.stats({ index, metric: ['store'] });
      await client.indices.delete({ index: `${alias}-v*` });
      await rm(join(dir, 'rejects'), { recursive: true, force: true });
      const run: DocsRun = {
        variant,
        note: variantNotes[variant],
        indexed: summary.indexed,
        seconds: summary.seconds,
        docs_per_second: Math.round(summary.indexed / summary.seconds),
        settle_seconds: settleSeconds,
        docs_per_second_settled: Math.round(summary.indexed / (summary.seconds + settleSeconds)),
        client_cpu_seconds: Number(clientCpu.toFixed(1)),
        es_cpu_seconds: Number(esCpu.toFixed(1)),
        cpu_ms_per_doc: Number(cpuMsPerDoc.toFixed(3)),
        quiet_machine_ceiling_docs_per_second: Math.round((machine().cores as number) * 1000 / cpuMsPerDoc),
        index_times: times,
        hot_threads_cpu_percent: hotThreads,
        ingest: summary,
      };
      log(`bench ingest: ${variant}: ${run.docs_per_second} docs/s (${run.docs_per_second_settled} with merges settled); cpu ${run.cpu_ms_per_doc} ms/doc (ES ${esCpu.toFixed(1)} s, client ${clientCpu.toFixed(1)} s); ${JSON.stringify(times)}; store ${sizes._all.total?.store?.size_in_bytes} B; hot threads ${JSON.stringify(hotThreads)}`);
      runs.push(run);
    }
    return { runs, generate_seconds: world.seconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function defaultModel(): string {
  const b32 = join(cacheDir(), 'models', 'clip-b32-random');
  return existsSync(join(b32, 'onnx', 'vision_model.onnx')) ? b32 : WORLD_MODEL_DIR;
}

/** The raw encoder over the same files, in the pipeline's batches of 16, after a warm-up batch. */
async function rawEncoderRate(modelDir: string, files: string[], quantized: boolean): Promise<number> {
  const encoder = await loadClipEncoder(modelDir, { quantized });
  try {
    await encoder.embedImages(files.slice(0, 8));
    const started = performance.now();
    for (let i = 0; i < files.length; i += 16) {
      const rows = await encoder.embedImages(files.slice(i, i + 16));
      const failed = rows.find((row) => row instanceof Error);
      if (failed) throw failed;
    }
    return files.length / ((performance.now() - started) / 1000);
  } finally {
    await encoder.close();
  }
}

async function pipelineBenchmark(client: Client) {
  const modelDir = values.model ?? defaultModel();
  const quantized = values.quantized;
  const count = Number(values['pipeline-photos']);
  const dir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
  try {
    log(`bench ingest: pipeline: ${count} photos with images, model ${modelDir}${quantized ? ' (int8)' : ''}`);
    await generateWorld({ out: dir, photos: count, users: 0, seed: 43 });
    const files = (await readdir(join(dir, 'images'))).sort().map((f) => join(dir, 'images', f));
    const rawBefore = await rawEncoderRate(modelDir, files, quantized);
    log(`bench ingest: raw encoder ${rawBefore.toFixed(1)} images/s`);
    const embedder = await loadImageEmbedder(modelDir, { quantized });
    let summary: IngestSummary;
    const alias = `bench-pipeline-${Date.now()}`;
    try {
      await embedder.embedImages([await readFile(files[0]!)]);
      summary = await runIngest({ client, dataDir: dir, alias, embedder, log });
    } finally {
      await embedder.close();
    }
    await client.indices.delete({ index: `${alias}-v*` });
    const pipeline = summary.images / summary.seconds;
    const rawAfter = await rawEncoderRate(modelDir, files, quantized);
    const raw = (rawBefore + rawAfter) / 2;
    log(`bench ingest: pipeline ${pipeline.toFixed(1)} images/s; raw encoder again ${rawAfter.toFixed(1)} images/s`);
    return {
      model: modelDir,
      quantized,
      photos: count,
      images: summary.images,
      rejected: summary.rejected,
      pipeline_seconds: summary.seconds,
      pipeline_images_per_second: Number(pipeline.toFixed(1)),
      raw_encoder_images_per_second: Number(raw.toFixed(1)),
      raw_encoder_runs: [Number(rawBefore.toFixed(1)), Number(rawAfter.toFixed(1))],
      raw_over_pipeline: Number((raw / pipeline).toFixed(2)),
      goal_raw_over_pipeline: 1.3,
    };
  }
  finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const loadAtStart = Number(loadavg()[0]!.toFixed(2));
const cluster = await provisionCluster({ log, ignoreStartedInstance: true });
try {
  const docs = values['skip-docs'] ? undefined : await docsBenchmark(cluster.client);
  const pipeline = values['skip-pipeline'] ? undefined : await pipelineBenchmark(cluster.client);
  const result = {
    benchmark: 'ingest',
    machine: machine(),
    load_average_1m: { start: loadAtStart, end: Number(loadavg()[0]!.toFixed(2)) },
    elasticsearch: cluster.version,
    es_heap: process.env.ES_HEAP ?? '1g (default)',
    photos,
    dims,
    index_options: 'int8_hnsw m=16 ef_construction=100',
    goal_docs_per_second: 5000,
    ...(docs ? { generate_seconds: docs.generate_seconds, docs: docs.runs } : {}),
    ...(pipeline ? { pipeline } : {}),
  };
  if (docs) {
    console.log('\n| variant | photos | docs/s | docs/s settled | cpu ms/doc (ES + client) | 2-core ceiling docs/s | index ms | merges (ms) | refreshes (ms) | flushes (ms) | segments |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const run of docs.runs) {
      const t = run.index_times;
      console.log(`| ${run.variant} | ${run.indexed} | ${run.docs_per_second} | ${run.docs_per_second_settled} | ${run.cpu_ms_per_doc} (${run.es_cpu_seconds} s + ${run.client_cpu_seconds} s) | ${run.quiet_machine_ceiling_docs_per_second} | ${t.indexing_ms} | ${t.merges} (${t.merge_ms}) | ${t.refreshes} (${t.refresh_ms}) | ${t.flushes} (${t.flush_ms}) | ${t.segments} |`);
    }
  }
  if (pipeline) {
    console.log('\n| model | images | pipeline images/s | raw encoder images/s | raw / pipeline | goal |');
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(`| ${pipeline.model}${pipeline.quantized ? ' int8' : ' fp32'} | ${pipeline.images} | ${pipeline.pipeline_images_per_second} | ${pipeline.raw_encoder_images_per_second} | ${pipeline.raw_over_pipeline} | ≤ 1.3 |`);
  }
  console.log(`\nmachine: ${JSON.stringify(result.machine)}; load average ${result.load_average_1m.start} → ${result.load_average_1m.end} (other work on the machine); Elasticsearch ${cluster.version} (${cluster.source}, heap ${result.es_heap})`);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/ingest.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await cluster.release();
}
