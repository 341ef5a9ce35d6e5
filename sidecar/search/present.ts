import type { ElasticReads } from '../elastic-reads.ts';
import { photoView } from './photo-fields.ts';
import type { RankOutput } from './rank-pipeline.ts';
import type { RankedPhoto } from './search-schema.ts';
import type { Stopwatch } from './stopwatch.ts';

export interface PageOptions {
  index: string;
  /** 1-based. */
  page: number;
  k: number;
  explain: boolean;
  signal?: AbortSignal;
}

/** One page of ranked hits as the API shows them (1-based page of k), texts read for it alone. */
export async function presentPage(reads: Pick<ElasticReads, 'texts'>, ranked: RankOutput, options: PageOptions, watch: Stopwatch): Promise<RankedPhoto[]> {
  const { page, k, explain } = options;
  const start = (page - 1) * k;
  const hits = ranked.hits.slice(start, start + k);
  const sources = await watch.timeAsync('display', () => reads.texts(hits.map((h) => h.id), { index: options.index, signal: options.signal }));
  return hits.map((hit, i) => ({
    ...photoView(hit.id, sources.get(hit.id)),
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
