import type { Readable } from 'node:stream';
import type { Client } from '../../es-mappings/client.ts';

/** A call of the Elasticsearch API as a client made it, to be sent on as it is. */
export interface PassThroughRequest {
  method: string;
  /** The path as the client sent it (still percent-encoded). */
  path: string;
  /** The query string as the client sent it, without the `?`. */
  querystring: string;
  /**
   * The headers to send. A header given as undefined is not sent even when the sidecar's own
   * client would add it (the sidecar's credentials, for `--es-proxy-auth client`).
   */
  headers: Record<string, string | undefined>;
  /** The body: read already (a search, checked before it is sent) or streamed (a bulk load). */
  body?: Buffer | Readable;
}

/** Elasticsearch's answer, not read: status, headers and the body as a stream. */
export interface PassThroughResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * Sends one call on to the cluster through the sidecar's one client (its node, TLS trust and, for
 * calls without their own `Authorization`, its credentials) and hands back the answer unread, so a
 * scroll page or a bulk answer streams through without being held in memory. Never retried: a
 * streamed body cannot be sent twice, and the client that made the call retries as it sees fit.
 * Every status comes back as an answer (the client raises only when the cluster does not answer).
 */
export async function passThrough(es: Client, request: PassThroughRequest, options: { signal?: AbortSignal; requestTimeoutMs?: number } = {}): Promise<PassThroughResponse> {
  const response = await es.transport.request<Readable>(
    { method: request.method, path: request.path, querystring: request.querystring as unknown as Record<string, string>, ...(request.body ? { body: request.body as unknown as string } : {}) },
    // A header set to undefined still overrides the client's own of that name, and is then not sent.
    { asStream: true, meta: true, maxRetries: 0, headers: request.headers as Record<string, string>, signal: options.signal, ...(options.requestTimeoutMs ? { requestTimeout: options.requestTimeoutMs } : {}) },
  );
  return { status: response.statusCode ?? 502, headers: response.headers ?? {}, body: response.body };
}

/** What an index expression resolves to: concrete indices (with their aliases, where known) and data streams. */
export interface ResolvedTarget {
  indices: Array<{ name: string; aliases?: string[] }>;
  dataStreams: string[];
}

/** `GET _resolve/index/<target>` asked with the caller's own headers, so it sees what the caller may see. */
export async function resolveTarget(es: Client, target: string, options: { headers: Record<string, string | undefined>; signal?: AbortSignal }): Promise<ResolvedTarget> {
  const resolved = await es.indices.resolveIndex({ name: target, expand_wildcards: 'open' }, { headers: options.headers as Record<string, string>, signal: options.signal, maxRetries: 0 });
  return {
    indices: [...resolved.indices.map((i) => ({ name: i.name, aliases: i.aliases ?? [] })), ...resolved.aliases.flatMap((a) => (Array.isArray(a.indices) ? a.indices : [a.indices]).map((name) => ({ name })))],
    dataStreams: resolved.data_streams.map((d) => d.name),
  };
}
