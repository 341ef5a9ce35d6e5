/*
 * Why LambdaMART (gradient-boosted trees on lambda gradients, Burges 2010) and not a pairwise
 * linear model (RankSVM / RankNet-linear) for pixrank's second pass:
 *
 * - Interactions. What the features mean depends on each other: a high CLIP cosine is worth more
 *   when the profile cosine agrees; an ALS score means little for a user with three downloads; BM25
 *   matters when the query is a keyword and not a description. A linear model scores each feature
 *   independently (w·x) and can express none of that without hand-made cross features; a tree
 *   splits on CLIP cosine and then on profile cosine below it.
 * - Scale-free splits. BM25 scores, view counts and ranks have heavy tails and per-index scales; a
 *   tree only compares a feature with thresholds, so raw values work without normalisation or log
 *   transforms, and monotone rescaling of a feature changes nothing.
 * - The metric. Lambda gradients weight each pair by the NDCG change of swapping it, so the model
 *   optimises NDCG at the top of the list (what a user sees) instead of all pairs equally.
 * - Missing features (no profile for a new user, no ALS factors for a new photo) get a learned
 *   direction per split instead of an imputed value.
 * The cost: scoring walks ~200 trees per candidate instead of one dot product, so the trees are
 * flattened into typed arrays (model.ts) to keep 500 candidates under 2 ms; and explanations are
 * path attributions (Saabas) rather than w_i·x_i.
 *
 * Missing values (NaN) go to a learned default direction at every split (see tree-builder.ts).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { binMatrix } from './binning.ts';
import { validateFeatureset, type Featureset } from './featureset.ts';
import { GroupRanking, groupIndex, type GroupIndex } from './lambda.ts';
import { RankerModel } from './model.ts';
import { TreeBuilder, type Tree } from './tree-builder.ts';
import { createError } from '../../es-mappings/errors.ts';

/** One query's candidates: `features` is rows × nFeatures, row-major; labels graded, 0 = not relevant. */
export interface RankingGroup {
  features: Float32Array;
  labels: Float32Array;
  rows: number;
  /** Per row, the weight of the pairs where it is the better document (inverse propensity weights); absent: 1. */
  weights?: Float32Array;
}

export interface LambdaMartProgress {
  tree: number;
  trees: number;
  trainNdcg: number;
  /** NaN without validation groups. */
  validNdcg: number;
}

export interface LambdaMartOptions {
  /** Boosting rounds (default 200). */
  trees?: number;
  learningRate?: number;
  /** Leaves per tree (default 16), grown best-first. */
  maxLeaves?: number;
  /** Depth limit (default 6). */
  maxDepth?: number;
  /** Fewest training rows in a leaf (default 20). */
  minDocsPerLeaf?: number;
  /** Fewest summed hessians in a leaf (default 1e-3). */
  minHessianPerLeaf?: number;
  /** L2 regularisation λ of leaf values (default 0.1). */
  l2?: number;
  /** Smallest split gain worth a split (default 0). */
  minGain?: number;
  /** Bins per feature, the missing bin included, at most 255 (default 255). */
  bins?: number;
  /** Lambda pairs need one document in the current top `truncation` (default 30). */
  truncation?: number;
  /** Sigmoid steepness of the pairwise probability (default 1). */
  sigma?: number;
  /** LightGBM's per-query lambda normalisation (default true). */
  normalize?: boolean;
  /** Fraction of query groups each tree sees (default 1: no bagging). */
  subsample?: number;
  /** Fraction of features each tree may split on (default 1). */
  featureFraction?: number;
  seed?: number;
  /** Held-out groups: NDCG@`evalAt` after every tree, and early stopping. */
  valid?: readonly RankingGroup[];
  /** Stop when validation NDCG has not improved for this many trees (default 30; 0 = never). */
  earlyStoppingRounds?: number;
  /** The k of NDCG@k reported and used for early stopping (default 10). */
  evalAt?: number;
  onProgress?: (progress: LambdaMartProgress) => void;
}

