// bench/second-pass.ts — the learned second pass's costs: how fast the BPR factorization
// machine and DeepFM train (epochs/s and events/s on a generated world's history), and how long
// rescoring 100 and 500 candidates takes per model (ALS, FM, DeepFM), for the featureset extraction,
// and — with `--models DIR` from `pixrank train` — for the whole pass (featureset + LambdaMART), as
// the sidecar runs it per request. Prints a table and writes bench/results/second-pass.json.
// Usage: npm run bench:second-pass [-- --photos 3000 --users 600 --seed 7 --fm-epochs 5
//        --deepfm-epochs 2 --calls 300 --models DIR]
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { quantileSorted } from 'simple-statistics';
import { cacheDir } from '../es-mappings/paths.ts';
import { ImplicitAls } from '../ltr/als/implicit-als.ts';
import { defaultSplit, eventsBefore, readWorldEvents } from '../ltr/data/events.ts';
import { DeepFm } from '../ltr/deepfm/deepfm.ts';
import { extractFeatures, type FeatureModels, type UserState } from '../ltr/features/extract.ts';
import { FEATURES } from '../ltr/features/pixrank-featureset.ts';
import { FactorizationMachine } from '../ltr/fm/fm-bpr.ts';
import { interactionMatrix } from '../ltr/interactions.ts';
import { fmEvents, itemSides } from '../ltr/models/base-models.ts';
import { loadModelsDir, type LoadedModels } from '../ltr/pipeline/models-dir.ts';
import type { FitProgress } from '../ltr/recommender.ts';
import type { RerankCandidate } from '../ltr/second-pass.ts';
import { machine } from './machine.ts';
import { Random } from '../ltr/random.ts';
import { generateWorld } from './world/generate.ts';
import { createError } from '../es-mappings/errors.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '3000' },
    users: { type: 'string', default: '600' },
    seed: { type: 'string', default: '7' },
    'fm-epochs': { type: 'string', default: '5' },
    'deepfm-epochs': { type: 'string', default: '2' },
    calls: { type: 'string', default: '300' },
    models: { type: 'string' },
  },
});
const num = (name: 'photos' | 'users' | 'seed' | 'fm-epochs' | 'deepfm-epochs' | 'calls'): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw createError('INVALID_ARGUMENT', `bench second-pass: --${name} must be a positive integer (got ${String(values[name])})`);
  return n;
};
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const CANDIDATE_COUNTS = [100, 500];
const VECTOR_DIMS = 512;

// --- the world and its history -------------------------------------------------------------------
const photos = num('photos');
const worldUsers = num('users');
const seed = num('seed');
const worldDir = join(cacheDir(), 'bench', 'second-pass', `world-s${seed}-${photos}x${worldUsers}`);
if (!existsSync(join(worldDir, '.complete'))) {
  log(`bench second-pass: generating a world of ${photos} photos and ${worldUsers} users -> ${worldDir}`);
  await generateWorld({ out: worldDir, photos, users: worldUsers, seed, images: false });
  await writeFile(join(worldDir, '.complete'), '');
}
const world = await readWorldEvents(worldDir);
const history = eventsBefore(world.events, defaultSplit(world.events).rankerFrom);
const sides = itemSides(world.photos);
log(`bench second-pass: ${history.length} history events of ${world.events.length}`);

// --- training throughput -------------------------------------------------------------------------
interface Throughput {
  model: string;
  epochs: number;
  events: number;
  seconds: number;
  epochsPerSecond: number;
  eventsPerSecond: number;
  /** Per-epoch seconds (the first includes encoding the training set). */
  perEpoch: number[];
}

async function timeFit(model: string, epochs: number, fit: (onProgress: (p: FitProgress) => void) => Promise<void>): Promise<Throughput> {
  log(`bench second-pass: fitting ${model}, ${epochs} epochs`);
  const perEpoch: number[] = [];
  const started = performance.now();
  let mark = started;
  await fit(() => {
    const now = performance.now();
    perEpoch.push((now - mark) / 1000);
    mark = now;
  });
  const seconds = (performance.now() - started) / 1000;
  return { model, epochs, events: history.length, seconds, epochsPerSecond: epochs / seconds, eventsPerSecond: (epochs * history.length) / seconds, perEpoch };
}

const fm = new FactorizationMachine({ epochs: num('fm-epochs') }, sides);
const deepfm = new DeepFm({ epochs: num('deepfm-epochs') }, sides);
const throughput = [
  await timeFit('BPR-FM', num('fm-epochs'), (onProgress) => fm.fitEvents(fmEvents(history), { seed: 1, onProgress })),
  await timeFit('DeepFM', num('deepfm-epochs'), (onProgress) => deepfm.fitEvents(fmEvents(history), { seed: 1, onProgress })),
];
const als = new ImplicitAls({ factors: 32, iterations: 15, regularization: 0.05 });
await als.fit(interactionMatrix(history.map((e) => ({ user: e.user, item: e.photo, weight: 1 }))), { seed: 1 });

