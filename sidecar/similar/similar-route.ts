import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { candidateWindow, requestContext, runPipeline } from '../pipeline/pipeline.ts';
import { CountrySchema, LanguageCodeSchema, PolicyOptionsSchema, SearchFiltersSchema, languageFields } from '../pipeline/request-options.ts';
import { SearchResponseSchema } from '../pipeline/response-schema.ts';
import { PROBLEM_RESPONSES } from '../routes/problem-schema.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';
import { resolveQueryLanguage } from '../../ltr/language/query-language.ts';
import { fetchImage } from './fetch-image.ts';

const common = {
  k: z.number().int().min(1).max(100).default(10),
  page: z.number().int().min(1).max(100).default(1),
  filters: SearchFiltersSchema.optional(),
  policy: PolicyOptionsSchema.optional(),
  user: z.string().trim().min(1).max(200).optional(),
  country: CountrySchema.optional().openapi({ description: 'Where the request comes from (context for the second pass)' }),
  lang: LanguageCodeSchema.optional().openapi({ description: "The user's language (context for the second pass); else the country's. There is no query text to detect it from", example: 'de' }),
  personalize: z.boolean().default(true),
  explain: z.boolean().default(false),
};

export const SimilarJsonSchema = z
  .object({
    photo_id: z.string().trim().min(1).max(200).optional().openapi({ description: 'An indexed photo: its stored vector is the query' }),
    url: z.string().trim().min(1).max(2048).optional().openapi({ description: 'An image to fetch (http/https, public addresses only)' }),
    ...common,
  })
  .strict()
  .refine((body) => (body.photo_id === undefined) !== (body.url === undefined), { message: 'give exactly one of photo_id or url (or upload an image as multipart field "image")', path: ['photo_id'] })
  .openapi('SimilarRequest');

export const SimilarUploadSchema = z
  .object({
    image: z.instanceof(File).openapi({ type: 'string', format: 'binary', description: 'The query image (JPEG, PNG, WebP, GIF)' }),
    k: z.coerce.number().int().min(1).max(100).default(10),
    page: z.coerce.number().int().min(1).max(100).default(1),
  })
  .openapi('SimilarUpload');

export type SimilarJson = z.infer<typeof SimilarJsonSchema>;

export const SimilarResponseSchema = SearchResponseSchema.extend({
  query: z.object({ photo_id: z.string().optional(), url: z.string().optional(), upload: z.string().optional() }),
}).openapi('SimilarResponse');

export type SimilarResponse = z.infer<typeof SimilarResponseSchema>;

const similarRoute = createRoute({
  method: 'post',
  path: '/similar',
  summary: 'Photos that look like a photo (by id), an image URL, or an uploaded image',
  request: {
    body: {
      // Not "required": with two content types, each validator must run only for its own type.
      required: false,
      content: { 'application/json': { schema: SimilarJsonSchema }, 'multipart/form-data': { schema: SimilarUploadSchema } },
    },
  },
  responses: { 200: { description: 'Nearest photos, never the query photo', content: { 'application/json': { schema: SimilarResponseSchema } } }, 404: PROBLEM_RESPONSES[400], ...PROBLEM_RESPONSES },
});

export function registerSimilarRoute(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(similarRoute, async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('multipart/form-data')) {
      // The route has two content types; the validator for the one sent ran, so its type is known here.
      const form = c.req.valid('form') as z.infer<typeof SimilarUploadSchema>;
      const bytes = Buffer.from(await form.image.arrayBuffer());
      if (bytes.length === 0) throw new HTTPException(400, { message: 'body.image: the uploaded file is empty' });
      const options = { k: form.k, page: form.page, personalize: false, explain: false };
      return c.json(await runSimilar(services, { upload: { name: form.image.name || 'upload', bytes } }, options, scopeOf(c)), 200);
    }
    if (!/^application\/json\b/i.test(type)) throw new HTTPException(415, { message: `content-type must be application/json or multipart/form-data, not ${type || 'missing'}` });
    const { photo_id, url, ...options } = c.req.valid('json') as SimilarJson;
    const query = photo_id !== undefined ? { photo_id } : { url: url! };
    return c.json(await runSimilar(services, query, options, scopeOf(c)), 200);
  });
}

export type SimilarQuery = { photo_id: string } | { url: string } | { upload: { name: string; bytes: Buffer } };
type SimilarOptions = Omit<SimilarJson, 'photo_id' | 'url'>;

/**
 * /similar's part of the pipeline: the query is the stored vector of an indexed photo, or an image
 * fetched or uploaded and embedded by CLIP; one kNN list with the same filters, policy and second
 * pass as /search. The query photo is excluded inside the kNN (so the page is still full) and
 * again by the policy.
 */
export async function runSimilar(services: SidecarServices, query: SimilarQuery, options: SimilarOptions, scope: RequestScope): Promise<SimilarResponse> {
  const ctx = requestContext(services, scope);
  const size = candidateWindow(options.page, options.k, services.ranking.candidates);
  const exclude = 'photo_id' in query ? [query.photo_id] : [];
  // No query text: the request's lang, else its country's language.
  const language = resolveQueryLanguage({ lang: options.lang, country: options.country });
  const result = await runPipeline(ctx, {
    route: 'similar',
    embed: async () => ({ vector: await queryVector(services, query, ctx.signal), exclude }),
    retrieve: (_, { vector }) =>
      services.reads.lists([{ kind: 'knn', name: 'clip', vector, field: 'clip', numCandidates: size * services.ranking.numCandidatesFactor }], {
        index: services.index,
        size,
        filters: options.filters,
        excludeIds: exclude,
        signal: ctx.signal,
      }),
    policy: options.policy,
    personalize: options.personalize && options.user ? { user: options.user, country: options.country, language: language?.language } : undefined,
    page: { page: options.page, k: options.k },
    explain: options.explain,
  });
  const clip = result.retrieved[0]!;
  return {
    request_id: ctx.requestId,
    mode: 'clip',
    page: options.page,
    k: options.k,
    personalized: result.personalized,
    model_version: result.modelVersion,
    took_ms: result.took,
    hits: result.page,
    query: 'upload' in query ? { upload: query.upload.name } : query,
    ...languageFields(language),
    ...(options.explain ? { explain: { retrieval: { clip: { request: clip.request, es_took_ms: clip.took } }, policy: { dropped: result.policy.dropped } } } : {}),
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
