// bench/ranker.ts — pixrank's LambdaMART against LightGBM's lambdarank (Python, its own virtualenv)
// on the same feature matrices, the same split (the last fifth of the searches by time validates)
// and the same settings (trees, learning rate, leaves, depth, leaf minimums, L2, bins, truncation,
// early stopping on the validation groups). NDCG@10 of both on the validation groups is computed by
// the same code (ltr/ranker/lambda.ts), from each model's scores. A third row is what `pixrank
// train` does on a dataset: the tree count by 5-fold cross-validation on the training groups and one
// model refitted on them (with --data, `pixrank train`'s own dataset settings), judged on the
// validation groups it never saw. Prints a table, writes
// bench/results/ranker.json.
// Usage: npm run bench:ranker -- --data DIR [--index NAME]   the dataset's ranker window, replayed as `pixrank train` does
//        npm run bench:ranker -- --from-events --index NAME [--since DATE] [--until DATE]   the sidecar's logged searches with feedback
//        [--threads 1] (LightGBM's threads; ours is single-threaded) [--seed 1] [--out bench/results/ranker.json]
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createError } from '../es-mappings/errors.ts';
import { cacheDir } from '../es-mappings/paths.ts';
import { DEFAULT_ALIAS } from '../es-mappings/templates.ts';
import { logToStderr, withCluster } from '../es-mappings/with-cluster.ts';
import { PIXRANK_FEATURESET } from '../ltr/features/pixrank-featureset.ts';
import { learningSet } from '../ltr/learning/learning-set.ts';
import { readLoggedSearches, readSidecarFeedback } from '../ltr/learning/read-events.ts';
import { DATASET_RANKER_TRAINING, RANKER_TRAINING, replayRankerWindow } from '../ltr/pipeline/train-ltr.ts';
import { stderrProgress } from '../ltr/pipeline/progress.ts';
import { groupIndex, meanNdcg } from '../ltr/ranker/lambda.ts';
import { trainCrossValidated } from '../ltr/ranker/cross-validate.ts';
import { trainLambdaMart, type RankingGroup } from '../ltr/ranker/lambdamart.ts';
import { ensurePythonEnv, loadClipEncoder, runProgram } from '../sidecar/clip/index.ts';
import { defaultClipModel } from '../sidecar/clip-cli/model-choice.ts';
import { replayFirstStage } from '../sidecar/retrieval/first-stage.ts';
import { machine } from './machine.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    'from-events': { type: 'boolean', default: false },
    index: { type: 'string', default: DEFAULT_ALIAS },
    since: { type: 'string' },
    until: { type: 'string' },
    out: { type: 'string', default: 'bench/results/ranker.json' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const threads = Number(values.threads);
const seed = Number(values.seed);
if (!values.data && !values['from-events']) throw createError('INVALID_ARGUMENT', 'bench ranker: give --data DIR (a dataset ingested into --index) or --from-events --index NAME');

/** The groups both rankers learn from, in time order, and where they came from. */
async function groupsOf(): Promise<{ groups: RankingGroup[]; source: Record<string, unknown> }> {
  const index = values.index!;
  if (values['from-events']) {
    return withCluster(async ({ client }) => {
      const range = { index, ...(values.since ? { since: values.since } : {}) };
      const until = values.until ? Date.parse(values.until) : Infinity;
      const [allSearches, allFeedback] = await Promise.all([readLoggedSearches(client, range), readSidecarFeedback(client, range)]);
      const searches = allSearches.filter((search) => Date.parse(search['@timestamp']) < until);
      const feedback = allFeedback.filter((f) => Date.parse(f['@timestamp']) < until);
      // Unweighted on both sides: LightGBM's row weights scale a row's summed gradient, which is not the pair weighting of IPS.
      const set = learningSet(searches, feedback, { featureset: PIXRANK_FEATURESET, ips: false });
      return { groups: set.groups, source: { kind: 'search-events ⋈ feedback-events', index, since: values.since ?? null, until: values.until ?? null, ...set.counts } };
    });
  }
  const model = defaultClipModel(undefined, logToStderr);
  const encoder = model ? await loadClipEncoder(model.dir) : undefined;
  const progress = stderrProgress();
  try {
    return await withCluster(async ({ client }) => {
      const replay = await replayRankerWindow({ ...replayFirstStage(client, index, encoder), dataDir: values.data!, out: '', seed, progress });
      return { groups: replay.groups, source: { kind: 'dataset ranker window, replayed', data: values.data, index, queries: replay.queries.length, groups: replay.groups.length } };
    });
  } finally {
    progress.stop();
    await encoder?.close();
  }
}

async function writeGroups(dir: string, name: string, groups: readonly RankingGroup[]): Promise<void> {
  const rows = groups.reduce((n, g) => n + g.rows, 0);
  const x = new Float32Array(rows * PIXRANK_FEATURESET.features.length);
  const y = new Float32Array(rows);
  let at = 0;
  for (const g of groups) {
    x.set(g.features, at * PIXRANK_FEATURESET.features.length);
    y.set(g.labels, at);
    at += g.rows;
  }
  await writeFile(join(dir, `${name}.x.f32`), Buffer.from(x.buffer));
  await writeFile(join(dir, `${name}.y.f32`), Buffer.from(y.buffer));
  await writeFile(join(dir, `${name}.groups.i32`), Buffer.from(Int32Array.from(groups, (g) => g.rows).buffer));
}

const { groups, source } = await groupsOf();
const cut = Math.floor(groups.length * 0.8);
const [train, valid] = [groups.slice(0, cut), groups.slice(cut)];
const validIndex = groupIndex(valid.map((g) => g.labels));
log(`bench ranker: ${train.length} training groups (${train.reduce((n, g) => n + g.rows, 0)} rows), ${valid.length} validation groups`);

const ourStart = performance.now();
const ours = await trainLambdaMart(PIXRANK_FEATURESET, train, { ...RANKER_TRAINING, seed, valid });
const ourSeconds = (performance.now() - ourStart) / 1000;
const ourScores = new Float64Array(valid.reduce((n, g) => n + g.rows, 0));
let at = 0;
for (const g of valid) {
  ourScores.set(ours.score(g.features, g.rows), at);
  at += g.rows;
}
const ourNdcg = meanNdcg(ourScores, validIndex, 10);

/** NDCG@10 of a model on the validation groups, by the same code as every other row. */
function validNdcg(model: { score(features: Float32Array, rows: number): Float32Array | Float64Array }): number {
  const scores = new Float64Array(ourScores.length);
  let offset = 0;
  for (const g of valid) {
    scores.set(model.score(g.features, g.rows), offset);
    offset += g.rows;
  }
  return meanNdcg(scores, validIndex, 10);
}

// What `pixrank train` now does on a dataset: the tree count by 5-fold cross-validation on the
// training groups, one model refitted on all of them; the validation groups stay unseen.
const cvStart = performance.now();
const { earlyStoppingRounds: _stop, ...boosting } = RANKER_TRAINING;
const cvSettings = values['from-events'] ? boosting : DATASET_RANKER_TRAINING;
const cv = await trainCrossValidated(PIXRANK_FEATURESET, train, { ...cvSettings, seed, folds: 5 });
const cvSeconds = (performance.now() - cvStart) / 1000;
const cvValidNdcg = validNdcg(cv.model);

const root = join(cacheDir(), 'bench', 'ranker');
const env = await ensurePythonEnv({ requirements: fileURLToPath(new URL('./ranker/requirements.txt', import.meta.url)), root: join(root, 'python'), log });
const dir = await mkdtemp(join(tmpdir(), 'bench-ranker-'));
let peer: { seconds: number; trees: number; trees_grown: number; lightgbm: string; numpy: string };
let peerNdcg: number;
try {
  await writeGroups(dir, 'train', train);
  await writeGroups(dir, 'valid', valid);
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ features: PIXRANK_FEATURESET.features.length, threads, seed, params: ours.params }));
  const loadBefore = loadavg()[0]!;
  const run = await runProgram(env.python, [fileURLToPath(new URL('./ranker/lightgbm_rank.py', import.meta.url)), dir], { log: () => {}, prefix: 'lightgbm: ' });
  peer = JSON.parse(run.stdout.at(-1)!) as typeof peer;
  log(`bench ranker: load average ${loadBefore.toFixed(1)} before LightGBM`);
  const predicted = await readFile(join(dir, 'valid.pred.f64'));
  peerNdcg = meanNdcg(new Float64Array(predicted.buffer, predicted.byteOffset, predicted.byteLength / 8), validIndex, 10);
} finally {
  await rm(dir, { recursive: true, force: true });
}

