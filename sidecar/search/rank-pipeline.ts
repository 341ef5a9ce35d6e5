import { linearFusion } from '../fusion/linear.ts';
import type { FusedHit, RankedList } from '../fusion/ranked-list.ts';
import { reciprocalRankFusion } from '../fusion/rrf.ts';
import { applyPolicy } from '../policy/rerank-policy.ts';
import type { RerankCandidate, RerankContext, SecondPass } from '../../ltr/second-pass.ts';
import type { Candidate } from '../../ltr/second-pass.ts';
import type { FusionOptions, PolicyOptionsInput, RankingDefaults } from './ranking-options.ts';
import { Stopwatch } from './stopwatch.ts';
import type { VectorStore } from './vector-store.ts';

export interface RankInput {
  lists: RankedList[];
  candidates: Map<string, Candidate>;
  vectors: VectorStore;
  /** Hits wanted after the policy: page × k. */
  wanted: number;
  fusion?: FusionOptions;
  policy?: PolicyOptionsInput;
  exclude?: ReadonlySet<string>;
  secondPass?: SecondPass;
  context: RerankContext;
  explain: boolean;
  signal?: AbortSignal;
}

export interface RankedHit extends RerankCandidate {
  rerank?: number;
  score: number;
  contributions?: Record<string, number>;
}

export interface RankOutput {
  hits: RankedHit[];
  dropped: Array<{ photo_id: string; reason: string; of?: string }>;
  fusion: Record<string, unknown>;
  personalized: boolean;
}

/**
 * The stages after retrieval, shared by /search, /similar and /recommend: fuse the lists (one list
 * passes through with its own scores), apply the re-rank policy (duplicates, photographer cap,
 * exclusions), then the learned second pass when one is given. Vectors are read only as far as the
 * policy walks: without a second pass it stops once the page is full; the second pass scores the
 * whole candidate window. Times each stage into `watch`.
 */
export async function rankCandidates(input: RankInput, defaults: RankingDefaults, watch: Stopwatch): Promise<RankOutput> {
  const fusion = { ...defaults.fusion, ...input.fusion, weights: { ...defaults.fusion.weights, ...input.fusion?.weights } };
  const fused = watch.time('fuse', () => fuse(input.lists, fusion)).filter((hit) => input.candidates.has(hit.id));
  const policy = { ...defaults.policy, ...input.policy };
  const needVectors = policy.duplicate_cosine < 1 || input.secondPass !== undefined;

  // Walk a prefix of the ranking with its vectors; widen it while the page is not full.
  let prefix = input.secondPass ? fused.length : Math.min(fused.length, Math.max(input.wanted * 2, 20));
  let vectors = new Map<string, Float32Array>();
  let result: ReturnType<typeof applyPolicy<RerankCandidate & { photographer: string | null; clip: Float32Array | null }>>;
  while (true) {
    const slice = fused.slice(0, prefix);
    if (needVectors) {
      const more = await watch.timeAsync('vectors', () => input.vectors.get(slice.map((h) => h.id).filter((id) => !vectors.has(id)), input.signal));
      vectors = new Map([...vectors, ...more]);
    }
    result = watch.time('policy', () =>
      applyPolicy(
        slice.map((hit) => {
          const candidate = input.candidates.get(hit.id)!;
          const vector = vectors.get(hit.id);
          return { id: hit.id, candidate, vector, lists: hit.lists, fused: hit.score, photographer: candidate.photographer, clip: vector ?? null };
        }),
        { duplicateCosine: policy.duplicate_cosine, maxPerPhotographer: policy.max_per_photographer, exclude: input.exclude },
      ),
    );
    if (result.kept.length >= input.wanted || prefix >= fused.length) break;
    prefix = Math.min(fused.length, prefix * 2);
  }

  let hits: RankedHit[] = result.kept.map(({ photographer: _p, clip: _c, ...hit }) => ({ ...hit, score: hit.fused }));
  let personalized = false;
  if (input.secondPass && hits.length > 0) {
    const pass = input.secondPass;
    const scored = await watch.timeAsync('rerank', () => pass.rerank({ ...input.context, signal: input.signal }, hits, input.explain));
    hits = hits
      .map((hit, i) => ({ ...hit, rerank: scored.scores[i]!, score: scored.scores[i]!, contributions: scored.contributions?.[i] }))
      .sort((a, b) => b.score - a.score || b.fused - a.fused);
    personalized = true;
  }
  return {
    hits,
    dropped: result.dropped.map((d) => ({ photo_id: d.hit.id, reason: d.reason, ...(d.of ? { of: d.of } : {}) })),
    fusion: input.lists.length > 1 ? fusion : { method: 'none', list: input.lists[0]?.name },
    personalized,
  };
}

/** The lists fused as the request (or the defaults) say; one list passes through with its own scores. */
export function fuse(lists: RankedList[], fusion: RankingDefaults['fusion']): FusedHit[] {
  if (lists.length === 1) {
    const list = lists[0]!;
    return list.hits.map((hit, i) => ({ id: hit.id, score: hit.score, lists: { [list.name]: { rank: i + 1, score: hit.score } } }));
  }
  if (fusion.method === 'linear') return linearFusion(lists, { normalization: fusion.normalization, weights: fusion.weights });
  return reciprocalRankFusion(lists, { rankConstant: fusion.rank_constant, weights: fusion.weights });
}
