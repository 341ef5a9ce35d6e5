import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { esErrors } from '../../es-mappings/client.ts';
import { resolveTarget } from '../retrieval/pass-through.ts';
import { requestContext, runPipeline, type RankedHit } from '../pipeline/pipeline.ts';
import { candidateFromSource, type SourceFacts } from '../retrieval/elastic-reads.ts';
import { scopeOf, type RequestScope, type SidecarServices } from '../services.ts';
import { LANGUAGE_CODE_RULE, LanguageCodeSchema } from '../pipeline/request-options.ts';
import { resolveQueryLanguage } from '../../ltr/language/query-language.ts';

/** Keys of the search DSL the sidecar will not forward: scripts, and Lucene syntax from user text. */
const DENIED_KEYS = new Set(['script', 'script_score', 'script_fields', 'runtime_mappings', 'scripted_metric', 'bucket_script', 'bucket_selector', 'query_string']);

export interface PersonalizeExt {
  user: string;
  country?: string;
  /** The text the user typed, when the client sends it: the second pass's context, and what the language is detected from. */
  query?: string;
  /** The query's language (ISO 639); else detected from `query`, else the country's. */
  lang?: string;
}

/** One call of the front as the client made it: its target, query string and the headers to send on. */
export interface FrontCall {
  /** The index expression of the path (`photos`, `photos-v*`, `a,b`); empty for `/_search`. */
  target: string;
  querystring: Record<string, string>;
  headers: Record<string, string | undefined>;
}

/** What ext.personalize may hold; anything else is refused, as /search refuses unknown fields (a misspelt `language` would be ignored silently). */
const PERSONALIZE_KEYS = ['user', 'country', 'query', 'lang'];

/**
 * `ext.personalize: {user, country?, query?, lang?}` (the search DSL's place for extensions) read
 * from a search body's `ext`; a string says what is wrong with it. `lang` follows /search's rule.
 */
export function personalizeOf(ext: unknown): PersonalizeExt | string {
  if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) return 'pixrank sidecar: ext must be an object';
  const names = Object.keys(ext);
  if (names.some((name) => name !== 'personalize')) return `pixrank sidecar: unknown ext section(s) ${names.filter((n) => n !== 'personalize').join(', ')}; only ext.personalize is understood`;
  const given = (ext as { personalize?: Record<string, unknown> }).personalize;
  if (typeof given !== 'object' || given === null || typeof given.user !== 'string' || given.user.length === 0) return 'pixrank sidecar: ext.personalize needs {"user": "<user id>", "country"?: "…"}';
  const unknown = Object.keys(given).filter((name) => !PERSONALIZE_KEYS.includes(name));
  if (unknown.length > 0) return `pixrank sidecar: ext.personalize takes ${PERSONALIZE_KEYS.join(', ')}; unknown: ${unknown.join(', ')}`;
  const lang = given.lang === undefined ? undefined : LanguageCodeSchema.safeParse(given.lang);
  if (lang && !lang.success) return `pixrank sidecar: ext.personalize.lang ${LANGUAGE_CODE_RULE}, not ${JSON.stringify(given.lang)}`;
  return {
    user: given.user,
    country: typeof given.country === 'string' ? given.country : undefined,
    query: typeof given.query === 'string' ? given.query : undefined,
    lang: lang?.data,
  };
}

/**
 * Whether an index expression names only the photos index: its alias, or versions of it
 * (`<alias>-vN`, the names the project gives them), resolved by Elasticsearch for patterns and
 * other aliases. The second pass knows photos only: on another index it would re-rank nonsense.
 */
export async function resolvesToPhotos(services: SidecarServices, target: string, call: { headers: Record<string, string | undefined>; signal?: AbortSignal }): Promise<boolean> {
  const version = new RegExp(`^${services.index.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-v\\d+$`);
  const named = target.split(',').filter((t) => t.length > 0);
  if (named.length > 0 && named.every((t) => t === services.index || version.test(t))) return true;
  const resolved = await resolveTarget(services.es, target.length > 0 ? target : '_all', { headers: authOnly(call.headers), signal: call.signal });
  return resolved.dataStreams.length === 0 && resolved.indices.length > 0 && resolved.indices.every((i) => version.test(i.name) || (i.aliases ?? []).includes(services.index));
}

/**
 * `_search` with `ext.personalize` through the front: the body is Elasticsearch's own query DSL
 * and the answer is Elasticsearch's own response, its hits re-ranked by the second pass through
 * the same pipeline as /search. Scroll and point-in-time searches are refused with it: the pass
 * orders one page, and the pages of a scroll or a point in time are an export in index order,
 * so re-ordering each page alone would make an order that is neither Elasticsearch's nor the
 * user's. Elasticsearch's own errors (a bad query, a missing index) reach the client as they are.
 */
export async function personalizedSearch(c: Context, services: SidecarServices, call: FrontCall, body: Record<string, unknown>): Promise<Response> {
  const { ext, ...forward } = body;
  const personalize = personalizeOf(ext);
  if (typeof personalize === 'string') return esError(c, 400, 'parsing_exception', personalize);
  if ('scroll' in call.querystring || 'pit' in body) {
    return esError(c, 400, 'illegal_argument_exception', 'pixrank sidecar: ext.personalize does not apply to scroll or point-in-time searches (their pages are an export; each page re-ordered alone would be no ranking); send them without it');
  }
  const scope = scopeOf(c);
  if (!(await resolvesToPhotos(services, call.target, { headers: call.headers, signal: scope.signal }))) {
    return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: ext.personalize applies to the photos index [${services.index}] only; [${call.target || '_all'}] names other indices`);
  }
  const pass = services.secondPass;
  const ask = async () => services.reads.forward(forward, { index: call.target || '_all', querystring: call.querystring, headers: authOnly(call.headers), signal: scope.signal });
  let result: Record<string, unknown>;
  try {
    result = pass ? await personalized(services, scope, ask, personalize) : await ask();
  } catch (error) {
    if (error instanceof esErrors.ResponseError && typeof error.body === 'object' && error.body !== null) {
      c.header('x-elastic-product', 'Elasticsearch');
      return c.json(error.body as Record<string, unknown>, error.statusCode as ContentfulStatusCode);
    }
    throw error;
  }
  c.header('x-elastic-product', 'Elasticsearch');
  c.header('x-pixrank-personalized', String(pass !== undefined));
  return c.json(result, 200);
}

/** A response Elasticsearch gave already (one search of an `_msearch`), re-ranked for the user. */
export async function personalizeResponse(services: SidecarServices, scope: RequestScope, response: Record<string, unknown>, personalize: PersonalizeExt): Promise<Record<string, unknown>> {
  return services.secondPass ? personalized(services, scope, async () => response, personalize) : response;
}

/** What goes with the sidecar's own request for the client: its credentials and its opaque id. */
function authOnly(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  const kept: Record<string, string | undefined> = {};
  for (const name of ['authorization', 'x-opaque-id']) if (name in headers) kept[name] = headers[name];
  return kept;
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
    personalize: { user: personalize.user, country: personalize.country, query: personalize.query, language: resolveQueryLanguage(personalize)?.language },
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

/** The first script or query_string key anywhere in a query DSL body, if any. */
export function deniedKey(value: unknown, depth = 0): string | undefined {
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
export function esError(c: Context, status: 400 | 403 | 404 | 503, type: string, reason: string): Response {
  c.header('x-elastic-product', 'Elasticsearch');
  return c.json({ error: { root_cause: [{ type, reason }], type, reason }, status }, status);
}
