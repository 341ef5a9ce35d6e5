/**
 * What an Elasticsearch API call does, from its method and path alone: the front lets reads pass
 * and refuses the rest unless writes are allowed. Reads are named one by one (an allow-list), so
 * an API this list does not know is a write: a new or rare endpoint is refused, never let through.
 */
export type ApiAccess =
  /** Reads data or metadata; passes the read-only front. */
  | { kind: 'read'; search?: SearchEndpoint }
  /** Changes data or the cluster, or reads security data; needs `--es-proxy-writes`. */
  | { kind: 'write' }
  /** Runs a script or query language the caller wrote (templates, SQL, EQL, ES|QL); refused while scripts are denied. */
  | { kind: 'scripted'; name: string };

/** The two endpoints that take `ext.personalize`. */
export type SearchEndpoint = '_search' | '_msearch';

/** Endpoints that read with POST because their question is a body. */
const POST_READS = new Set(['_search', '_msearch', '_count', '_mget', '_field_caps', '_pit', '_explain', '_validate', '_termvectors', '_mtermvectors', '_analyze', '_async_search', '_knn_search', '_terms_enum', '_search_shards', '_rank_eval']);
/** Endpoints whose DELETE only frees what a read made (a scroll, a point in time, an async search). */
const DELETE_READS = new Set(['_pit', '_async_search']);
/** Endpoints that evaluate the caller's own script or query language. */
const SCRIPTED = new Set(['_sql', '_eql', '_query', '_scripts', '_render']);
/** Admin APIs that even GET must not open to the front's callers. */
const ADMIN = new Set(['_security']);

/**
 * The access an Elasticsearch API call needs.
 *
 * @example
 * apiAccess('POST', '/photos/_search'); // { kind: 'read', search: '_search' }
 * apiAccess('POST', '/_bulk'); // { kind: 'write' }
 */
export function apiAccess(method: string, path: string): ApiAccess {
  const segments = path.split('/').filter((s) => s.length > 0).map(safeDecode);
  const apis = segments.filter((s) => s.startsWith('_'));
  const first = apis[0];
  // The word after an API segment (`_search/scroll`, `_msearch/template`): an index name never follows one.
  const after = (api: string | undefined) => (api === undefined ? undefined : segments[segments.indexOf(api) + 1]);
  if (apis.some((s) => ADMIN.has(s))) return { kind: 'write' };
  const scripted = apis.find((s) => SCRIPTED.has(s)) ?? apis.find((s) => after(s) === 'template');
  if (scripted) return { kind: 'scripted', name: after(scripted) === 'template' ? `${scripted}/template` : scripted };
  const verb = method.toUpperCase();
  const last = segments.at(-1);
  const search: { search?: SearchEndpoint } = apis.length === 1 && (last === '_search' || last === '_msearch') ? { search: last } : {};
  if (verb === 'GET' || verb === 'HEAD') return { kind: 'read', ...search };
  if (verb === 'POST' && first && POST_READS.has(first)) return { kind: 'read', ...search };
  if (verb === 'DELETE' && first && ((first === '_search' && after(first) === 'scroll') || DELETE_READS.has(first))) return { kind: 'read' };
  return { kind: 'write' };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