const rows = [
  ['ranker', 'validation NDCG@10', 'trees kept (grown)', 'training s'],
  ['pixrank LambdaMART, early stopping on the validation groups', ourNdcg.toFixed(4), `${ours.trees.length} (${ours.metrics.treesGrown})`, ourSeconds.toFixed(2)],
  [`LightGBM ${peer.lightgbm} lambdarank, early stopping on the validation groups`, peerNdcg.toFixed(4), `${peer.trees} (${peer.trees_grown})`, peer.seconds.toFixed(2)],
  ['pixrank LambdaMART, trees by 5-fold CV on the training groups', cvValidNdcg.toFixed(4), `${cv.trees} (folds: ${cv.folds.map((f) => f.trees).join(' ')})`, cvSeconds.toFixed(2)],
];
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
console.log(`rankers on ${JSON.stringify(source)}; ${train.length} training / ${valid.length} validation groups; LightGBM threads ${threads}, ours 1`);
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
console.log(`pixrank − LightGBM: NDCG@10 ${ourNdcg - peerNdcg >= 0 ? '+' : ''}${(ourNdcg - peerNdcg).toFixed(4)} (goal within 0.005), training time ${(ourSeconds / peer.seconds).toFixed(2)}×`);

await mkdir(dirname(values.out!), { recursive: true });
await writeFile(
  values.out!,
  `${JSON.stringify(
    {
      machine: { ...machine(), python: env.python, lightgbm: peer.lightgbm, numpy: peer.numpy, load_average_after: loadavg()[0] },
      data: { ...source, train_groups: train.length, valid_groups: valid.length, split: 'by time: the last fifth of the groups validates' },
      settings: { ...ours.params, lightgbm_threads: threads },
      pixrank: { ndcg_at_10: ourNdcg, trees: ours.trees.length, trees_grown: ours.metrics.treesGrown, seconds: ourSeconds },
      lightgbm: { ndcg_at_10: peerNdcg, trees: peer.trees, trees_grown: peer.trees_grown, seconds: peer.seconds },
      pixrank_cross_validated: { settings: cvSettings, ndcg_at_10: cvValidNdcg, trees: cv.trees, cv_ndcg_at_10: cv.cvNdcg, fold_best_trees: cv.folds.map((f) => f.trees), seconds: cvSeconds },
      difference: ourNdcg - peerNdcg,
      goal: { ndcg_within: 0.005 },
    },
    null,
    2,
  )}\n`,
);
