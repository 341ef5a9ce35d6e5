import { z } from '@hono/zod-openapi';

export const FusionOptionsSchema = z
  .object({
    method: z.enum(['rrf', 'linear']).optional().openapi({ description: 'rrf (ranks only) or linear (normalized scores)' }),
    normalization: z.enum(['minmax', 'zscore']).optional(),
    weights: z
      .object({ keyword: z.number().min(0).max(100).optional(), clip: z.number().min(0).max(100).optional() })
      .strict()
      .optional(),
    rank_constant: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .openapi('FusionOptions');

export const PolicyOptionsSchema = z
  .object({
    duplicate_cosine: z.number().min(0).max(1).optional().openapi({ description: 'drop a hit whose CLIP cosine to a better one exceeds this; 1 turns it off' }),
    max_per_photographer: z.number().int().min(0).max(100).optional().openapi({ description: '0 turns the cap off' }),
  })
  .strict()
  .openapi('PolicyOptions');

export type FusionOptions = z.infer<typeof FusionOptionsSchema>;
export type PolicyOptionsInput = z.infer<typeof PolicyOptionsSchema>;

/** Server-side defaults; each request may override them. */
export interface RankingDefaults {
  fusion: Required<Pick<FusionOptions, 'method' | 'normalization' | 'rank_constant'>> & { weights: { keyword: number; clip: number } };
  policy: Required<PolicyOptionsInput>;
  /** Candidates each retriever returns before fusion and policy. */
  candidates: number;
  /** HNSW candidates per kNN search, as a multiple of the candidates wanted. */
  numCandidatesFactor: number;
}

export const DEFAULT_RANKING: RankingDefaults = {
  fusion: { method: 'rrf', normalization: 'minmax', rank_constant: 60, weights: { keyword: 1, clip: 1 } },
  policy: { duplicate_cosine: 0.97, max_per_photographer: 3 },
  candidates: 100,
  numCandidatesFactor: 2,
};
