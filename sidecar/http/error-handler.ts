import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { connectionOf } from '../../es-mappings/client.ts';
import type { SidecarServices } from '../services.ts';
import { esError } from '../compat/es-search.ts';
import { isCodedError, statusOf } from './error-status.ts';
import { timeLimitPassed } from './middleware.ts';
import { classifyEsError, problem } from './problems.ts';

/** The message of the 415 that @hono/zod-openapi throws for a body of an undeclared content type. */
const HONO_UNSUPPORTED_MEDIA_TYPE = 'Unsupported Media Type';

/** A failed validation → 400 naming each field and what is wrong with it. */
export function validationProblem(error: ZodError, target: string, c: Context): Response {
  const issues = error.issues.map((issue) => ({
    path: [target === 'json' || target === 'form' ? 'body' : target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return problem(c, 400, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/**
 * Every error becomes an answer that says what happened: an HTTPException keeps its status and
 * message (the handlers' own, and Hono's: bad JSON, wrong content type, timeout), Elasticsearch
 * down → 503 + Retry-After, an error with a catalogue code the status of its code
 * (error-status.ts) and its own message, anything else → 500 logged with the request id. The
 * ES-compatible route answers in ES's shape.
 */
export function errorHandler(services: Pick<SidecarServices, 'es' | 'logger' | 'metrics' | 'limits'>): ErrorHandler {
  return function errorHandler(thrown, c) {
    // The Elasticsearch front (es-front.ts) marks its calls; an `_search` path is one wherever it is served.
    const compat = c.get('esFront') === true || c.req.path.endsWith('/_search');
    if (c.req.raw.signal.aborted) {
      // The client went away (its connection closed): nobody reads this answer.
      services.logger.debug({ request_id: c.get('requestId') }, 'client closed the request');
      return problem(c, 499 as ContentfulStatusCode, 'client closed the request');
    }
    // With the client still there, an aborted request signal means the time limit passed. The calls
    // it aborted fail just after the 504 is decided, and this handler sees their errors too; what it
    // answers them replaces the 504 if that has not gone out yet (Hono keeps the last error answer),
    // so it must be the same 504, and nothing logged as a failure.
    const timedOut = (c.get('requestSignal') as AbortSignal | undefined)?.aborted === true;
    const error = timedOut ? timeLimitPassed(services.limits.requestTimeoutMs) : thrown;
    const es = classifyEsError(error, connectionOf(services.es));
    if (es) {
      services.metrics.esErrors.inc({ kind: es.kind });
      services.logger.warn({ request_id: c.get('requestId'), kind: es.kind }, es.message);
      if (es.retryAfter) c.header('Retry-After', es.retryAfter);
      if (compat) return esError(c, es.status === 503 ? 503 : 400, 'pixrank_upstream_exception', es.message);
      return problem(c, es.status, es.message);
    }
    if (isCodedError(error)) {
      const status = statusOf(error);
      // A 500 is ours to fix, so it is logged with its stack; the others say what the caller or
      // the operator should do, and the message is already the whole story.
      if (status === 500) services.logger.error({ request_id: c.get('requestId'), code: error.code, err: error }, error.message);
      else services.logger.warn({ request_id: c.get('requestId'), code: error.code }, error.message);
      if (compat && (status === 400 || status === 404 || status === 503)) return esError(c, status, 'pixrank_exception', error.message);
      return problem(c, status, error.message);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      // Hono's own validator says only "Unsupported Media Type"; the handlers' 415s already say more.
      const message =
        status === 415 && error.message === HONO_UNSUPPORTED_MEDIA_TYPE
          ? `content-type must be application/json, not ${c.req.header('content-type') ?? 'missing'}`
          : error.message || (status === 400 ? 'malformed request' : 'request refused');
      return compat && status === 400 ? esError(c, 400, 'parsing_exception', message) : problem(c, status, message);
    }
    // pino's own serializer for `err` writes the error's type, message and stack (a plain object
    // given in its place would be logged as type "Object").
    services.logger.error({ request_id: c.get('requestId'), err: error }, 'unhandled error');
    return problem(c, 500, `internal error (request ${c.get('requestId')}); see the sidecar log`);
  };
}
