import { HTTPException } from 'hono/http-exception';
import { candidateWindow, presentPage } from '../search/present.ts';
import { rankCandidates } from '../search/rank-pipeline.ts';
import { Stopwatch } from '../search/stopwatch.ts';
import type { RequestScope, SidecarServices } from '../services.ts';
import { fetchImage } from './fetch-image.ts';
import type { SimilarJson, SimilarResponse } from './similar-schema.ts';

export type SimilarQuery = { photo_id: string } | { url: string } | { upload: { name: string; bytes: Buffer } };
type SimilarOptions = Omit<SimilarJson, 'photo_id' | 'url'>;

/**
 * Query by image: the stored vector of an indexed photo, or an image fetched or uploaded and
 * embedded by CLIP; then kNN with the same filters, policy and second pass as /search. The query
 * photo is excluded inside the kNN (so the page is still full) and again by the policy.
 */
export async function runSimilar(services: SidecarServices, query: SimilarQuery, options: SimilarOptions, scope: RequestScope): Promise<SimilarResponse> {
  const { requestId, signal } = scope;
  const watch = new Stopwatch();
  const vector = await watch.timeAsync('embed', () => queryVector(services, query, signal));
  const size = candidateWindow(options.page, options.k, services.ranking.candidates);
  const exclude = 'photo_id' in query ? [query.photo_id] : [];
  const secondPass = options.personalize && options.user ? services.secondPass : undefined;
  const retrieved = await watch.timeAsync('retrieve', () =>
    services.reads.knn(vector, {
      index: services.index,
      size,
      filters: options.filters,
      excludeIds: exclude,
      numCandidates: size * services.ranking.numCandidatesFactor,
      signal,
    }),
  );
  const ranked = await rankCandidates(
    {
      lists: [retrieved.list],
      candidates: retrieved.candidates,
      vectors: services.vectors,
      wanted: options.page * options.k,
      signal,
      policy: options.policy,
      exclude: new Set(exclude),
      secondPass,
      context: { user: options.user, country: options.country, queryVector: vector },
      explain: options.explain,
    },
    services.ranking,
    watch,
  );
  const hits = await presentPage(services.reads, ranked, { index: services.index, page: options.page, k: options.k, explain: options.explain, signal }, watch);
  const took = watch.result();
  services.metrics.recordStages('similar', took);
  return {
    request_id: requestId,
    mode: 'clip',
    page: options.page,
    k: options.k,
    personalized: ranked.personalized,
    model_version: ranked.personalized ? (secondPass?.version ?? null) : null,
    took_ms: took,
    hits,
    query: 'upload' in query ? { upload: query.upload.name } : query,
    ...(options.explain ? { explain: { retrieval: { clip: { request: retrieved.request, es_took_ms: retrieved.took } }, policy: { dropped: ranked.dropped } } } : {}),
  };
}

async function queryVector(services: SidecarServices, query: SimilarQuery, signal: AbortSignal | undefined): Promise<Float32Array> {
  if ('photo_id' in query) {
    const vector = (await services.vectors.get([query.photo_id], signal)).get(query.photo_id);
    if (vector) return vector;
    const exists = await services.reads.exists(query.photo_id, { index: services.index, signal });
    if (!exists) throw new HTTPException(404, { message: `photo_id: no photo ${query.photo_id} in ${services.index}` });
    throw new HTTPException(409, { message: `photo_id: photo ${query.photo_id} has no CLIP vector (ingested without a model)` });
  }
  const encoder = services.encoder;
  if (!encoder) throw new HTTPException(503, { message: 'query by image needs a CLIP model; start the sidecar with --model DIR (photo_id works without one)' });
  const bytes = 'url' in query ? await fetchImage(query.url, services.limits.urlFetch, signal) : query.upload.bytes;
  const [row] = await encoder.embedImages([bytes]);
  if (row instanceof Error || !row) throw new HTTPException(400, { message: `image: ${row instanceof Error ? row.message : 'could not be read'}` });
  return row;
}
