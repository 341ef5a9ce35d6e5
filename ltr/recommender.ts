import type { InteractionMatrix } from './interactions.ts';

export interface FitProgress {
  step: number;
  steps: number;
  /** What the model reports at this step (e.g. loss), when it has it. */
  detail?: Record<string, number>;
}

export interface FitOptions {
  seed?: number;
  onProgress?: (progress: FitProgress) => void;
}

export interface Scored {
  item: string;
  score: number;
}

export interface RecommendOptions {
  k: number;
  /** Leave out what the user already interacted with (default true). */
  filterSeen?: boolean;
  /** Rank only these items (e.g. a search's candidates). */
  candidates?: readonly string[];
}

/** Request context some models use (FM's query and country fields); others ignore it. */
export interface ScoreContext {
  query?: string;
  country?: string;
}

/**
 * Every collaborative model behind one interface, so the featureset, the evaluation and the sidecar
 * treat ALS, FM and DeepFM alike. An unknown user or item scores NaN: the caller decides (a feature
 * value "missing" is not a score of 0).
 */
export interface Recommender {
  readonly kind: string;
  fit(data: InteractionMatrix, options?: FitOptions): Promise<void>;
  recommend(users: readonly string[], options: RecommendOptions): Promise<Scored[][]>;
  score(user: string, items: readonly string[], context?: ScoreContext): Promise<Float32Array>;
  similarItems(item: string, k: number): Promise<Scored[]>;
  save(dir: string): Promise<void>;
}

/** Top k of `scores` (indices), best first; NaN never makes the list. Ties by lower index. */
export function topK(scores: Float32Array | Float64Array, k: number, skip?: (index: number) => boolean): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s) || skip?.(i)) continue;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let at = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(i);
    while (at > 0 && scores[best[at - 1]!]! < s) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best;
}