/** Concatenates groups into one row-major matrix, checking each one. */
export function stackGroups(groups: readonly RankingGroup[], nFeatures: number, what: string): { features: Float32Array; rows: number; index: GroupIndex } {
  if (groups.length === 0) throw createError('NOT_ENOUGH_DATA', `lambdamart: no ${what} groups`);
  let rows = 0;
  groups.forEach((group, g) => {
    if (!Number.isInteger(group.rows) || group.rows <= 0) throw createError('INVALID_ARGUMENT', `lambdamart: ${what} group ${g} is empty (rows = ${group.rows})`);
    if (group.features.length !== group.rows * nFeatures) throw createError('INVALID_ARGUMENT', `lambdamart: ${what} group ${g} has ${group.features.length} feature values for ${group.rows} rows; the featureset has ${nFeatures} features (expected ${group.rows * nFeatures})`);
    if (group.labels.length !== group.rows) throw createError('INVALID_ARGUMENT', `lambdamart: ${what} group ${g} has ${group.labels.length} labels for ${group.rows} rows`);
    for (const label of group.labels) if (!(label >= 0) || !Number.isFinite(label)) throw createError('INVALID_ARGUMENT', `lambdamart: ${what} group ${g} has label ${label}; labels are graded, finite and ≥ 0`);
    if (group.weights && (group.weights.length !== group.rows || group.weights.some((w) => !(w > 0) || !Number.isFinite(w)))) throw createError('INVALID_ARGUMENT', `lambdamart: ${what} group ${g} needs ${group.rows} finite weights > 0`);
    rows += group.rows;
  });
  const features = new Float32Array(rows * nFeatures);
  let at = 0;
  for (const group of groups) {
    features.set(group.features, at);
    at += group.features.length;
  }
  return { features, rows, index: groupIndex(groups.map((g) => g.labels), groups.map((g) => g.weights)) };
}

function resolve(options: LambdaMartOptions): Required<Omit<LambdaMartOptions, 'valid' | 'onProgress'>> {
  const p = {
    trees: options.trees ?? 200,
    learningRate: options.learningRate ?? 0.1,
    maxLeaves: options.maxLeaves ?? 16,
    maxDepth: options.maxDepth ?? 6,
    minDocsPerLeaf: options.minDocsPerLeaf ?? 20,
    minHessianPerLeaf: options.minHessianPerLeaf ?? 1e-3,
    l2: options.l2 ?? 0.1,
    minGain: options.minGain ?? 0,
    bins: options.bins ?? 255,
    truncation: options.truncation ?? 30,
    sigma: options.sigma ?? 1,
    normalize: options.normalize ?? true,
    subsample: options.subsample ?? 1,
    featureFraction: options.featureFraction ?? 1,
    seed: options.seed ?? 0,
    earlyStoppingRounds: options.earlyStoppingRounds ?? 30,
    evalAt: options.evalAt ?? 10,
  };
  const positiveInt = ['trees', 'maxLeaves', 'maxDepth', 'truncation', 'evalAt'] as const;
  for (const k of positiveInt) if (!Number.isInteger(p[k]) || p[k] < 1) throw createError('INVALID_ARGUMENT', `lambdamart: ${k} must be a positive integer, got ${p[k]}`);
  if (p.maxLeaves < 2) throw createError('INVALID_ARGUMENT', `lambdamart: maxLeaves must be at least 2, got ${p.maxLeaves}`);
  if (!(p.learningRate > 0)) throw createError('INVALID_ARGUMENT', `lambdamart: learningRate must be > 0, got ${p.learningRate}`);
  if (!(p.minDocsPerLeaf >= 1)) throw createError('INVALID_ARGUMENT', `lambdamart: minDocsPerLeaf must be ≥ 1, got ${p.minDocsPerLeaf}`);
  if (!(p.subsample > 0 && p.subsample <= 1)) throw createError('INVALID_ARGUMENT', `lambdamart: subsample must be in (0, 1], got ${p.subsample}`);
  if (!(p.featureFraction > 0 && p.featureFraction <= 1)) throw createError('INVALID_ARGUMENT', `lambdamart: featureFraction must be in (0, 1], got ${p.featureFraction}`);
  if (!(p.l2 >= 0) || !(p.minGain >= 0) || !(p.sigma > 0) || !(p.earlyStoppingRounds >= 0)) throw createError('INVALID_ARGUMENT', 'lambdamart: l2 ≥ 0, minGain ≥ 0, sigma > 0 and earlyStoppingRounds ≥ 0 are required');
  return p;
}

/** Adds one tree's output on raw features to `scores` (the same walk as the model's scoring). */
function addTree(tree: Tree, features: Float32Array, nFeatures: number, scores: Float64Array): void {
  for (let r = 0; r < scores.length; r++) {
    let node = 0;
    while (tree.feature[node]! >= 0) {
      const x = features[r * nFeatures + tree.feature[node]!]!;
      const left = Number.isNaN(x) ? tree.defaultLeft[node] === 1 : x <= tree.threshold[node]!;
      node = left ? tree.left[node]! : tree.right[node]!;
    }
    scores[r]! += tree.value[node]!;
  }
}

