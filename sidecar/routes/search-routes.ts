import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { FeedbackResponseSchema, FeedbackSchema, recordFeedback } from '../feedback/feedback.ts';
import { RecommendQuerySchema, RecommendResponseSchema, runRecommend } from '../recommend/run-recommend.ts';
import { runSearch } from '../search/run-search.ts';
import { SearchRequestSchema, SearchResponseSchema } from '../search/search-schema.ts';
import type { RequestScope, SidecarServices } from '../services.ts';
import { runSimilar } from '../similar/run-similar.ts';
import { type SimilarJson, SimilarJsonSchema, SimilarResponseSchema, SimilarUploadSchema } from '../similar/similar-schema.ts';
import { PROBLEM_RESPONSES } from './problem-schema.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const searchRoute = createRoute({
  method: 'post',
  path: '/search',
  summary: 'Search photos by text (keyword, clip or hybrid), then policy and personalized second pass',
  request: { body: { required: true, content: { 'application/json': { schema: SearchRequestSchema } } } },
  responses: { 200: json(SearchResponseSchema, 'One page of ranked photos'), ...PROBLEM_RESPONSES },
});

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
  responses: { 200: json(SimilarResponseSchema, 'Nearest photos, never the query photo'), 404: PROBLEM_RESPONSES[400], ...PROBLEM_RESPONSES },
});

const recommendRoute = createRoute({
  method: 'get',
  path: '/recommend/{user}',
  summary: 'Photos for a user without a query (profile and session; popular photos for an unknown user)',
  request: { params: z.object({ user: z.string().min(1).max(200) }), query: RecommendQuerySchema },
  responses: { 200: json(RecommendResponseSchema, 'Recommended photos and the strategy used'), ...PROBLEM_RESPONSES },
});

const feedbackRoute = createRoute({
  method: 'post',
  path: '/feedback',
  summary: 'Record what a user did with a photo (updates the live profile; stored in feedback-events)',
  request: { body: { required: true, content: { 'application/json': { schema: FeedbackSchema } } } },
  responses: { 202: json(FeedbackResponseSchema, 'Recorded'), 404: PROBLEM_RESPONSES[400], ...PROBLEM_RESPONSES },
});

/** What a handler passes down: the request id, and the signal of the time limit and the client's connection. */
function scopeOf(c: Context): RequestScope {
  return { requestId: c.get('requestId'), signal: c.get('requestSignal') };
}

export function registerSearchRoutes(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(searchRoute, async (c) => c.json(await runSearch(services, c.req.valid('json'), scopeOf(c)), 200));

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

  app.openapi(recommendRoute, async (c) => {
    const { user } = c.req.valid('param');
    const { k, page, explain } = c.req.valid('query');
    return c.json(await runRecommend(services, { user, k, page, explain }, scopeOf(c)), 200);
  });

  app.openapi(feedbackRoute, async (c) => c.json(await recordFeedback(services, c.req.valid('json'), scopeOf(c)), 202));
}
