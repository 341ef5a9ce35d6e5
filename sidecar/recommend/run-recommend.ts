import { z } from '@hono/zod-openapi';
import type { RankedList } from '../fusion/ranked-list.ts';
import { candidateWindow, presentPage } from '../search/present.ts';
import { rankCandidates } from '../search/rank-pipeline.ts';
import { hitFields, hitSource, retrieveByVector, type Retrieved } from '../search/retrieve.ts';
import { SearchResponseSchema } from '../search/search-schema.ts';
import type { PhotoSource } from '../search/photo-fields.ts';
import { Stopwatch } from '../search/stopwatch.ts';
import type { SidecarServices } from '../services.ts';

export const RecommendQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(100).default(10),
  page: z.coerce.number().int().min(1).max(100).default(1),
  explain: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const RecommendResponseSchema = SearchResponseSchema.extend({
  user: z.string(),
  strategy: z.enum(['profile', 'popular']).openapi({ description: 'profile: from the user’s recent positive photos; popular: the user is unknown (or has no positives) so the most downloaded photos' }),
  reason: z.string(),
}).openapi('RecommendResponse');

export type RecommendResponse = z.infer<typeof RecommendResponseSchema>;

/**
 * Recommendations without a query: kNN from the user's mean-embedding profile and, within a live
 * session, from the session vector (seed 003), fused by RRF; photos the user already engaged with
 * are left out. An unknown user (no positives) gets the most downloaded photos, and is told so.
 */
export async function runRecommend(services: SidecarServices, user: string, k: number, page: number, explain: boolean, requestId: string): Promise<RecommendResponse> {
  const watch = new Stopwatch();
  const profile = await watch.timeAsync('profile', () => services.profiles.get(user));
  const size = candidateWindow(page, k, services.ranking.candidates);
  const base = { request_id: requestId, mode: 'recommend', page, k, user, personalized: false, model_version: null };

  if (!profile.mean) {
    const popular = await watch.timeAsync('retrieve', () => popularPhotos(services, size, profile.positives));
    const ranked = await rankCandidates({ lists: [popular.list], sources: popular.sources, context: { user }, explain }, services.ranking, watch);
    const took = watch.result();
    services.metrics.recordStages('recommend', took);
    return { ...base, strategy: 'popular', reason: `no positive feedback from ${user} yet: the most downloaded photos`, took_ms: took, hits: presentPage(ranked, page, k, explain) };
  }

  const options = { index: services.index, size, excludeIds: profile.positives, withVectors: true, numCandidates: size * services.ranking.numCandidatesFactor };
  const vectors = [
    { name: 'profile', vector: profile.mean },
    ...(profile.session ? [{ name: 'session', vector: profile.session }] : []),
  ];
  const retrieved: Retrieved[] = await watch.timeAsync('retrieve', () =>
    Promise.all(vectors.map(async ({ name, vector }) => {
      const result = await retrieveByVector(services.es, vector, options);
      return { ...result, list: { ...result.list, name } };
    })),
  );
  const secondPass = services.secondPass;
  const ranked = await rankCandidates(
    {
      lists: retrieved.map((r) => r.list),
      sources: new Map(retrieved.flatMap((r) => [...r.sources])),
      exclude: new Set(profile.positives),
      secondPass,
      context: { user },
      explain,
    },
    services.ranking,
    watch,
  );
  const took = watch.result();
  services.metrics.recordStages('recommend', took);
  return {
    ...base,
    personalized: true,
    model_version: ranked.personalized ? (secondPass?.version ?? null) : null,
    strategy: 'profile',
    reason: `from ${profile.positives.length} positive photos of ${user}${profile.session ? ' and the current session' : ''}`,
    took_ms: took,
    hits: presentPage(ranked, page, k, explain),
  };
}

async function popularPhotos(services: SidecarServices, size: number, seen: string[]): Promise<{ list: RankedList; sources: Map<string, PhotoSource> }> {
  const response = await services.es.search<PhotoSource>({
    index: services.index,
    size,
    query: seen.length > 0 ? { bool: { must_not: [{ ids: { values: seen } }] } } : { match_all: {} },
    sort: [{ 'stats.downloads': { order: 'desc', missing: '_last' } }, { photo_id: 'asc' }],
    ...hitFields(true),
  });
  const sources = new Map<string, PhotoSource>();
  const hits: RankedList['hits'] = [];
  for (const hit of response.hits.hits) {
    const source = hitSource(hit);
    if (!source) continue;
    sources.set(hit._id!, source);
    hits.push({ id: hit._id!, score: source.stats?.downloads ?? 0 });
  }
  return { list: { name: 'popular', hits }, sources };
}
