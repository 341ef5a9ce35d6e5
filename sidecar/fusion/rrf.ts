import { positionsById, sortFused, type FusedHit, type RankedList } from './ranked-list.ts';

export interface RrfOptions {
  /** The rank constant; 60 as in Cormack, Clarke & Büttcher (SIGIR 2009). */
  rankConstant?: number;
  /** Weight per list name (default 1). */
  weights?: Record<string, number>;
}

/**
 * Reciprocal rank fusion: score(d) = Σ_lists w_l / (k + rank_l(d)). Ranks only, so lists whose
 * scores live on different scales (BM25, cosine) fuse without calibration.
 */
export function reciprocalRankFusion(lists: RankedList[], options: RrfOptions = {}): FusedHit[] {
  const k = options.rankConstant ?? 60;
  const fused: FusedHit[] = [];
  for (const [id, positions] of positionsById(lists)) {
    let score = 0;
    for (const [name, position] of Object.entries(positions)) score += (options.weights?.[name] ?? 1) / (k + position.rank);
    fused.push({ id, score, lists: positions });
  }
  return sortFused(fused);
}
