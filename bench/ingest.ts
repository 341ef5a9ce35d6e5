// bench/ingest.ts — how fast does ingest load photos with precomputed 512-d vectors into the
// int8_hnsw field? Prints a table and writes bench/results/ingest.json.
// Usage: npx tsx bench/ingest.ts [--photos 100000] [--dims 512]
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { provisionCluster } from '../es-mappings/provision.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { encodeNpy } from '../ingest/vectors/npy.ts';
import { machine } from './machine.ts';
import { Random } from './world/random.ts';
import { generateWorld } from './world/generate.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '100000' }, dims: { type: 'string', default: '512' } } });
const photos = Number(values.photos);
const dims = Number(values.dims);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
log(`bench ingest: generating ${photos} photos (tables only) in ${dir}`);
const world = await generateWorld({ out: dir, photos, users: 0, seed: 42, images: false });
const idList = (await readFile(join(dir, 'truth', 'photos.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { photo_id: string }).photo_id);
const r = new Random(1);
const data = new Float32Array(idList.length * dims);
for (let i = 0; i < data.length; i++) data[i] = r.float() - 0.5;
await mkdir(join(dir, 'vectors'), { recursive: true });
await writeFile(join(dir, 'vectors', 'features.npy'), encodeNpy({ rows: idList.length, cols: dims, data }));
await writeFile(join(dir, 'vectors', 'photo_ids.csv'), `photo_id\n${idList.join('\n')}\n`);

const cluster = await provisionCluster({ log, ignoreStartedInstance: true });
try {
  const alias = `bench-ingest-${Date.now()}`;
  const summary = await runIngest({ client: cluster.client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors', 'features.npy'), log });
  const docsPerSecond = summary.indexed / summary.seconds;
  const result = {
    benchmark: 'ingest',
    machine: machine(),
    elasticsearch: cluster.version,
    photos,
    dims,
    index_options: 'int8_hnsw m=16 ef_construction=100',
    generate_seconds: world.seconds,
    ingest: summary,
    docs_per_second: Number(docsPerSecond.toFixed(0)),
    goal_docs_per_second: 5000,
  };
  await cluster.client.indices.delete({ index: `${alias}-v*` });
  console.log('\n| photos | dims | indexed | seconds | docs/s | goal |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${photos} | ${dims} | ${summary.indexed} | ${summary.seconds.toFixed(1)} | ${result.docs_per_second} | ≥ 5000 |`);
  console.log(`\nmachine: ${JSON.stringify(result.machine)}; Elasticsearch ${cluster.version} (${cluster.source})`);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/ingest.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await cluster.release();
  await rm(dir, { recursive: true, force: true });
}
