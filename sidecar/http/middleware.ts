import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { SidecarServices } from '../services.ts';
import { problem } from './problems.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * Aborted when the request outlives its time limit or its client goes away. Every
     * Elasticsearch call the request makes takes it (`{ signal }`), so none outlives the answer.
     */
    requestSignal: AbortSignal;
  }
}

/** Routes anyone may call (probes, metrics, the API description). */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']);

/** One JSON log line per request (pino) with its request id, and the latency histogram. */
export function accessLog(services: SidecarServices): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // Calls the Elasticsearch front passes on are one route, whatever their path.
      const route = c.get('esFront') === true ? 'es-front' : c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
      services.metrics.requests.observe({ route, method: c.req.method, status: String(c.res.status) }, seconds);
      services.logger.info(
        { request_id: c.get('requestId'), method: c.req.method, path: c.req.path, route, status: c.res.status, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    }
  };
}

/** Optional API keys: `Authorization: Bearer <key>` or `x-api-key: <key>`, compared in constant time. */
export function apiKeyAuth(keys: string[]): MiddlewareHandler {
  const wanted = keys.map((k) => Buffer.from(k));
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header('authorization');
    const given = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : c.req.header('x-api-key');
    const bytes = given ? Buffer.from(given) : undefined;
    if (!bytes || !wanted.some((w) => w.length === bytes.length && timingSafeEqual(w, bytes))) {
      return problem(c, 401, 'an API key is required: Authorization: Bearer <key> or x-api-key: <key>', {}, { 'WWW-Authenticate': 'Bearer' });
    }
    return next();
  };
}

/**
 * Hono's body limit, asked only about a body whose size is not declared. A GET, HEAD or a body with
 * a Content-Length is judged without Hono's check, which reads `request.body` and so makes the
 * Node server build a web stream of every request, bodiless ones too (0.4 ms a call in a CPU
 * profile of the Elasticsearch front on this 2-core VM); a body read later still takes the server's
 * fast path.
 */
export function declaredBodyLimit(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Parameters<MiddlewareHandler>[0]) => problem(c, 413, `the body is larger than ${maxSize} bytes`);
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async function declaredBodyLimit(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) return Number(length) > maxSize ? tooLarge(c) : next();
    return streamed(c, next);
  };
}

/** The answer to a request past its time limit. */
export function timeLimitPassed(ms: number): HTTPException {
  return new HTTPException(504, { message: `the request took longer than ${ms} ms` });
}

/**
 * A 504 when a request outlives its time limit, with the Elasticsearch calls still in flight aborted
 * (they take `requestSignal`, aborted at the time limit or when the client's connection closes).
 * The answer does not wait for them: work that cannot be aborted (an image being embedded) finishes
 * unseen.
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  return async function requestTimeout(c, next) {
    // Aborted without a reason, whatever ended the request: the Elasticsearch client reports only the
    // standard AbortError as an aborted request; any other reason (a client's departure comes as a
    // string) it takes for a broken connection, marks the node dead for every request and retries.
    const request = new AbortController();
    const client = c.req.raw.signal;
    const clientGone = () => request.abort();
    if (client.aborted) request.abort();
    else client.addEventListener('abort', clientGone, { once: true });
    c.set('requestSignal', request.signal);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        request.abort();
        reject(timeLimitPassed(ms));
      }, ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
      client.removeEventListener('abort', clientGone);
    }
  };
}
