import type { RankerModel } from '../ranker/model.ts';
import { FEATURE_INDEX, FEATURES, type FeatureName } from '../features/pixrank-featureset.ts';
import type { Replayed } from '../replay/replay.ts';

/** The rows of the evaluation table: each first stage alone, hybrid, and each personalization on top of hybrid. */
export const ROW_NAMES = ['keyword', 'clip', 'hybrid', 'hybrid+als', 'hybrid+fm', 'hybrid+deepfm', 'hybrid+mean_profile', 'hybrid+session_profile', 'ltr'] as const;
export type RowName = (typeof ROW_NAMES)[number];

/** Which feature each `hybrid+…` row fuses with the hybrid order. */
const PERSONAL: Record<string, FeatureName> = {
  'hybrid+als': 'als_score',
  'hybrid+fm': 'fm_score',
  'hybrid+deepfm': 'deepfm_score',
  'hybrid+mean_profile': 'mean_profile_cosine',
  'hybrid+session_profile': 'session_cosine',
};

/** RRF's k, as the sidecar fuses (ranking-options.ts). */
const RANK_CONSTANT = 60;

export interface RankedRun {
  ids: string[];
  scores: number[];
}

/**
 * A `hybrid+model` row: the hybrid order and the model's order of the same candidates fused by RRF
 * (1/(60 + rank) each). Rank fusion needs no weight tuned on the test period; a candidate the model
 * cannot score (NaN) ranks after those it can, in hybrid order.
 */
function fuseWithFeature(replayed: Replayed, feature: FeatureName): RankedRun {
  const n = replayed.stage.candidates.length;
  const width = FEATURES.length;
  const column = FEATURE_INDEX[feature];
  const value = (i: number): number => replayed.features[i * width + column]!;
  const byModel = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) === Number.isNaN(vb) ? a - b : Number.isNaN(va) ? 1 : -1;
    return vb - va || a - b;
  });
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i]! += 1 / (RANK_CONSTANT + i + 1);
  byModel.forEach((i, rank) => (score[i]! += 1 / (RANK_CONSTANT + rank + 1)));
  return sortedRun(replayed, Array.from(score));
}

function sortedRun(replayed: Replayed, scores: ArrayLike<number>): RankedRun {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { ids: order.map((i) => replayed.stage.candidates[i]!.id), scores: order.map((i) => scores[i]!) };
}

/** Every row's ranking of one replayed query (the ranker's row only when a model is given). */
export function rowRuns(replayed: Replayed, ranker: RankerModel | undefined): Partial<Record<RowName, RankedRun>> {
  const list = (hits: Array<{ id: string; score: number }>): RankedRun => ({ ids: hits.map((h) => h.id), scores: hits.map((h) => h.score) });
  const runs: Partial<Record<RowName, RankedRun>> = {
    keyword: list(replayed.stage.keyword.hits),
    clip: list(replayed.stage.clip.hits),
    hybrid: list(replayed.stage.candidates.map((c) => ({ id: c.id, score: c.fused }))),
  };
  for (const [row, feature] of Object.entries(PERSONAL)) runs[row as RowName] = fuseWithFeature(replayed, feature);
  if (ranker) runs.ltr = sortedRun(replayed, ranker.score(replayed.features, replayed.stage.candidates.length));
  return runs;
}
