import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Context } from 'hono';
import { deniedKey, esError, personalizedSearch, type FrontCall } from '../compat/es-search.ts';
import { passThrough, type PassThroughResponse } from '../retrieval/pass-through.ts';
import { scopeOf, type SidecarServices } from '../services.ts';
import { apiAccess } from './api-access.ts';
import { forwardedHeaders, returnedHeaders } from './forwarded-headers.ts';
import { personalizedMsearch, searchesOf } from './msearch.ts';

/**
 * The transparent Elasticsearch front: every call the sidecar's own routes do not serve goes to
 * the cluster and its answer comes back as the cluster gave it (status, headers, error body),
 * streamed both ways. Read-only unless `--es-proxy-writes`; reads are checked for scripts and
 * query_string like the sidecar's own search; `_search` and `_msearch` with `ext.personalize`
 * on the photos index go through the second pass.
 */
export function esFront(services: SidecarServices) {
  return async function esFront(c: Context): Promise<Response> {
    c.set('esFront', true);
    const url = new URL(c.req.url);
    const method = c.req.method;
    const access = apiAccess(method, url.pathname);
    if (access.kind === 'scripted' && services.limits.compatDenyScripts) {
      return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: [${access.name}] runs the caller's script or query language and is not allowed through the sidecar (scripts and query_string syntax are refused)`);
    }
    if (access.kind !== 'read' && !services.limits.esProxy.writes) {
      return esError(c, 403, 'security_exception', `pixrank sidecar: ${method} ${url.pathname} writes or administers, and this sidecar's Elasticsearch front is read-only; start it with --es-proxy-writes to pass writes and admin calls to the cluster (which still checks the caller's privileges)`);
    }
    if (services.limits.compatDenyScripts && url.searchParams.has('q')) {
      return esError(c, 400, 'illegal_argument_exception', 'pixrank sidecar: [q (query_string)] is not allowed through the sidecar (scripts and query_string syntax are refused)');
    }
    const headers = forwardedHeaders(c.req.raw.headers, { auth: services.limits.esProxy.auth, sidecarKeys: (services.limits.apiKeys?.length ?? 0) > 0 });
    // The server gives GET and HEAD no body (Fetch's Request cannot carry one): clients send bodies
    // with POST. Asked of the headers first: `request.body` makes the Node server build a stream; a
    // request with neither header comes from inside the process (`app.request`).
    const length = c.req.header('content-length');
    const declared = length !== undefined || c.req.header('transfer-encoding') !== undefined;
    const hasBody = method !== 'GET' && method !== 'HEAD' && (declared ? length !== '0' : c.req.raw.body !== null);
    let body: Buffer | Readable | undefined;
    if (hasBody && access.kind === 'read') {
      // A read's body is a question (kilobytes): read whole, within the body limit, so it can be checked.
      const bytes = Buffer.from(await c.req.arrayBuffer());
      if (bytes.length > 0) body = bytes;
      const checked = body ? checkRead(bytes, access.search) : undefined;
      if (checked?.denied && services.limits.compatDenyScripts) {
        return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: [${checked.denied}] is not allowed through the sidecar (scripts and query_string syntax are refused)`);
      }
      const call: FrontCall = { target: targetOf(url.pathname), querystring: Object.fromEntries(url.searchParams), headers };
      if (access.search === '_search' && checked?.search && 'ext' in checked.search) return personalizedSearch(c, services, call, checked.search);
      if (access.search === '_msearch' && checked?.searches?.some((s) => 'ext' in s.body)) return personalizedMsearch(c, services, call, checked.searches);
    } else if (hasBody && c.req.raw.body) {
      // A write's body may be a bulk load: streamed on, never held.
      body = Readable.fromWeb(c.req.raw.body as NodeReadableStream<Uint8Array>);
    }
    const scope = scopeOf(c);
    const answer = await passThrough(services.es, { method, path: url.pathname, querystring: url.search.slice(1), headers, body }, { signal: scope.signal, requestTimeoutMs: services.limits.requestTimeoutMs });
    const noBody = method === 'HEAD' || answer.status === 204 || answer.status === 304;
    if (noBody) answer.body.resume();
    return new Response(noBody ? null : await answerBody(answer), { status: answer.status, headers: returnedHeaders(answer.headers) });
  };
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The request is an Elasticsearch API call: its errors are answered in Elasticsearch's shape. */
    esFront: boolean;
  }
}

/**
 * Whether a call to `/` is an Elasticsearch client's (`info`, `ping`): it asks for JSON, where a
 * browser asks for HTML and gets the search page.
 */
export function wantsElasticsearch(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /json/i.test(accept) && !/text\/html/i.test(accept);
}

/**
 * Answers up to this size (by their Content-Length) are read whole before they go back; larger
 * ones, and those of unknown length, stream. A bare pass-through reading a small answer whole
 * added 0.5–0.6 ms to going to Elasticsearch directly, one streaming it through a web stream
 * (`Readable.toWeb`) 3.7–3.9 ms (medians of 450 paired `_search` size 10 calls, two runs, on this
 * 2-core machine under a load average of 20–28); bench/proxy.ts measures the front as it is.
 */
const WHOLE_ANSWER_BYTES = 256 * 1024;

async function answerBody(answer: PassThroughResponse): Promise<Buffer | ReadableStream<Uint8Array>> {
  const length = Number(answer.headers['content-length']);
  if (Number.isFinite(length) && length <= WHOLE_ANSWER_BYTES) return buffer(answer.body);
  return Readable.toWeb(answer.body) as ReadableStream<Uint8Array>;
}

interface CheckedRead {
  /** The first script or query_string key of the body (each search of an NDJSON body). */
  denied?: string;
  /** A `_search` body, parsed. */
  search?: Record<string, unknown>;
  /** The searches of an `_msearch` body, parsed. */
  searches?: ReturnType<typeof searchesOf>;
}

/** A read's body parsed as far as it is JSON; one Elasticsearch cannot read is passed on for its own error. */
function checkRead(bytes: Buffer, search: '_search' | '_msearch' | undefined): CheckedRead | undefined {
  const text = bytes.toString('utf8');
  if (search === '_msearch') {
    const searches = searchesOf(text);
    if (!searches) return undefined;
    return { denied: searches.map((s) => deniedKey(s.body)).find((d) => d !== undefined), searches };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // NDJSON (`_mget` never is; `_msearch` is handled above) or not JSON: check each line.
    const lines = text.split('\n').filter((l) => l.trim().length > 0);
    for (const line of lines) {
      try {
        const denied = deniedKey(JSON.parse(line));
        if (denied) return { denied };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  const denied = deniedKey(parsed);
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return { denied, ...(search === '_search' && isObject ? { search: parsed as Record<string, unknown> } : {}) };
}

/** The index expression of a path (`/photos,other/_search` → `photos,other`); empty when the path starts with an API. */
function targetOf(path: string): string {
  const first = path.split('/').find((s) => s.length > 0) ?? '';
  return first.startsWith('_') ? '' : decodeURIComponent(first);
}
