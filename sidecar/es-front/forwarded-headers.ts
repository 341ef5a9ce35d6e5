/** How the front authenticates a call to the cluster (`--es-proxy-auth`). */
export type EsProxyAuth = 'client' | 'sidecar';

/** Headers of one connection, not of the call (RFC 9110 §7.6.1), and the sidecar's own. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'expect', 'x-api-key']);
/** Hop-by-hop headers of Elasticsearch's answer: the sidecar's server sets its own. */
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade']);

export interface ForwardedHeadersOptions {
  auth: EsProxyAuth;
  /** The sidecar's API keys are on: an `Authorization: Bearer` was the sidecar's key, not the cluster's. */
  sidecarKeys: boolean;
}

/**
 * The headers a call is sent to the cluster with: the client's own (content type, compatibility
 * `Accept`, `X-Opaque-Id`, its `Authorization`), without the connection's and the sidecar's.
 * Without an `Authorization` of the client's, the sidecar's credentials go (`auth: 'sidecar'`) or
 * none at all (`auth: 'client'`: the cluster decides, as for an anonymous caller).
 *
 * @example
 * forwardedHeaders(new Headers({ authorization: 'ApiKey abc' }), { auth: 'sidecar', sidecarKeys: false });
 * // { authorization: 'ApiKey abc' }
 */
export function forwardedHeaders(incoming: Headers, options: ForwardedHeadersOptions): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  incoming.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers[name] = value;
  });
  // The API-key check reads a Bearer token as the sidecar's key (middleware.ts): it is spent there.
  if (options.sidecarKeys && headers.authorization?.toLowerCase().startsWith('bearer ')) delete headers.authorization;
  // undefined, not absent: it overrides the credentials the sidecar's client would add.
  if (headers.authorization === undefined && options.auth === 'client') headers.authorization = undefined;
  return headers;
}

/** The headers of Elasticsearch's answer that go back to the client: all but the connection's. */
export function returnedHeaders(upstream: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || NOT_RETURNED.has(name.toLowerCase())) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
