import pLimit from 'p-limit';
import type { EvalQuery } from '../data/events.ts';
import { extractFeatures, type FeatureModels } from '../features/extract.ts';
import { FEATURES } from '../features/pixrank-featureset.ts';
import type { FirstStage, FirstStageOptions } from './first-stage.ts';
import type { UserHistory } from './user-history.ts';
import { resolveQueryLanguage } from '../language/query-language.ts';

/** One past search replayed: what the first stage returned and the features of each candidate. */
export interface Replayed {
  query: EvalQuery;
  stage: FirstStage;
  /** candidates × features, row-major, in `stage.candidates` order. */
  features: Float32Array;
  /** 1 for a candidate the user downloaded for this keyword, else 0. */
  labels: Float32Array;
}

export interface ReplayOptions extends FirstStageOptions {
  models: FeatureModels;
  /** The users' downloads before the window being replayed. */
  history: UserHistory;
  /** Searches in flight at once (default 4). */
  concurrency?: number;
  onQuery?: () => void;
}

/**
 * Replays searches through the real retrieval (Elasticsearch, the sidecar's queries and fusion) and
 * logs each candidate's features and label, the way the LTR plugin's feature logging does.
 */
export async function replayQueries(queries: readonly EvalQuery[], options: ReplayOptions): Promise<Replayed[]> {
  const limit = pLimit(options.concurrency ?? 4);
  return Promise.all(queries.map((query) => limit(async () => {
    const stage = await options.firstStage(query.keyword);
    const state = await options.history.state(query.user, options.vectors);
    const language = resolveQueryLanguage({ query: query.keyword, country: query.country })?.language;
    const request = { user: query.user, query: query.keyword, country: query.country, time: query.time, ...(language ? { language } : {}), ...(stage.queryVector ? { queryVector: stage.queryVector } : {}) };
    const features = extractFeatures(request, state, stage.candidates, options.models);
    const labels = Float32Array.from(stage.candidates, (c) => (query.relevant.has(c.id) ? 1 : 0));
    options.onQuery?.();
    return { query, stage, features, labels };
  })));
}

export const FEATURE_COUNT = FEATURES.length;