// --- rescoring latency ---------------------------------------------------------------------------
const loaded: LoadedModels | undefined = values.models ? await loadModelsDir(values.models) : undefined;
const photographers = new Map([...world.photos].flatMap(([id, f]) => (f.photographer ? [[id, f.photographer] as const] : [])));
const models: FeatureModels = loaded?.base ?? { als, fm, deepfm, photographerOf: (photo) => photographers.get(photo) };
const random = new Random(seed);
const photoIds = [...world.photos.keys()];
const unitVector = (): Float32Array => {
  const v = Float32Array.from({ length: VECTOR_DIMS }, () => random.float() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
const vectors = new Map(photoIds.map((id) => [id, unitVector()]));

/** A request as the sidecar sees it after the first stages: a history user, their keyword and country, `n` candidates. */
function request(n: number): { user: string; query: string; country: string | undefined; queryVector: Float32Array; candidates: RerankCandidate[]; state: UserState } {
  const event = history[random.int(0, history.length - 1)]!;
  const start = random.int(0, photoIds.length - n);
  const candidates = photoIds.slice(start, start + n).map((id, rank): RerankCandidate => {
    const f = world.photos.get(id)!;
    return {
      id,
      candidate: { photo_id: id, photographer: f.photographer ?? null, country: f.country ?? null, downloads: f.downloads ?? null, views: f.views ?? null, submitted_at: f.submittedAt ? new Date(f.submittedAt).toISOString() : null, clauses: { keywords: 3 - rank / n, texts: 1 } },
      vector: vectors.get(id),
      lists: { keyword: { rank: rank + 1, score: 10 - rank / n }, clip: { rank: n - rank, score: 0.3 } },
      fused: 1 / (60 + rank),
    };
  });
  const positives = history.filter((e) => e.user === event.user).slice(-20).map((e) => ({ photo: e.photo, weight: 1 }));
  return { user: event.user, query: event.keyword, country: event.country ?? undefined, queryVector: unitVector(), candidates, state: { mean: unitVector(), session: unitVector(), positives } };
}

interface Latency {
  stage: string;
  candidates: number;
  p50Ms: number;
  p99Ms: number;
}

const calls = num('calls');
const latencies: Latency[] = [];
for (const n of CANDIDATE_COUNTS) {
  const requests = Array.from({ length: calls }, () => request(n));
  const featureRequest = (r: (typeof requests)[number]) => ({ time: Date.now(), user: r.user, query: r.query, queryVector: r.queryVector, ...(r.country ? { country: r.country } : {}) });
  const stages: Array<[string, (r: (typeof requests)[number]) => unknown]> = [
    ['ALS score', (r) => models.als?.scoreVector(models.als.userVector(r.user) ?? models.als.foldIn(r.state.positives.map((p) => ({ item: p.photo, weight: p.weight }))), r.candidates.map((c) => c.id))],
    ['FM score', (r) => models.fm?.scoreContext({ user: r.user, query: r.query, ...(r.country ? { country: r.country } : {}) }, r.candidates.map((c) => c.id))],
    ['DeepFM score', (r) => models.deepfm?.scoreContext({ user: r.user, query: r.query, ...(r.country ? { country: r.country } : {}) }, r.candidates.map((c) => c.id))],
    [`featureset (all ${FEATURES.length})`, (r) => extractFeatures(featureRequest(r), r.state, r.candidates, models)],
  ];
  if (loaded) {
    const features = requests.map((r) => extractFeatures(featureRequest(r), r.state, r.candidates, models));
    let i = 0;
    stages.push(['LambdaMART score', () => loaded.ranker.score(features[i++ % features.length]!, n)]);
    stages.push(['whole pass (features + ranker)', (r) => loaded.ranker.score(extractFeatures(featureRequest(r), r.state, r.candidates, models), n)]);
  }
  for (const [stage, run] of stages) {
    for (const r of requests.slice(0, Math.min(50, calls))) run(r); // warm-up: JIT, tfjs kernels
    const times = requests.map((r) => {
      const start = performance.now();
      run(r);
      return performance.now() - start;
    });
    times.sort((a, b) => a - b);
    latencies.push({ stage, candidates: n, p50Ms: quantileSorted(times, 0.5), p99Ms: quantileSorted(times, 0.99) });
  }
}

// --- report --------------------------------------------------------------------------------------
console.log(`second pass on a generated world: ${photos} photos, ${worldUsers} users, seed ${seed}; ${history.length} history events; ${machine().cores} cores (${machine().cpu})`);
console.log('training     epochs  seconds  epochs/s  events/s');
for (const t of throughput) console.log(`${t.model.padEnd(11)}  ${String(t.epochs).padStart(6)}  ${t.seconds.toFixed(1).padStart(7)}  ${t.epochsPerSecond.toFixed(3).padStart(8)}  ${Math.round(t.eventsPerSecond).toString().padStart(8)}`);
console.log(`rescoring (${loaded ? `models ${values.models}` : 'models fitted above; --models DIR adds the ranker'}), ${calls} requests each`);
console.log('stage                            candidates  p50 ms  p99 ms');
for (const l of latencies) console.log(`${l.stage.padEnd(31)}  ${String(l.candidates).padStart(10)}  ${l.p50Ms.toFixed(3).padStart(6)}  ${l.p99Ms.toFixed(3).padStart(6)}`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/second-pass.json', import.meta.url),
  `${JSON.stringify({ machine: machine(), world: { photos, users: worldUsers, seed, history_events: history.length }, models: values.models ?? null, training: throughput, rescoring: latencies, goal: { ranker_500_candidates_ms_at_most: 2 } }, null, 2)}\n`,
);
