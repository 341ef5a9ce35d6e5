import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { candidateWindow, requestContext, runPipeline } from '../pipeline/pipeline.ts';
import { CountrySchema, LanguageCodeSchema, languageFields } from '../pipeline/request-options.ts';
import { SearchResponseSchema } from '../pipeline/response-schema.ts';
import { resolveQueryLanguage } from '../../ltr/language/query-language.ts';
import type { ListQuery } from '../retrieval/elastic-reads.ts';
import { PROBLEM_RESPONSES } from '../routes/problem-schema.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';

export const RecommendQuerySchema = z.object({
  k: z.coerce.number().int().min(1).max(100).default(10),
  page: z.coerce.number().int().min(1).max(100).default(1),
  explain: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  country: CountrySchema.optional().openapi({ description: 'Where the request comes from (context for the second pass)' }),
  lang: LanguageCodeSchema.optional().openapi({ description: "The user's language (context for the second pass); else the country's", example: 'de' }),
});

export const RecommendResponseSchema = SearchResponseSchema.extend({
  user: z.string(),
  strategy: z.enum(['profile', 'popular']).openapi({ description: 'profile: from the user’s positive photos, their session vector over the most recent ones and (with a trained model) ALS factors; popular: the user is unknown (or has no positives) so the most downloaded photos' }),
  reason: z.string(),
}).openapi('RecommendResponse');

export type RecommendResponse = z.infer<typeof RecommendResponseSchema>;

const recommendRoute = createRoute({
  method: 'get',
  path: '/recommend/{user}',
  summary: 'Photos for a user without a query (profile and session; popular photos for an unknown user)',
  request: { params: z.object({ user: z.string().min(1).max(200) }), query: RecommendQuerySchema },
  responses: { 200: { description: 'Recommended photos and the strategy used', content: { 'application/json': { schema: RecommendResponseSchema } } }, ...PROBLEM_RESPONSES },
});

export function registerRecommendRoute(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(recommendRoute, async (c) => {
    const { user } = c.req.valid('param');
    const { k, page, explain, country, lang } = c.req.valid('query');
    return c.json(await runRecommend(services, { user, k, page, explain, country, lang }, scopeOf(c)), 200);
  });
}

export interface RecommendRequest {
  user: string;
  k: number;
  page: number;
  explain: boolean;
  country?: string;
  lang?: string;
}

/**
 * /recommend's part of the pipeline, without a query: kNN from the user's mean-embedding profile,
 * from the session vector over their most recent positives, and — with a `pixrank train` model
 * whose ALS factors are in the index — kNN on the `als` field with the user's factors; the lists
 * fused by RRF. Photos the user already engaged with are left out. A user none of these know gets
 * the most downloaded photos, and is told so.
 */
export async function runRecommend(services: SidecarServices, request: RecommendRequest, scope: RequestScope): Promise<RecommendResponse> {
  const { user, k, page, explain } = request;
  const ctx = requestContext(services, scope);
  const language = resolveQueryLanguage({ lang: request.lang, country: request.country });
  const size = candidateWindow(page, k, services.ranking.candidates);
  const numCandidates = size * services.ranking.numCandidatesFactor;
  const result = await runPipeline(ctx, {
    route: 'recommend',
    profileOf: user,
    embed: async (_, read) => {
      const profile = (await read)!;
      const als = services.secondPass?.alsQuery?.(user, profile.positives);
      const lists: ListQuery[] = [
        ...(profile.mean ? [{ kind: 'knn' as const, name: 'profile', vector: profile.mean, field: 'clip', numCandidates }] : []),
        ...(profile.session ? [{ kind: 'knn' as const, name: 'session', vector: profile.session, field: 'clip', numCandidates }] : []),
        ...(als ? [{ kind: 'knn' as const, name: 'als', vector: als, field: 'als', numCandidates }] : []),
      ];
      const reason = [profile.positives.length > 0 ? `${profile.positives.length} positive photos of ${user}` : '', profile.session ? 'their session vector' : '', als ? `${user}'s ALS factors` : ''].filter(Boolean).join(', ');
      return { lists, personal: lists.length > 0, exclude: profile.positives, reason };
    },
    retrieve: (_, query) =>
      services.reads.lists(query.personal ? query.lists : [{ kind: 'popular', name: 'popular' }], { index: services.index, size, excludeIds: query.exclude, signal: ctx.signal }),
    personalize: { user, country: request.country, language: language?.language },
    page: { page, k },
    explain,
  });
  const base = { request_id: ctx.requestId, mode: 'recommend', page, k, user, took_ms: result.took, hits: result.page, ...languageFields(language) };
  if (!result.query.personal) {
    return { ...base, personalized: false, model_version: null, strategy: 'popular', reason: `no positive feedback from ${user} yet: the most downloaded photos` };
  }
  return { ...base, personalized: true, model_version: result.modelVersion, strategy: 'profile', reason: `from ${result.query.reason}` };
}
