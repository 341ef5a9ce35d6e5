import { mkdir } from 'node:fs/promises';
import { writeVectorField } from '../../es-mappings/vector-field.ts';
import { resolve } from 'node:path';
import { defaultSplit, eventsBefore, eventsBetween, queriesOf, readWorldEvents } from '../data/events.ts';
import { PIXRANK_FEATURESET } from '../features/pixrank-featureset.ts';
import { fitBaseModels, saveBaseModels } from '../models/base-models.ts';
import { trainCrossValidated } from '../ranker/cross-validate.ts';
import type { FirstStageOptions } from '../replay/first-stage.ts';
import { replayQueries, type Replayed } from '../replay/replay.ts';
import { UserHistory } from '../replay/user-history.ts';
import { MODELS_FORMAT, MODELS_VERSION, writeManifest, type ModelsManifest } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface TrainLtrOptions extends FirstStageOptions {
  dataDir: string;
  out: string;
  seed?: number;
  progress: PipelineProgress;
}

/** The ranker's boosting settings, for the dataset's replay and for the logs alike (and `bench:ranker`'s both sides). */
export const RANKER_TRAINING = { trees: 300, learningRate: 0.05, maxLeaves: 16, minDocsPerLeaf: 20, earlyStoppingRounds: 40 } as const;

/**
 * The dataset's ranker window: ~1 downloaded photo among ~120 candidates per search, so leaves of
 * 20 rows fit noise and the held-out NDCG stops rising after a few trees. Bigger leaves, fewer of
 * them, more L2 and bagging by search and by feature let it keep learning: on the `npm start` world
 * (852 searches, 5-fold cross-validation) 159 trees at a mean held-out NDCG@10 of 0.1068, against
 * 15 trees at 0.1002 with `RANKER_TRAINING`'s leaves.
 */
export const DATASET_RANKER_TRAINING = { trees: 300, learningRate: 0.05, maxLeaves: 8, minDocsPerLeaf: 200, l2: 1, subsample: 0.8, featureFraction: 0.8 } as const;

/** Groups with at least one downloaded candidate: a group without one carries no ranking signal. */
export function rankingGroups(replayed: readonly Replayed[]): Array<{ features: Float32Array; labels: Float32Array; rows: number }> {
  return replayed.filter((r) => r.labels.some((l) => l > 0)).map((r) => ({ features: r.features, labels: r.labels, rows: r.labels.length }));
}

/**
 * Steps 1–2 of `pixrank train` up to the ranker's training set: the split, the base models fitted
 * on the history, the ranker window's searches replayed with their features and labels (the groups
 * with a downloaded candidate, in time order). `bench:ranker` trains both rankers on these.
 */
export async function replayRankerWindow(options: TrainLtrOptions) {
  const { progress } = options;
  const seed = options.seed ?? 1;
  const world = await readWorldEvents(options.dataDir);
  const split = defaultSplit(world.events);
  const history = eventsBefore(world.events, split.rankerFrom);
  progress.log(`train: ${world.events.length} conversions; history until ${new Date(split.rankerFrom).toISOString().slice(0, 10)} (${history.length}), ranker window until ${new Date(split.testFrom).toISOString().slice(0, 10)}, test after`);

  const fitted = await fitBaseModels(history, world.photos, { seed, onProgress: (model, p) => progress.tick(`fit ${model} (history)`, p.step, p.steps, p.detail) });
  const queries = queriesOf(eventsBetween(world.events, split.rankerFrom, split.testFrom));
  let done = 0;
  const replayed = await replayQueries(queries, { ...options, models: fitted, history: new UserHistory(history), onQuery: () => progress.tick('replay ranker window', ++done, queries.length) });
  const groups = rankingGroups(replayed);
  if (groups.length < 10) throw createError('NOT_ENOUGH_DATA', `train: only ${groups.length} replayed searches found a downloaded photo among their candidates; a ranker needs more (a bigger world, or more conversions)`);
  return { world, split, queries, groups };
}

/**
 * `pixrank train`: on the time split of the dataset's conversions,
 * 1. ALS, FM and DeepFM fitted on the history (before the ranker window);
 * 2. the ranker window's searches replayed through Elasticsearch, features logged with those models
 *    and the users' history, labels from the downloads; LambdaMART trained on them, its tree count
 *    chosen by 5-fold cross-validation over the window's searches;
 * 3. the base models fitted again on everything before the test period, so that serving and `eval`
 *    see all the history the ranker's features assume.
 */
export async function trainLtr(options: TrainLtrOptions): Promise<ModelsManifest> {
  const { progress } = options;
  const seed = options.seed ?? 1;
  const { world, split, queries, groups } = await replayRankerWindow(options);
  // The tree count by 5-fold cross-validation, then one ranker on every group (see cross-validate.ts:
  // early stopping on one fifth of a few hundred searches kept anywhere from 2 to 98 trees).
  const cv = await trainCrossValidated(PIXRANK_FEATURESET, groups, {
    ...DATASET_RANKER_TRAINING,
    seed,
    folds: 5,
    onProgress: (p) => progress.tick('lambdamart (5-fold cross-validation)', p.tree, p.trees, { valid_ndcg10: p.validNdcg }),
    onFold: (fold, folds, best) => progress.log(`train: fold ${fold}/${folds}: best ${best.trees} trees, NDCG@10 ${best.ndcg.toFixed(4)}`),
  });
  const ranker = cv.model;
  progress.log(`train: ${cv.trees} trees by 5-fold cross-validation (mean held-out NDCG@10 ${cv.cvNdcg.toFixed(4)}; single folds would have kept ${cv.folds.map((f) => f.trees).join(', ')})`);

  const final = await fitBaseModels(eventsBefore(world.events, split.testFrom), world.photos, { seed, onProgress: (model, p) => progress.tick(`fit ${model} (history + ranker window)`, p.step, p.steps, p.detail) });
  await mkdir(options.out, { recursive: true });
  await saveBaseModels(final, options.out);
  await ranker.save(options.out);
  // The serving ALS's photo factors go into the index's `als` field, so /recommend can find a user's
  // photos by kNN on their factors (max_inner_product) without scoring every photo in the sidecar.
  const als = await writeVectorField(options.es, options.index, 'als', (photo) => final.als.itemVector(photo));
  progress.log(`train: ALS factors of ${als.withVector} of ${als.documents} photos written to ${als.index}'s als field (${final.als.factors} factors, padded to ${als.dims}) in ${als.seconds.toFixed(1)} s`);
  const manifest: ModelsManifest = {
    format: MODELS_FORMAT,
    version: MODELS_VERSION,
    createdAt: new Date().toISOString(),
    data: resolve(options.dataDir),
    index: options.index,
    split,
    conversions: world.events.length,
    ranker: { queries: queries.length, groups: groups.length, ...ranker.metrics, trees: ranker.trees.length, 'cv_ndcg@10': cv.cvNdcg, cvFolds: cv.folds.length, ...Object.fromEntries(cv.folds.map((f, i) => [`fold${i + 1}_trees`, f.trees])) },
    alsField: { index: als.index, dims: als.dims, photos: als.withVector },
  };
  await writeManifest(options.out, manifest);
  return manifest;
}
