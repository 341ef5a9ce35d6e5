import { createError } from '../../es-mappings/errors.ts';
import type { Featureset } from './featureset.ts';
import { trainLambdaMart, type LambdaMartOptions, type RankingGroup } from './lambdamart.ts';
import type { RankerModel } from './model.ts';

export interface CrossValidatedOptions extends Omit<LambdaMartOptions, 'valid' | 'earlyStoppingRounds'> {
  /** Folds of consecutive groups (default 5). */
  folds?: number;
  /** Per fold, stop once the fold's NDCG has not improved for this many trees (default 60). */
  patience?: number;
  onFold?: (fold: number, folds: number, best: { trees: number; ndcg: number }) => void;
}

export interface CrossValidated {
  model: RankerModel;
  /** The tree count chosen: the peak of the NDCG curve averaged over the folds. */
  trees: number;
  /** That mean NDCG@evalAt over the held-out folds. */
  cvNdcg: number;
  /** Each fold's own best tree count and NDCG (what single-split early stopping would have kept). */
  folds: Array<{ trees: number; ndcg: number }>;
}

/**
 * The number of trees by k-fold cross-validation, then one model on every group with that many
 * trees. Early stopping on one validation fifth of a few hundred searches picks the peak of a noisy
 * curve: on the `npm start` world (2,000 photos, 300 users; 681 searches with a download in the
 * ranker window's first four fifths) each search has one or two downloaded photos among ~120
 * candidates, NDCG@10 is ~0.1, and the five folds' own early stopping kept 31, 89, 113, 2 and 2
 * trees (`bench:ranker --data`) — the demo's `2-trees` ranker was one such draw. Averaging the
 * curves of k folds (each search held out once) and refitting on all the data chooses from k times
 * the evidence and trains on all of it.
 */
export async function trainCrossValidated(featureset: Featureset, groups: readonly RankingGroup[], options: CrossValidatedOptions = {}): Promise<CrossValidated> {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw createError('INVALID_ARGUMENT', `lambdamart: folds must be an integer ≥ 2, got ${folds}`);
  if (groups.length < folds * 2) throw createError('NOT_ENOUGH_DATA', `lambdamart: ${groups.length} groups are too few for ${folds} folds`);
  const { folds: _f, patience, onFold, ...boosting } = options;
  const maxTrees = boosting.trees ?? 200;
  const sums = new Float64Array(maxTrees);
  const counts = new Int32Array(maxTrees);
  const perFold: Array<{ trees: number; ndcg: number }> = [];
  for (let f = 0; f < folds; f++) {
    const from = Math.floor((groups.length * f) / folds);
    const to = Math.floor((groups.length * (f + 1)) / folds);
    const curve: number[] = [];
    const model = await trainLambdaMart(featureset, [...groups.slice(0, from), ...groups.slice(to)], {
      ...boosting,
      valid: groups.slice(from, to),
      earlyStoppingRounds: patience ?? 60,
      onProgress: (p) => {
        curve.push(p.validNdcg);
        boosting.onProgress?.(p);
      },
    });
    // A fold that stopped early holds its last value for the trees it did not grow (they would not have helped it).
    for (let t = 0; t < maxTrees; t++) {
      sums[t]! += curve[Math.min(t, curve.length - 1)]!;
      counts[t]! += 1;
    }
    const best = { trees: model.trees.length, ndcg: model.metrics[`valid_ndcg@${boosting.evalAt ?? 10}`] ?? Number.NaN };
    perFold.push(best);
    onFold?.(f + 1, folds, best);
  }
  let trees = 1;
  for (let t = 0; t < maxTrees; t++) if (sums[t]! / counts[t]! > sums[trees - 1]! / counts[trees - 1]!) trees = t + 1;
  const model = await trainLambdaMart(featureset, groups, { ...boosting, trees });
  return { model, trees, cvNdcg: sums[trees - 1]! / counts[trees - 1]!, folds: perFold };
}
