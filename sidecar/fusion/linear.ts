import { positionsById, sortFused, type FusedHit, type RankedList } from './ranked-list.ts';

export type Normalization = 'minmax' | 'zscore';

export interface LinearFusionOptions {
  normalization?: Normalization;
  /** Weight per list name (default 1). */
  weights?: Record<string, number>;
}

/**
 * Normalized linear fusion: each list's scores are rescaled (min-max to [0, 1], or z-scores), then
 * score(d) = Σ_lists w_l · norm_l(d). A document absent from a list gets that list's lowest
 * normalized value (0 for min-max): it was at best as good as the list's last hit.
 */
export function linearFusion(lists: RankedList[], options: LinearFusionOptions = {}): FusedHit[] {
  const normalization = options.normalization ?? 'minmax';
  const normalizers = new Map(lists.map((list) => [list.name, normalizer(list.hits.map((h) => h.score), normalization)]));
  const fused: FusedHit[] = [];
  for (const [id, positions] of positionsById(lists)) {
    let score = 0;
    for (const list of lists) {
      const norm = normalizers.get(list.name)!;
      const position = positions[list.name];
      score += (options.weights?.[list.name] ?? 1) * (position ? norm.apply(position.score) : norm.floor);
    }
    fused.push({ id, score, lists: positions });
  }
  return sortFused(fused);
}

interface Normalizer {
  apply(score: number): number;
  floor: number;
}

function normalizer(scores: number[], kind: Normalization): Normalizer {
  if (scores.length === 0) return { apply: () => 0, floor: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
    sum += s;
  }
  if (kind === 'minmax') {
    const range = max - min;
    // A list whose hits all score the same says only "these matched": give them all 1.
    return range > 0 ? { apply: (s) => (s - min) / range, floor: 0 } : { apply: () => 1, floor: 0 };
  }
  const mean = sum / scores.length;
  let squares = 0;
  for (const s of scores) squares += (s - mean) ** 2;
  const std = Math.sqrt(squares / scores.length);
  if (std === 0) return { apply: () => 0, floor: 0 };
  return { apply: (s) => (s - mean) / std, floor: (min - mean) / std };
}
