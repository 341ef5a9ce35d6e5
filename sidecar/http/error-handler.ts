import type { Context, ErrorHandler } from 'hono';
import type { ZodError } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { connectionOf } from '../../es-mappings/client.ts';
import type { SidecarServices } from '../services.ts';
import { esError } from '../compat/es-search.ts';
import { classifyEsError, isHttpException, problem, RequestProblem } from './problems.ts';

/** A failed validation → 400 naming each field and what is wrong with it. */
export function validationProblem(error: ZodError, target: string, c: Context): Response {
  const issues = error.issues.map((issue) => ({
    path: [target === 'json' || target === 'form' ? 'body' : target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return problem(c, 400, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/**
 * Every error becomes an answer that says what happened: a deliberate problem keeps its status,
 * Hono's own (bad JSON, body too large, timeout) theirs, Elasticsearch down → 503 + Retry-After,
 * anything else → 500 logged with the request id. The ES-compatible route answers in ES's shape.
 */
export function errorHandler(services: SidecarServices): ErrorHandler {
  return (error, c) => {
    const compat = c.req.path.endsWith('/_search');
    if (c.req.raw.signal.aborted) {
      // The client went away (its connection closed): nobody reads this answer.
      services.logger.debug({ request_id: c.get('requestId') }, 'client closed the request');
      return problem(c, 499 as ContentfulStatusCode, 'client closed the request');
    }
    const es = classifyEsError(error, connectionOf(services.es));
    if (es) {
      services.metrics.esErrors.inc({ kind: es.kind });
      services.logger.warn({ request_id: c.get('requestId'), kind: es.kind }, es.message);
      if (es.retryAfter) c.header('Retry-After', es.retryAfter);
      if (compat) return esError(c, es.status === 503 ? 503 : 400, 'pixrank_upstream_exception', es.message);
      return problem(c, es.status, es.message);
    }
    if (error instanceof RequestProblem) return problem(c, error.status, error.message);
    if (isHttpException(error)) {
      const status = error.status as ContentfulStatusCode;
      const message =
        status === 415
          ? `content-type must be application/json, not ${c.req.header('content-type') ?? 'missing'}`
          : error.message || (status === 400 ? 'malformed request' : 'request refused');
      return compat && status === 400 ? esError(c, 400, 'parsing_exception', message) : problem(c, status, message);
    }
    services.logger.error({ request_id: c.get('requestId'), err: { type: (error as Error).name, message: (error as Error).message, stack: (error as Error).stack } }, 'unhandled error');
    return problem(c, 500, `internal error (request ${c.get('requestId')}); see the sidecar log`);
  };
}
