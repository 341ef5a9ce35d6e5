import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { candidateWindow, requestContext, runPipeline } from '../pipeline/pipeline.ts';
import { CountrySchema, FusionOptionsSchema, LanguageCodeSchema, PolicyOptionsSchema, SearchFiltersSchema, languageFields } from '../pipeline/request-options.ts';
import { SearchResponseSchema, type SearchResponse } from '../pipeline/response-schema.ts';
import { experimentPlan } from '../experiments/experiment-plan.ts';
import { textLists } from '../retrieval/elastic-reads.ts';
import { PROBLEM_RESPONSES } from '../routes/problem-schema.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';
import { resolveQueryLanguage } from '../../ltr/language/query-language.ts';

const userId = z.string().trim().min(1).max(200);

export const SearchRequestSchema = z
  .object({
    q: z.string().trim().min(1, 'must not be empty').max(500).openapi({ example: 'mountain lake at dawn' }),
    user: userId.optional().openapi({ description: 'Personalize for this user' }),
    country: CountrySchema.optional().openapi({ description: 'Where the request comes from (context for the second pass)' }),
    lang: LanguageCodeSchema.optional().openapi({ description: "The query's language (context for the second pass); else detected from the query, else the country's", example: 'de' }),
    k: z.number().int().min(1).max(100).default(10),
    page: z.number().int().min(1).max(100).default(1),
    mode: z.enum(['keyword', 'clip', 'hybrid']).default('hybrid'),
    filters: SearchFiltersSchema.optional(),
    fusion: FusionOptionsSchema.optional(),
    policy: PolicyOptionsSchema.optional(),
    personalize: z.boolean().default(true),
    explain: z.boolean().default(false),
    experiment_key: z.string().trim().min(1).max(200).optional().openapi({
      description: 'For a visitor without `user`: a key the client keeps (a cookie, say) that places it in an A/B arm; without either the visitor sees the control arm',
    }),
  })
  .strict()
  .openapi('SearchRequest');

export type SearchRequest = z.infer<typeof SearchRequestSchema>;

const searchRoute = createRoute({
  method: 'post',
  path: '/search',
  summary: 'Search photos by text (keyword, clip or hybrid), then policy and personalized second pass',
  request: { body: { required: true, content: { 'application/json': { schema: SearchRequestSchema } } } },
  responses: { 200: { description: 'One page of ranked photos', content: { 'application/json': { schema: SearchResponseSchema } } }, ...PROBLEM_RESPONSES },
});

export function registerSearchRoute(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(searchRoute, async (c) => c.json(await runSearch(services, c.req.valid('json'), scopeOf(c)), 200));
}

/**
 * /search's part of the pipeline: the query text embedded (clip, hybrid) and its lists (BM25
 * unless clip, kNN unless keyword) in one round trip. The served search is logged to
 * `search-events` without waiting for it. `pixrank search` runs this in-process.
 */
export async function runSearch(services: SidecarServices, request: SearchRequest, scope: RequestScope): Promise<SearchResponse> {
  const ctx = requestContext(services, scope);
  const size = candidateWindow(request.page, request.k, services.ranking.candidates);
  // The language is resolved whether or not the second pass runs: the event logs it, the answer says it.
  const language = resolveQueryLanguage({ lang: request.lang, query: request.q, country: request.country });
  // Read once: a SIGHUP may swap the experiment while the request runs.
  const lists = (vector: Float32Array | undefined, mode: SearchRequest['mode']) =>
    services.reads.lists(textLists(request.q, vector, mode, size * services.ranking.numCandidatesFactor), { index: services.index, size, filters: request.filters, signal: ctx.signal });
  const experiment = services.experiment ? experimentPlan(services.experiment, { user: request.user, key: request.experiment_key, query: request.q, fusion: request.fusion, policy: request.policy }) : undefined;
  const result = await runPipeline(ctx, {
    route: 'search',
    embed:
      request.mode === 'keyword'
        ? undefined
        : async () => {
            const queries = services.queries;
            if (!queries) throw new HTTPException(503, { message: `mode ${request.mode} needs a CLIP model; start the sidecar with --model DIR (or use mode keyword)` });
            return { vector: (await queries.embed(request.q)).vector };
          },
    // Hybrid: the keyword list goes out beside the embedding (it needs no vector), the kNN list after it.
    ...(request.mode === 'hybrid' ? { retrieveEarly: () => lists(undefined, 'keyword') } : {}),
    retrieve: (_, query) => lists(query.vector, request.mode === 'hybrid' ? 'clip' : request.mode),
    fusion: request.fusion,
    policy: request.policy,
    personalize: request.personalize && request.user ? { user: request.user, query: request.q, country: request.country, language: language?.language } : undefined,
    page: { page: request.page, k: request.k },
    explain: request.explain,
    learn: { user: request.user, query: request.q, country: request.country, language: language?.language },
    ...experiment?.plan,
  });

  const response: SearchResponse = {
    request_id: ctx.requestId,
    mode: request.mode,
    page: request.page,
    k: request.k,
    personalized: result.personalized,
    model_version: result.modelVersion,
    took_ms: result.took,
    hits: result.page,
    ...languageFields(language),
    ...(experiment ? { experiment: experiment.tag } : {}),
    ...(request.explain
      ? {
          explain: {
            retrieval: Object.fromEntries(result.retrieved.map((r) => [r.list.name, { request: r.request, es_took_ms: r.took, hits: r.list.hits.length }])),
            fusion: result.fusion,
            policy: result.policy,
            rerank: result.personalized
              ? { model_version: result.modelVersion }
              : { model_version: null, reason: request.personalize && request.user && services.secondPass ? undefined : 'no second pass (no model loaded, personalize off, or no user)' },
          },
        }
      : {}),
  };
  // Written after the answer went out: the feature log of an unpersonalized search is a second
  // pass's worth of work that only the log needs. `took_ms.log` is how long making it took.
  const servedAt = new Date().toISOString();
  services.searchEvents.writeAfter(async () => {
    const log = await result.log?.();
    return {
      '@timestamp': servedAt,
      request_id: ctx.requestId,
      index: services.index,
      query: request.q,
      user: request.user,
      country: request.country,
      ...languageFields(language),
      mode: request.mode,
      k: request.k,
      page: request.page,
      personalize: result.personalized,
      model_version: result.modelVersion ?? undefined,
      filters: request.filters ?? {},
      served_ids: result.page.map((h) => h.photo_id),
      hits: result.page.map((h) => ({ id: h.photo_id, rank: h.rank, scores: h.scores, ...(h.team !== undefined ? { team: h.team } : {}) })),
      ...(experiment ? { experiment: experiment.tag } : {}),
      took_ms: log ? { ...result.took, log: log.ms } : result.took,
      ...log?.fields,
    };
  });
  return response;
}
