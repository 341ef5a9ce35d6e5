import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { requestId } from 'hono/request-id';
import { esFront, wantsElasticsearch } from './es-front/es-front.ts';
import { errorHandler, validationProblem } from './http/error-handler.ts';
import { accessLog, apiKeyAuth, declaredBodyLimit, requestTimeout } from './http/middleware.ts';
import { problem } from './http/problems.ts';
import { registerImageRoutes, type ImageRoutesOptions } from './images/image-routes.ts';
import { registerPageRoutes } from './page/page-routes.tsx';
import { registerExperimentRoutes } from './experiments/experiment-routes.ts';
import { registerFeedbackRoute } from './feedback/feedback-route.ts';
import { registerRecommendRoute } from './recommend/recommend-route.ts';
import { registerOpsRoutes } from './routes/ops-routes.ts';
import { registerSearchRoute } from './search/search-route.ts';
import type { SidecarServices } from './services.ts';
import { registerSimilarRoute } from './similar/similar-route.ts';

/**
 * The sidecar's HTTP app, built without listening (tests call `app.request`). Middleware order:
 * request id, access log and metrics, API keys, body limit, time limit; then the routes, each
 * validated by its zod schema (a 400 names the field), documented at /openapi.json and /docs; last
 * the Elasticsearch front, which passes every other call to the cluster.
 */
export interface AppOptions {
  /** Where thumbnails come from and are cached (tests set these; the defaults read Elasticsearch and the cache folder). */
  images?: ImageRoutesOptions;
}

export function createApp(services: SidecarServices, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => (result.success ? undefined : validationProblem(result.error, result.target, c)),
  });
  app.use('*', requestId());
  app.use('*', accessLog(services));
  if (services.limits.apiKeys && services.limits.apiKeys.length > 0) app.use('*', apiKeyAuth(services.limits.apiKeys));
  app.use('*', declaredBodyLimit(services.limits.bodyBytes));
  app.use('*', requestTimeout(services.limits.requestTimeoutMs));
  app.onError(errorHandler(services));

  registerSearchRoute(app, services);
  registerSimilarRoute(app, services);
  registerRecommendRoute(app, services);
  registerFeedbackRoute(app, services);
  registerOpsRoutes(app, services);
  registerExperimentRoutes(app, services);
  registerImageRoutes(app, services, options.images);
  // `GET /` is the page for a browser and Elasticsearch's `info` for a client (which asks for JSON).
  const front = esFront(services);
  app.use('/', async (c, next) => (wantsElasticsearch(c) ? front(c) : next()));
  // The page asks the API the way a browser would, in-process: one contract for both.
  registerPageRoutes(app, services, { api: async (path, init) => app.request(path, init) });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/{index}/_search',
    summary: 'Elasticsearch-compatible search: ES query DSL in, ES response out; ext.personalize {user} applies the second pass (so does each search of _msearch)',
    responses: { 200: { description: 'Elasticsearch search response' } },
  });

  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'pixrank sidecar', version: '1', description: 'Personalized image search on Elasticsearch' } });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  // Last: every call no route above serves goes to the cluster (README, "The Elasticsearch front").
  app.all('*', front);
  return app;
}
