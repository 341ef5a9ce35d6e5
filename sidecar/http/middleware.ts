import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
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
      const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : 'unmatched';
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
 * A 504 when a request outlives its time limit, with the Elasticsearch calls still in flight aborted
 * (they take `requestSignal`, which also follows the client's connection). The answer does not wait
 * for them: work that cannot be aborted (an image being embedded) finishes unseen.
 */
export function requestTimeout(ms: number): MiddlewareHandler {
  return async function requestTimeout(c, next) {
    const timeLimit = new AbortController();
    c.set('requestSignal', AbortSignal.any([timeLimit.signal, c.req.raw.signal]));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const timedOut = new HTTPException(504, { message: `the request took longer than ${ms} ms` });
        // The reason is the 504 itself: the error handler answers it whatever the aborted calls throw.
        timeLimit.abort(timedOut);
        reject(timedOut);
      }, ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
