import type { Context } from 'hono';
import { requestContext, runPipeline, type RankedHit } from '../pipeline/pipeline.ts';
import { candidateFromSource, type SourceFacts } from '../retrieval/elastic-reads.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';

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
 * before forwarding and applies the second pass to the returned hits, through the same pipeline as
 * /search; without it the answer is Elasticsearch's, passed through.
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

  const scope = scopeOf(c);
  const ask = () => services.reads.forward(forward, { index, querystring, signal: scope.signal });
  const pass = personalize ? services.secondPass : undefined;
  const result = pass && personalize ? await personalized(services, scope, ask, personalize) : await ask();
  c.header('x-elastic-product', 'Elasticsearch');
  c.header('x-pixrank-personalized', String(pass !== undefined));
  return c.json(result, 200);
}

interface EsHit {
  _id: string;
  _score: number | null;
  _source?: Partial<SourceFacts>;
}

/**
 * The client's own search as the pipeline's one list (`elasticsearch`), every hit kept (policy
 * off) and re-ranked by the second pass; the answer is Elasticsearch's, its hits in the new order
 * with the pass's scores. What the pass knows of a hit is its `_source` as the caller asked for it.
 */
async function personalized(services: SidecarServices, scope: RequestScope, ask: () => Promise<Record<string, unknown>>, personalize: PersonalizeExt): Promise<Record<string, unknown>> {
  let response: Record<string, unknown> = {};
  let hits: EsHit[] = [];
  const result = await runPipeline(requestContext(services, scope), {
    route: 'compat',
    retrieve: async () => {
      response = await ask();
      hits = ((response.hits as { hits?: EsHit[] } | undefined)?.hits ?? []) as EsHit[];
      // A hit without a score (a sorted search) keeps its place through the pass's first-stage score.
      const list = { name: 'elasticsearch', hits: hits.map((hit, i) => ({ id: hit._id, score: hit._score ?? hits.length - i })) };
      return [{ list, candidates: new Map(hits.map((hit) => [hit._id, candidateFromSource(hit._id, hit._source)])), request: {}, took: Number(response.took ?? 0) }];
    },
    policy: 'off',
    personalize: {
      user: personalize.user as string,
      country: typeof personalize.country === 'string' ? personalize.country : undefined,
      query: typeof personalize.query === 'string' ? personalize.query : undefined,
    },
    explain: false,
  });
  if (hits.length === 0) return response;
  // Equal scores keep Elasticsearch's order.
  const position = (hit: RankedHit) => hit.lists.elasticsearch!.rank;
  const reordered = [...result.ranked].sort((a, b) => b.score - a.score || position(a) - position(b)).map((hit) => ({ ...hits[position(hit) - 1]!, _score: hit.score }));
  (response.hits as { hits: EsHit[]; max_score?: number | null }).hits = reordered;
  (response.hits as { max_score?: number | null }).max_score = reordered[0]?._score ?? null;
  return response;
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
