import type { Context } from 'hono';
import type { SidecarServices } from '../services.ts';
import type { Candidate } from '../../ltr/second-pass.ts';
import type { PhotoSource } from '../search/photo-fields.ts';

/** Keys of the search DSL the sidecar will not forward: scripts, and Lucene syntax from user text. */
const DENIED_KEYS = new Set(['script', 'script_score', 'script_fields', 'runtime_mappings', 'scripted_metric', 'bucket_script', 'bucket_selector', 'query_string']);

interface PersonalizeExt {
  user?: unknown;
  country?: unknown;
  query?: unknown;
}

/**
 * `POST /{index}/_search` for existing Elasticsearch clients: the body is Elasticsearch's own query
 * DSL and the answer is Elasticsearch's own response, so an unmodified client pointed at the
 * sidecar works. `ext.personalize: {user, country?}` (the DSL's place for extensions) is taken out
 * before forwarding and applies the second pass to the returned hits.
 */
export async function esCompatibleSearch(c: Context, services: SidecarServices): Promise<Response> {
  const index = c.req.param('index') ?? '';
  if (index !== services.index && !index.startsWith(`${services.index}-v`)) {
    return esError(c, 404, 'index_not_found_exception', `pixrank sidecar: no such index [${index}]; this sidecar serves [${services.index}]`);
  }
  let body: Record<string, unknown> = {};
  const text = await c.req.text();
  if (text.trim().length > 0) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return esError(c, 400, 'parsing_exception', 'the search body must be a JSON object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return esError(c, 400, 'parsing_exception', `the search body is not JSON: ${(error as Error).message}`);
    }
  }
  const querystring = Object.fromEntries(new URL(c.req.url).searchParams);
  if (services.limits.compatDenyScripts) {
    const denied = deniedKey(body) ?? ('q' in querystring ? 'q (query_string)' : undefined);
    if (denied) return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: [${denied}] is not allowed through the sidecar (scripts and query_string syntax are refused)`);
  }

  const { ext, ...forward } = body as { ext?: Record<string, unknown> } & Record<string, unknown>;
  const personalize = ext?.personalize as PersonalizeExt | undefined;
  if (ext && Object.keys(ext).some((name) => name !== 'personalize')) {
    return esError(c, 400, 'parsing_exception', `pixrank sidecar: unknown ext section(s) ${Object.keys(ext).filter((n) => n !== 'personalize').join(', ')}; only ext.personalize is understood`);
  }
  if (personalize !== undefined && (typeof personalize !== 'object' || typeof personalize.user !== 'string' || personalize.user.length === 0)) {
    return esError(c, 400, 'parsing_exception', 'pixrank sidecar: ext.personalize needs {"user": "<user id>", "country"?: "…"}');
  }

  const signal = c.get('requestSignal');
  const response = await services.es.transport.request<Record<string, unknown>>(
    { method: 'POST', path: `/${encodeURIComponent(index)}/_search`, body: forward, querystring },
    { meta: true, signal },
  );
  const result = response.body;
  let personalized = false;
  if (personalize && services.secondPass) {
    await rerankHits(services, result, personalize, signal);
    personalized = true;
  }
  c.header('x-elastic-product', 'Elasticsearch');
  c.header('x-pixrank-personalized', String(personalized));
  return c.json(result, 200);
}

interface EsHit {
  _id: string;
  _score: number | null;
  _source?: PhotoSource & { stats?: { downloads?: number | null; views?: number | null }; submitted_at?: string | null };
}

/** What the second pass may use of a hit the caller's own query returned (its `_source` as given). */
function candidateFromSource(id: string, source: EsHit['_source']): Candidate {
  return {
    photo_id: id,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    downloads: source?.stats?.downloads ?? null,
    views: source?.stats?.views ?? null,
    submitted_at: source?.submitted_at ?? null,
  };
}

async function rerankHits(services: SidecarServices, result: Record<string, unknown>, personalize: PersonalizeExt, signal: AbortSignal): Promise<void> {
  const hits = ((result.hits as { hits?: EsHit[] } | undefined)?.hits ?? []) as EsHit[];
  if (hits.length === 0) return;
  // The caller's _source may leave out what the second pass reads: fetch it by id.
  const vectors = await services.vectors.get(hits.map((h) => h._id), signal);
  const candidates = hits.map((hit, i) => ({
    id: hit._id,
    candidate: candidateFromSource(hit._id, hit._source),
    vector: vectors.get(hit._id),
    lists: { elasticsearch: { rank: i + 1, score: hit._score ?? 0 } },
    fused: hit._score ?? hits.length - i,
  }));
  const { scores } = await services.secondPass!.rerank(
    {
      user: personalize.user as string,
      country: typeof personalize.country === 'string' ? personalize.country : undefined,
      query: typeof personalize.query === 'string' ? personalize.query : undefined,
      signal,
    },
    candidates,
    false,
  );
  const order = hits.map((hit, i) => ({ hit, score: scores[i]!, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const reordered = order.map(({ hit, score }) => ({ ...hit, _score: score }));
  (result.hits as { hits: EsHit[]; max_score?: number | null }).hits = reordered;
  (result.hits as { max_score?: number | null }).max_score = reordered[0]?._score ?? null;
}

function deniedKey(value: unknown, depth = 0): string | undefined {
  if (depth > 100 || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = deniedKey(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (DENIED_KEYS.has(key)) return key;
    const found = deniedKey(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** An error in Elasticsearch's own shape, so clients raise it as they would any ES error. */
export function esError(c: Context, status: 400 | 404 | 503, type: string, reason: string): Response {
  c.header('x-elastic-product', 'Elasticsearch');
  return c.json({ error: { root_cause: [{ type, reason }], type, reason }, status }, status);
}
