import { linearFusion } from '../fusion/linear.ts';
import type { FusedHit, RankedList } from '../fusion/ranked-list.ts';
import { reciprocalRankFusion } from '../fusion/rrf.ts';
import { applyPolicy } from '../policy/rerank-policy.ts';
import type { RerankContext, SecondPass } from '../rerank/second-pass.ts';
import type { PhotoSource } from './photo-fields.ts';
import type { FusionOptions, PolicyOptionsInput, RankingDefaults } from './ranking-options.ts';
import { Stopwatch } from './stopwatch.ts';

export interface RankInput {
  lists: RankedList[];
  sources: Map<string, PhotoSource>;
  fusion?: FusionOptions;
  policy?: PolicyOptionsInput;
  exclude?: ReadonlySet<string>;
  secondPass?: SecondPass;
  context: RerankContext;
  explain: boolean;
}

export interface RankedHit {
  id: string;
  source: PhotoSource;
  lists: Record<string, { rank: number; score: number }>;
  fused: number;
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
 * exclusions), then the learned second pass when one is given. Times each stage into `watch`.
 */
export async function rankCandidates(input: RankInput, defaults: RankingDefaults, watch: Stopwatch): Promise<RankOutput> {
  const fusion = { ...defaults.fusion, ...input.fusion, weights: { ...defaults.fusion.weights, ...input.fusion?.weights } };
  const fused = watch.time('fuse', () => fuse(input.lists, fusion));
  const policy = { ...defaults.policy, ...input.policy };
  const { kept, dropped } = watch.time('policy', () =>
    applyPolicy(
      fused.flatMap((hit) => {
        const source = input.sources.get(hit.id);
        return source ? [{ ...hit, source, photographer: source.photographer?.username ?? null, clip: source.clip ?? null }] : [];
      }),
      { duplicateCosine: policy.duplicate_cosine, maxPerPhotographer: policy.max_per_photographer, exclude: input.exclude },
    ),
  );
  let hits: RankedHit[] = kept.map((hit) => ({ id: hit.id, source: hit.source, lists: hit.lists, fused: hit.score, score: hit.score }));
  let personalized = false;
  if (input.secondPass && hits.length > 0) {
    const pass = input.secondPass;
    const result = await watch.timeAsync('rerank', () => pass.rerank(input.context, hits, input.explain));
    hits = hits
      .map((hit, i) => ({ ...hit, rerank: result.scores[i]!, score: result.scores[i]!, contributions: result.contributions?.[i] }))
      .sort((a, b) => b.score - a.score || b.fused - a.fused);
    personalized = true;
  }
  return {
    hits,
    dropped: dropped.map((d) => ({ photo_id: d.hit.id, reason: d.reason, ...(d.of ? { of: d.of } : {}) })),
    fusion: input.lists.length > 1 ? fusion : { method: 'none', list: input.lists[0]?.name },
    personalized,
  };
}

function fuse(lists: RankedList[], fusion: RankingDefaults['fusion']): FusedHit[] {
  if (lists.length === 1) {
    const list = lists[0]!;
    return list.hits.map((hit, i) => ({ id: hit.id, score: hit.score, lists: { [list.name]: { rank: i + 1, score: hit.score } } }));
  }
  if (fusion.method === 'linear') return linearFusion(lists, { normalization: fusion.normalization, weights: fusion.weights });
  return reciprocalRankFusion(lists, { rankConstant: fusion.rank_constant, weights: fusion.weights });
}