/** Deterministic sample of `k` of `0..n-1`, ascending (partial Fisher–Yates). */
function sample(n: number, fraction: number, next: () => number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (fraction >= 1) return all;
  const k = Math.max(1, Math.round(n * fraction));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.subarray(0, k).sort();
}

/**
 * Trains a LambdaMART ranker on query groups. Deterministic for a given seed (the seed only drives
 * `subsample` and `featureFraction`). With `valid`, keeps the trees up to the best validation
 * NDCG@evalAt and stops after `earlyStoppingRounds` trees without improvement.
 *
 * @example
 * const model = await trainLambdaMart(featureset, groups, { trees: 200, valid, onProgress: (p) => bar.update(p.tree) });
 * const scores = model.score(candidates, 500);
 */
export async function trainLambdaMart(featureset: Featureset, train: readonly RankingGroup[], options: LambdaMartOptions = {}): Promise<RankerModel> {
  validateFeatureset(featureset);
  const p = resolve(options);
  const nF = featureset.features.length;
  const data = stackGroups(train, nF, 'training');
  const valid = options.valid && options.valid.length > 0 ? stackGroups(options.valid, nF, 'validation') : null;
  const binned = binMatrix(data.features, data.rows, nF, p.bins);
  const builder = new TreeBuilder(binned, p);
  const groups = train.length;
  const ranking = new GroupRanking(data.index);
  const validRanking = valid ? new GroupRanking(valid.index) : null;
  const rng = xoroshiro128plus(Math.imul(p.seed ^ 0x9e3779b9, 0x85ebca6b));
  const next = (): number => uniformFloat64(rng);
  const scores = new Float64Array(data.rows);
  const validScores = valid ? new Float64Array(valid.rows) : null;
  const lambdas = new Float64Array(data.rows);
  const hessians = new Float64Array(data.rows);
  const order = new Int32Array(data.rows);
  const trees: Tree[] = [];
  let best = { trees: 0, valid: -Infinity, train: Number.NaN };
  let stoppedEarly = false;
  const started = performance.now();
  for (let t = 0; t < p.trees; t++) {
    const bag = sample(groups, p.subsample, next);
    ranking.computeLambdas(scores, bag, p, lambdas, hessians);
    let n = 0;
    for (const g of bag) for (let r = data.index.offsets[g]!; r < data.index.offsets[g + 1]!; r++) order[n++] = r;
    const tree = builder.grow(order, n, lambdas, hessians, sample(nF, p.featureFraction, next));
    trees.push(tree);
    addTree(tree, data.features, nF, scores);
    const trainNdcg = ranking.meanNdcg(scores, p.evalAt);
    let validNdcg = Number.NaN;
    if (valid && validScores && validRanking) {
      addTree(tree, valid.features, nF, validScores);
      validNdcg = validRanking.meanNdcg(validScores, p.evalAt);
      if (validNdcg > best.valid) best = { trees: t + 1, valid: validNdcg, train: trainNdcg };
    } else {
      best = { trees: t + 1, valid: Number.NaN, train: trainNdcg };
    }
    options.onProgress?.({ tree: t + 1, trees: p.trees, trainNdcg, validNdcg });
    if (valid && p.earlyStoppingRounds > 0 && t + 1 - best.trees >= p.earlyStoppingRounds) {
      stoppedEarly = true;
      break;
    }
    // Let progress bars draw and signals land between trees.
    if ((t & 7) === 7) await new Promise((resolveTick) => setImmediate(resolveTick));
  }
  const kept = trees.slice(0, best.trees);
  const k = p.evalAt;
  const metrics: Record<string, number> = {
    trees: kept.length,
    treesGrown: trees.length,
    stoppedEarly: stoppedEarly ? 1 : 0,
    trainGroups: groups,
    trainRows: data.rows,
    [`train_ndcg@${k}`]: best.train,
    trainSeconds: (performance.now() - started) / 1000,
  };
  if (valid) Object.assign(metrics, { validGroups: options.valid!.length, validRows: valid.rows, [`valid_ndcg@${k}`]: best.valid });
  return new RankerModel(featureset, kept, { ...p }, metrics);
}
