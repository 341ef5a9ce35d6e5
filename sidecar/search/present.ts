import { photoView } from './photo-fields.ts';
import type { RankOutput } from './rank-pipeline.ts';
import type { RankedPhoto } from './search-schema.ts';

/** One page of ranked hits as the API shows them (1-based page of k). */
export function presentPage(ranked: RankOutput, page: number, k: number, explain: boolean): RankedPhoto[] {
  const start = (page - 1) * k;
  return ranked.hits.slice(start, start + k).map((hit, i) => ({
    ...photoView(hit.source),
    rank: start + i + 1,
    score: hit.score,
    scores: { ...hit.lists, fused: hit.fused, ...(hit.rerank !== undefined ? { rerank: hit.rerank } : {}) },
    ...(explain && hit.contributions ? { contributions: hit.contributions } : {}),
  }));
}

/** How many candidates each retriever should return so that a page survives the policy. */
export function candidateWindow(page: number, k: number, candidates: number): number {
  return Math.min(1000, Math.max(candidates, page * k * 2));
}
