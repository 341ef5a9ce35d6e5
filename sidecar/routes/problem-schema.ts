import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/json': { schema: ProblemSchema } } });

/** The error answers every route may give. */
export const PROBLEM_RESPONSES = {
  400: problem('The request is malformed; the message names the field and the problem'),
  401: problem('An API key is required'),
  413: problem('The body is larger than the limit'),
  503: problem('Elasticsearch is unavailable (Retry-After says when to retry), or a model is missing'),
  504: problem('The request took longer than its time limit'),
} as const;
