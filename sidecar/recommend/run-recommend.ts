import { z } from '@hono/zod-openapi';
import { candidateWindow, presentPage } from '../search/present.ts';
import { rankCandidates } from '../search/rank-pipeline.ts';
import { mergeCandidates, type Retrieved } from '../search/retrieve.ts';
import { SearchResponseSchema } from '../search/search-schema.ts';
import { Stopwatch } from '../search/stopwatch.ts';
import type { RequestScope, SidecarServices } from '../services.ts';

export const RecommendQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(100).default(10),
  page: z.coerce.number().int().min(1).max(100).default(1),
  explain: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const RecommendResponseSchema = SearchResponseSchema.extend({
  user: z.string(),
  strategy: z.enum(['profile', 'popular']).openapi({ description: 'profile: from the user’s positive photos, their session vector over the most recent ones and (with a trained model) ALS factors; popular: the user is unknown (or has no positives) so the most downloaded photos' }),
  reason: z.string(),
}).openapi('RecommendResponse');

export type RecommendResponse = z.infer<typeof RecommendResponseSchema>;

export interface RecommendRequest {
  user: string;
  k: number;
  page: number;
  explain: boolean;
}

/**
 * Recommendations without a query: kNN from the user's mean-embedding profile, from the session
 * vector over their most recent positives, and — with a `pixrank train` model whose ALS factors are
 * in the index — kNN on the `als` field with the user's factors; the lists fused by RRF. Photos the
 * user already engaged with are left out. A user none of these know gets the most downloaded
 * photos, and is told so.
 */
export async function runRecommend(services: SidecarServices, request: RecommendRequest, scope: RequestScope): Promise<RecommendResponse> {
  const { user, k, page, explain } = request;
  const { requestId, signal } = scope;
  const watch = new Stopwatch();
  const profile = await watch.timeAsync('profile', () => services.profiles.get(user, signal));
  const size = candidateWindow(page, k, services.ranking.candidates);
  const options = { index: services.index, size, excludeIds: profile.positives, signal };
  const als = services.secondPass?.alsQuery?.(user, profile.positives);
  const queries = [
    ...(profile.mean ? [{ name: 'profile', vector: profile.mean, field: 'clip' }] : []),
    ...(profile.session ? [{ name: 'session', vector: profile.session, field: 'clip' }] : []),
    ...(als ? [{ name: 'als', vector: als, field: 'als' }] : []),
  ];
  const retrieved: Retrieved[] = await watch.timeAsync('retrieve', () =>
    queries.length === 0
      ? Promise.all([services.reads.popular(options)])
      : Promise.all(queries.map(({ name, vector, field }) => services.reads.knn(vector, { ...options, field, numCandidates: size * services.ranking.numCandidatesFactor }, name))),
  );
  const secondPass = queries.length > 0 ? services.secondPass : undefined;
  const ranked = await rankCandidates(
    {
      lists: retrieved.map((r) => r.list),
      candidates: mergeCandidates(retrieved),
      vectors: services.vectors,
      wanted: page * k,
      signal,
      exclude: new Set(profile.positives),
      secondPass,
      context: { user },
      explain,
    },
    services.ranking,
    watch,
  );
  const hits = await presentPage(services.reads, ranked, { index: services.index, page, k, explain, signal }, watch);
  const took = watch.result();
  services.metrics.recordStages('recommend', took);
  const base = { request_id: requestId, mode: 'recommend', page, k, user, took_ms: took, hits };
  if (queries.length === 0) {
    return { ...base, personalized: false, model_version: null, strategy: 'popular', reason: `no positive feedback from ${user} yet: the most downloaded photos` };
  }
  return {
    ...base,
    personalized: true,
    model_version: ranked.personalized ? (secondPass?.version ?? null) : null,
    strategy: 'profile',
    reason: `from ${[profile.positives.length > 0 ? `${profile.positives.length} positive photos of ${user}` : '', profile.session ? 'their session vector' : '', als ? `${user}'s ALS factors` : ''].filter(Boolean).join(', ')}`,
  };
}
