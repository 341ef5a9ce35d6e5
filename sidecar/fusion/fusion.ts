import type { RankedList } from '../../ltr/second-pass.ts';

export type { RankedList };

/** Where a fused hit stood in each list (rank is 1-based). */
export interface ListPosition {
  rank: number;
  score: number;
}

export interface FusedHit {
  id: string;
  score: number;
  lists: Record<string, ListPosition>;
}

/** How a request fuses its lists (the defaults and the request's own, merged). */
export interface FusionSettings {
  method: 'rrf' | 'linear';
  normalization: Normalization;
  rank_constant: number;
  weights: Record<string, number>;
}

/** The lists fused as the request (or the defaults) say; one list passes through with its own scores. */
export function fuseLists(lists: readonly RankedList[], fusion: FusionSettings): FusedHit[] {
  if (lists.length === 1) {
    const list = lists[0]!;
    return list.hits.map((hit, i) => ({ id: hit.id, score: hit.score, lists: { [list.name]: { rank: i + 1, score: hit.score } } }));
  }
  if (fusion.method === 'linear') return linearFusion(lists, { normalization: fusion.normalization, weights: fusion.weights });
  return reciprocalRankFusion(lists, { rankConstant: fusion.rank_constant, weights: fusion.weights });
}

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
export function reciprocalRankFusion(lists: readonly RankedList[], options: RrfOptions = {}): FusedHit[] {
  const k = options.rankConstant ?? 60;
  const fused: FusedHit[] = [];
  for (const [id, positions] of positionsById(lists)) {
    let score = 0;
    for (const [name, position] of Object.entries(positions)) score += (options.weights?.[name] ?? 1) / (k + position.rank);
    fused.push({ id, score, lists: positions });
  }
  return sortFused(fused);
}

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
export function linearFusion(lists: readonly RankedList[], options: LinearFusionOptions = {}): FusedHit[] {
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

function positionsById(lists: readonly RankedList[]): Map<string, Record<string, ListPosition>> {
  const positions = new Map<string, Record<string, ListPosition>>();
  for (const list of lists) {
    list.hits.forEach((hit, i) => {
      const entry = positions.get(hit.id) ?? {};
      // A list that names an id twice keeps its best position.
      if (!entry[list.name]) entry[list.name] = { rank: i + 1, score: hit.score };
      positions.set(hit.id, entry);
    });
  }
  return positions;
}

function sortFused(hits: FusedHit[]): FusedHit[] {
  // Ties break by id so that the same inputs always give the same order.
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
