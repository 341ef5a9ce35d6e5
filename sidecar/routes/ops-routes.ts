import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { clusterReady, connectionOf } from '../../es-mappings/client.ts';
import { connectionFailure } from '../../es-mappings/connection-errors.ts';
import type { SidecarServices } from '../services.ts';

const ReadySchema = z
  .object({
    ready: z.boolean(),
    elasticsearch: z.object({ ok: z.boolean(), message: z.string().optional() }),
    index: z.string(),
    clip_model: z.string().nullable(),
    second_pass: z.string().nullable(),
    photo_table: z
      .object({ state: z.enum(['loading', 'loaded', 'skipped', 'failed']), held: z.number().int(), complete: z.boolean().optional() })
      .optional()
      .openapi({ description: "The photos' vectors and display fields held in memory (`serve --photo-table-size`): the sidecar serves while they load, reading the rest per request" }),
  })
  .openapi('Readiness');

const health = createRoute({ method: 'get', path: '/healthz', summary: 'Liveness: the process answers', responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } } });
const ready = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: Elasticsearch reachable, index present, model loaded',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'not ready (the body says why)', content: { 'application/json': { schema: ReadySchema } } },
  },
});

export function registerOpsRoutes(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(health, (c) => c.json({ ok: true as const }, 200));
  app.openapi(ready, async (c) => {
    let elasticsearch: { ok: boolean; message?: string } = { ok: true };
    // Each call gets a signal of its own that follows the request's: the client reports a call's
    // own requestTimeout by dispatching 'abort' on the signal it was given, which would reach
    // every other listener of a shared one.
    const signal = () => AbortSignal.any([c.get('requestSignal')]);
    try {
      await clusterReady(services.es, 2_000, signal());
      const exists = await services.es.indices.exists({ index: services.index }, { requestTimeout: 2_000, maxRetries: 0, signal: signal() });
      if (!exists) elasticsearch = { ok: false, message: `index ${services.index} does not exist; ingest a dataset first` };
    } catch (error) {
      // A refused credential or certificate says which variable to set, not Elasticsearch's stack of causes.
      const explained = connectionFailure(error, connectionOf(services.es)) ?? error;
      elasticsearch = { ok: false, message: explained instanceof Error ? explained.message : String(explained) };
    }
    const body = {
      ready: elasticsearch.ok && services.encoder !== undefined,
      elasticsearch,
      index: services.index,
      clip_model: services.encoder ? `${services.encoder.modelDir}${services.encoder.quantized ? ' (int8)' : ''}` : null,
      second_pass: services.secondPass?.version ?? null,
      ...(services.tableSync ? { photo_table: services.tableSync.status } : {}),
    };
    if (!body.ready) c.header('Retry-After', '5');
    return c.json(body, body.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await services.metrics.registry.metrics(), 200, { 'content-type': services.metrics.registry.contentType }));
}
