import type { Context } from 'hono';
import { errors } from '@elastic/elasticsearch';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EsConnection } from '../../es-mappings/connection.ts';
import { authRefusalMessage, isAuthRefusal } from '../../es-mappings/connection-errors.ts';

/** The body of every error the sidecar answers: what went wrong, said so a person can fix it. */
export interface Problem {
  error: { status: number; message: string; issues?: Array<{ path: string; message: string }> };
}

export function problem(c: Context, status: ContentfulStatusCode, message: string, extra: Partial<Problem['error']> = {}, headers: Record<string, string> = {}): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json({ error: { status, message, ...extra } } satisfies Problem, status);
}

export type EsFailure = { kind: 'unavailable' | 'missing_index' | 'unauthorized' | 'rejected'; status: ContentfulStatusCode; message: string; retryAfter?: string };

/**
 * What an Elasticsearch failure means for the caller: unreachable, timed out or overloaded → 503
 * with Retry-After (the request may succeed later); a missing index → 503 saying to ingest; the
 * sidecar's own credentials refused → 503 naming the variable to set (the caller can do nothing
 * about it, the operator can); anything else Elasticsearch refused → 502 with its reason (a bug on
 * our side, not the caller's).
 */
export function classifyEsError(error: unknown, connection?: EsConnection): EsFailure | undefined {
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError || error instanceof errors.TimeoutError) {
    return { kind: 'unavailable', status: 503, message: `elasticsearch unavailable: ${error.message}`, retryAfter: '5' };
  }
  if (isAuthRefusal(error)) return { kind: 'unauthorized', status: 503, message: authRefusalMessage(error, connection), retryAfter: '30' };
  if (error instanceof errors.ResponseError) {
    const type = (error.body as { error?: { type?: string; reason?: string } } | undefined)?.error?.type;
    const reason = (error.body as { error?: { reason?: string } } | undefined)?.error?.reason ?? error.message;
    if (error.statusCode === 429 || error.statusCode === 503) return { kind: 'unavailable', status: 503, message: `elasticsearch busy: ${reason}`, retryAfter: '5' };
    if (type === 'index_not_found_exception') return { kind: 'missing_index', status: 503, message: `elasticsearch: ${reason} (ingest a dataset first: npx pixrank ingest --data DIR)`, retryAfter: '30' };
    return { kind: 'rejected', status: 502, message: `elasticsearch refused the request: ${type ?? error.statusCode}: ${reason}` };
  }
  return undefined;
}
