import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { SidecarServices } from '../services.ts';
import { describeExperiment } from './experiment.ts';

const ArmViewSchema = z.object({
  models: z.string().nullable(),
  second_pass: z.string().nullable(),
  reverse: z.boolean(),
  fusion: z.record(z.string(), z.unknown()).optional(),
  policy: z.record(z.string(), z.unknown()).optional(),
});

const ExperimentsSchema = z
  .object({
    experiment: z
      .object({ name: z.string(), method: z.enum(['ab', 'interleave']), control: z.string(), file: z.string().nullable(), arms: z.record(z.string(), ArmViewSchema) })
      .nullable(),
  })
  .openapi('Experiments');

const experimentsRoute = createRoute({
  method: 'get',
  path: '/experiments',
  summary: 'The running experiment of /search (from `serve --experiment FILE`), or null',
  responses: { 200: { description: 'The experiment and its arms', content: { 'application/json': { schema: ExperimentsSchema } } } },
});

export function registerExperimentRoutes(app: OpenAPIHono, services: SidecarServices): void {
  app.openapi(experimentsRoute, (c) => c.json(describeExperiment(services.experiment), 200));
}
