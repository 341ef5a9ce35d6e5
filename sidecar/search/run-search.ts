import { HTTPException } from 'hono/http-exception';
import type { RequestScope, SidecarServices } from '../services.ts';
import { candidateWindow, presentPage } from './present.ts';
import { rankCandidates } from './rank-pipeline.ts';
import { mergeCandidates, retrieveText, type Retrieved } from './retrieve.ts';
import type { SearchRequest, SearchResponse } from './search-schema.ts';
import { Stopwatch } from './stopwatch.ts';

/**
 * One search, every stage: embed the query (clip, hybrid), retrieve from Elasticsearch (keyword and
 * kNN in parallel for hybrid), fuse, policy, second pass, one page. The served search is logged to
 * `search-events` without waiting for it.
 */
export async function runSearch(services: SidecarServices, request: SearchRequest, scope: RequestScope): Promise<SearchResponse> {
  const { requestId, signal } = scope;
  const watch = new Stopwatch();
  const size = candidateWindow(request.page, request.k, services.ranking.candidates);
  const secondPass = request.personalize && request.user ? services.secondPass : undefined;
  const options = { index: services.index, size, filters: request.filters, signal };

  let queryVector: Float32Array | undefined;
  if (request.mode !== 'keyword') {
    const queries = services.queries;
    if (!queries) throw new HTTPException(503, { message: `mode ${request.mode} needs a CLIP model; start the sidecar with --model DIR (or use mode keyword)` });
    queryVector = (await watch.timeAsync('embed', () => queries.embed(request.q))).vector;
  }
  const retrieved: Retrieved[] = await watch.timeAsync('retrieve', () =>
    retrieveText(services.reads, request.q, queryVector, { ...options, mode: request.mode, numCandidates: size * services.ranking.numCandidatesFactor }),
  );
  const ranked = await rankCandidates(
    {
      lists: retrieved.map((r) => r.list),
      candidates: mergeCandidates(retrieved),
      vectors: services.vectors,
      wanted: request.page * request.k,
      signal,
      fusion: request.fusion,
      policy: request.policy,
      secondPass,
      context: { user: request.user, query: request.q, country: request.country, queryVector },
      explain: request.explain,
    },
    services.ranking,
    watch,
  );
  const hits = await presentPage(services.reads, ranked, { index: services.index, page: request.page, k: request.k, explain: request.explain, signal }, watch);
  const took = watch.result();
  services.metrics.recordStages('search', took);

  const response: SearchResponse = {
    request_id: requestId,
    mode: request.mode,
    page: request.page,
    k: request.k,
    personalized: ranked.personalized,
    model_version: ranked.personalized ? (secondPass?.version ?? null) : null,
    took_ms: took,
    hits,
    ...(request.explain
      ? {
          explain: {
            retrieval: Object.fromEntries(retrieved.map((r) => [r.list.name, { request: r.request, es_took_ms: r.took, hits: r.list.hits.length }])),
            fusion: ranked.fusion,
            policy: { ...services.ranking.policy, ...request.policy, dropped: ranked.dropped },
            rerank: ranked.personalized ? { model_version: secondPass?.version } : { model_version: null, reason: secondPass ? undefined : 'no second pass (no model loaded, personalize off, or no user)' },
          },
        }
      : {}),
  };
  services.searchEvents.write({
    '@timestamp': new Date().toISOString(),
    request_id: requestId,
    index: services.index,
    query: request.q,
    user: request.user,
    country: request.country,
    mode: request.mode,
    k: request.k,
    personalize: ranked.personalized,
    model_version: response.model_version ?? undefined,
    filters: request.filters ?? {},
    served_ids: hits.map((h) => h.photo_id),
    hits: hits.map((h) => ({ id: h.photo_id, scores: h.scores })),
    took_ms: took,
  });
  return response;
}
