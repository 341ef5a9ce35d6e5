import { errors, type estypes, type TransportResult } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import { FEEDBACK_EVENTS_INDEX } from '../../es-mappings/templates.ts';
import { KEYWORD_TIERS, KEYWORD_TIERS_FIELD } from '../../es-mappings/keyword-tiers.ts';
import { scanIndex } from '../../es-mappings/scan.ts';
import { CLIP_BYTES_FIELD, decodeVectorBytes } from '../../es-mappings/vector-bytes.ts';
import type { Candidate, RankedList } from '../../ltr/second-pass.ts';
import type { SearchFilters } from '../pipeline/request-options.ts';

/**
 * One ranked list a request asks for. All the lists of a request go to Elasticsearch in one
 * `msearch`: one round trip instead of one per list (a hybrid search's keyword and kNN lists took
 * 6.5 ms p50 as one msearch against 7.8 ms as two parallel searches, 2,000 photos).
 */
export type ListQuery =
  /** BM25 over keywords (by confidence) and texts: see keywordQuery below. */
  | { kind: 'keyword'; name: string; text: string }
  /** Approximate kNN on the `int8_hnsw` field `field`, filters applied inside the graph search. */
  | { kind: 'knn'; name: string; vector: ArrayLike<number>; field: string; numCandidates: number }
  /** The most downloaded photos, scored by their downloads. */
  | { kind: 'popular'; name: string };

/** Where a read goes, and what cancels it. */
export interface ReadOptions {
  index: string;
  /** Aborted with the request that asked (its time limit passed, or its client went away). */
  signal?: AbortSignal;
}

/** What every list of one request shares. */
export interface ListOptions extends ReadOptions {
  size: number;
  filters?: SearchFilters;
  excludeIds?: readonly string[];
  /**
   * What the caller already holds of each photo (the photo table): the hits then carry their
   * photo_id alone and each candidate's facts come from here; a photo it lacks (indexed since the
   * table last read) is read by id in one more request.
   */
  known?: (id: string) => Candidate | undefined;
}

/** A list's answer: the ranked list for fusion plus what ranking knows of each hit. */
export interface Retrieved {
  list: RankedList;
  candidates: Map<string, Candidate>;
  /** The request body sent, for `explain`. */
  request: Record<string, unknown>;
  /** Elasticsearch's own `took` (ms). */
  took: number;
}

/** What the sidecar holds of a photo: its vector as little-endian float32 bytes, its display fields, what ranking knows of it, when it was indexed (ms since the epoch). */
export interface PhotoRow {
  id: string;
  bytes: Uint8Array;
  source: PhotoSource;
  facts: Candidate;
  indexedAt?: number;
}

/** One thing a user did with a photo, from `feedback-events`. */
export interface Interaction {
  photo_id: string;
  type: string;
  at: number;
}

/**
 * Every read a request makes of Elasticsearch, as plain functions. The sidecar wires them to its
 * client (`elasticReads`); unit tests wire them to in-memory lists, so that fusion, policy, second
 * pass, paging, error answers and time limits are tested without a server, and without anything
 * pretending to be one. Everything above this seam (the caches, the pipeline, the routes) is the
 * code that serves.
 */
export interface ElasticReads {
  /** The lists of one request, in the order asked, in one round trip. */
  lists(queries: readonly ListQuery[], options: ListOptions): Promise<Retrieved[]>;
  /** Texts and URLs of the photos on the served page. */
  texts(ids: readonly string[], options: ReadOptions): Promise<Map<string, PhotoSource>>;
  /** Stored vectors of `field` by photo id; a photo without one is absent. */
  vectors(ids: readonly string[], options: ReadOptions & { field: string }): Promise<Map<string, Float32Array>>;
  /**
   * Every photo's vector (`clip_f32` bytes) and display fields (with `since`, only the photos indexed
   * at or after it, ms since the epoch), for the sidecar's photo table; undefined when an index
   * behind the alias has no `clip_f32` (made before it: its photos are read by id, per request).
   */
  scanPhotos(options: ReadOptions & { since?: number }): Promise<AsyncIterable<PhotoRow> | undefined>;
  /** Whether a photo was indexed after `after` (ms since the epoch): one count that stops at the first. */
  indexedAfter(after: number, options: ReadOptions): Promise<boolean>;
  /** Whether the index holds a photo with this id. */
  exists(id: string, options: ReadOptions): Promise<boolean>;
  /** What a user did with the photos of `options.index`, newest first, at most `options.size`. */
  interactions(user: string, options: ReadOptions & { size: number }): Promise<Interaction[]>;
  /** A search body in Elasticsearch's own DSL (the ES-compatible route), answered as Elasticsearch answers it. */
  forward(body: Record<string, unknown>, options: ReadOptions & { querystring: Record<string, string>; headers?: Record<string, string | undefined> }): Promise<Record<string, unknown>>;
}

/** The reads over an Elasticsearch client. */
export function elasticReads(es: Client): ElasticReads {
  return {
    lists: (queries, options) => searchLists(es, queries, options),
    texts: (ids, options) => displaySources(es, options.index, ids, options.signal),
    vectors: (ids, options) => vectorsById(es, options.index, ids, options.field, options.signal),
    scanPhotos: (options) => scanPhotoRows(es, options),
    indexedAfter: (after, options) => anyIndexedAfter(es, after, options),
    exists: (id, options) => es.exists({ index: options.index, id }, { signal: options.signal }),
    interactions: (user, options) => readInteractions(es, user, options),
    forward: async (body, options) =>
      (await es.transport.request<Record<string, unknown>>({ method: 'POST', path: `/${encodeURIComponent(options.index)}/_search`, body, querystring: options.querystring }, { meta: true, signal: options.signal, headers: options.headers as Record<string, string> | undefined })).body,
  };
}

/** Doc-valued fields each list returns per hit (no stored fields are read: see CANDIDATE_HITS). */
export const CANDIDATE_FIELDS = ['photo_id', 'photographer.username', 'location.country', 'stats.downloads', 'stats.views', 'submitted_at'];

/** What ranking knows of a hit, from its doc values (`hit.fields`); undefined without a photo id. */
export function candidateOf(fields: Record<string, unknown> | undefined): Candidate | undefined {
  const first = <T>(name: string): T | null => ((fields?.[name] as T[] | undefined)?.[0] ?? null);
  const id = first<string>('photo_id');
  if (!id) return undefined;
  return {
    photo_id: id,
    photographer: first<string>('photographer.username'),
    country: first<string>('location.country'),
    downloads: first<number>('stats.downloads'),
    views: first<number>('stats.views'),
    submitted_at: first<string>('submitted_at'),
  };
}

/** A photo document's `_source` as a client's own query may return it (any part may be missing). */
export type SourceFacts = PhotoSource & { stats?: { downloads?: number | null; views?: number | null } | null; submitted_at?: string | null };

/** What ranking knows of a hit a client's own query returned: its `_source` as given (the ES-compatible route). */
export function candidateFromSource(id: string, source: Partial<SourceFacts> | undefined): Candidate {
  return {
    photo_id: id,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    downloads: source?.stats?.downloads ?? null,
    views: source?.stats?.views ?? null,
    submitted_at: source?.submitted_at ?? null,
  };
}

/** The part of a photo document shown to people, read for the served page only. */
export interface PhotoSource {
  photo_id: string;
  url?: string | null;
  image_url?: string | null;
  description?: string | null;
  ai_description?: string | null;
  orientation?: string | null;
  photographer?: { username?: string | null } | null;
  location?: { country?: string | null } | null;
  colors?: Array<{ name?: string | null }> | null;
}

export const DISPLAY_FIELDS = ['photo_id', 'url', 'image_url', 'description', 'ai_description', 'orientation', 'photographer.username', 'location.country', 'colors.name'];

/**
 * Hits carry doc values only (`stored_fields: _none_`): reading stored fields decompresses a block
 * per hit, which cost more than the search itself for 100 candidates (the page's texts for 200
 * hits from `_source` added 9 ms to a 6.5 ms msearch; read for the 10 served, 2.3 ms). When the
 * caller holds the photos' facts, only the photo_id: at 100,000 photos, a hybrid msearch of 100 hits
 * a list took 7.4–7.5 ms instead of 8.5–8.7 (p50, 600 in a row), 8.8–9.0 ms of Elasticsearch's CPU
 * instead of 9.7–10.0, and its answer shrank from 56 to 24 kB.
 */
const CANDIDATE_HITS = { stored_fields: ['_none_'], docvalue_fields: CANDIDATE_FIELDS, track_total_hits: false } satisfies Partial<estypes.SearchRequest>;
const ID_HITS = { stored_fields: ['_none_'], docvalue_fields: ['photo_id'], track_total_hits: false } satisfies Partial<estypes.SearchRequest>;

/**
 * The search body of one list: what `/search` sends, and what a benchmark times directly. With
 * `idsOnly` its hits carry their photo_id alone (the sidecar holds the rest: `ListOptions.known`).
 */
export function listRequest(query: ListQuery, options: Omit<ListOptions, 'index' | 'signal' | 'known'> & { idsOnly?: boolean }, layout: KeywordLayout = 'tiers'): estypes.SearchRequest {
  const filter = filterClauses(options.filters, options.excludeIds);
  const hits = options.idsOnly ? ID_HITS : CANDIDATE_HITS;
  switch (query.kind) {
    case 'keyword':
      return { size: options.size, query: { bool: { must: [keywordQuery(query.text, { layout })], filter } }, ...hits };
    case 'knn':
      return {
        size: options.size,
        knn: { field: query.field, query_vector: Array.from(query.vector), k: options.size, num_candidates: Math.max(query.numCandidates, options.size), filter },
        ...hits,
      };
    case 'popular':
      return { size: options.size, query: { bool: { filter } }, sort: [{ 'stats.downloads': { order: 'desc', missing: '_last' } }, { photo_id: 'asc' }], ...hits };
  }
}

async function searchLists(es: Client, queries: readonly ListQuery[], options: ListOptions): Promise<Retrieved[]> {
  if (queries.length === 0) return [];
  const layout = queries.some((q) => q.kind === 'keyword') ? await keywordLayoutOf(es, options.index, Date.now(), options.signal) : 'tiers';
  const known = options.known;
  const bodies = queries.map((query) => listRequest(query, { ...options, idsOnly: known !== undefined }, layout));
  // Named clauses' scores are an msearch parameter, not a body key; only the keyword query names any.
  const response = await es.msearch({ index: options.index, include_named_queries_score: true, searches: bodies.flatMap((body) => [{}, body]) }, { meta: true, signal: options.signal });
  const unknown = new Map<string, Candidate[]>();
  const retrieved = response.body.responses.map((item, i) => {
    // msearch answers 200 with an error per failed search: raised as the client raises a failed search.
    if ('error' in item) throw failedSearch(response, item);
    return retrievedOf(queries[i]!, bodies[i]!, item, known, unknown);
  });
  if (unknown.size > 0) {
    // Photos the caller does not hold yet: their facts by id, into the candidates waiting for them.
    const hits = await docValuesById(es, options.index, [...unknown.keys()], CANDIDATE_FIELDS, options.signal);
    for (const hit of hits) {
      const facts = candidateOf(hit.fields);
      if (facts) for (const candidate of unknown.get(facts.photo_id) ?? []) copyFacts(facts, candidate);
    }
  }
  return retrieved;
}

/** `from`'s facts written into `to` field by field (a spread cost microseconds a hit): `to` keeps its clauses. */
function copyFacts(from: Candidate, to: Candidate): Candidate {
  to.photographer = from.photographer;
  to.country = from.country;
  to.downloads = from.downloads;
  to.views = from.views;
  to.submitted_at = from.submitted_at;
  return to;
}

/** A candidate that knows only its id, until `copyFacts` fills it. */
function bareCandidate(id: string): Candidate {
  return { photo_id: id, photographer: null, country: null, downloads: null, views: null, submitted_at: null };
}

function failedSearch(response: TransportResult<estypes.MsearchResponse>, item: estypes.ErrorResponseBase): errors.ResponseError {
  return new errors.ResponseError({ ...response, body: { error: item.error, status: item.status }, statusCode: item.status });
}

/** A list's hits and candidates; with `known`, a photo it lacks goes into `unknown`, its candidate bare until its facts are read. */
function retrievedOf(query: ListQuery, body: estypes.SearchRequest, response: estypes.MsearchMultiSearchItem, known: ListOptions['known'], unknown: Map<string, Candidate[]>): Retrieved {
  const candidates = new Map<string, Candidate>();
  const hits: RankedList['hits'] = [];
  for (const hit of response.hits.hits) {
    let candidate: Candidate | undefined;
    if (known) {
      const id = (hit.fields?.photo_id as string[] | undefined)?.[0];
      if (!id) continue;
      const facts = known(id);
      candidate = facts ? copyFacts(facts, bareCandidate(id)) : bareCandidate(id);
      if (!facts) unknown.set(id, [...(unknown.get(id) ?? []), candidate]);
    } else candidate = candidateOf(hit.fields);
    if (!candidate) continue;
    if (hit.matched_queries && !Array.isArray(hit.matched_queries)) candidate.clauses = hit.matched_queries;
    candidates.set(candidate.photo_id, candidate);
    // Sorted hits have no _score: the popular list's score is the download count.
    hits.push({ id: candidate.photo_id, score: query.kind === 'popular' ? (candidate.downloads ?? 0) : (hit._score ?? 0) });
  }
  const request: Record<string, unknown> = { ...body };
  if (body.knn && !Array.isArray(body.knn)) request.knn = { ...body.knn, query_vector: [`<${(body.knn.query_vector ?? []).length} floats>`] };
  return { list: { name: query.name, hits }, candidates, request, took: response.took };
}

/** Texts and URLs of the photos on the served page, in one request. */
async function displaySources(es: Client, index: string, ids: readonly string[], signal?: AbortSignal): Promise<Map<string, PhotoSource>> {
  const sources = new Map<string, PhotoSource>();
  if (ids.length === 0) return sources;
  const response = await es.search<PhotoSource>({ index, size: ids.length, query: { ids: { values: [...ids] } }, _source: DISPLAY_FIELDS, track_total_hits: false }, { signal });
  for (const hit of response.hits.hits) if (hit._source && hit._id) sources.set(hit._id, hit._source);
  return sources;
}

/**
 * Stored vectors of photos by id, from doc values: no stored field is read (not even `_id`: the
 * photo id comes from its doc value). CLIP vectors come from their bytes (`clip_f32`) when the index
 * has them: a `dense_vector`'s doc values come back as decimal JSON that Elasticsearch formats float
 * by float (200 vectors of 512 dims: ~1 MB of text). A photo without bytes (an index made before
 * them, a document written by an older ingest) is read from the `dense_vector` itself.
 */
export async function vectorsById(es: Client, index: string, ids: readonly string[], field = 'clip', signal?: AbortSignal): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  if (ids.length === 0) return found;
  const bytes = field === 'clip' && (await indexLayoutOf(es, index, Date.now(), signal)).clipBytes;
  if (bytes) {
    for (const hit of await docValuesById(es, index, ids, ['photo_id', CLIP_BYTES_FIELD], signal)) {
      const id = (hit.fields?.photo_id as string[] | undefined)?.[0];
      const value = (hit.fields?.[CLIP_BYTES_FIELD] as string[] | undefined)?.[0];
      const vector = value ? decodeVectorBytes(value) : undefined;
      if (id && vector) found.set(id, vector);
    }
    if (found.size === ids.length) return found;
  }
  const rest = bytes ? ids.filter((id) => !found.has(id)) : ids;
  for (const hit of await docValuesById(es, index, rest, ['photo_id', field], signal)) {
    const id = (hit.fields?.photo_id as string[] | undefined)?.[0];
    const vector = docValueVector(hit.fields, field);
    if (id && vector) found.set(id, Float32Array.from(vector));
  }
  return found;
}

async function scanPhotoRows(es: Client, options: ReadOptions & { since?: number }): Promise<AsyncIterable<PhotoRow> | undefined> {
  if (!(await indexLayoutOf(es, options.index, Date.now(), options.signal)).clipBytes) return undefined;
  const hits = scanIndex<PhotoSource>(es, options.index, {
    source: DISPLAY_FIELDS,
    docvalueFields: [...CANDIDATE_FIELDS, CLIP_BYTES_FIELD, 'indexed_at'],
    pageSize: 2_000,
    signal: options.signal,
    ...(options.since !== undefined ? { query: { range: { indexed_at: { gte: options.since, format: 'epoch_millis' } } } } : {}),
  });
  return (async function* () {
    for await (const hit of hits) {
      // Its facts carry its photo_id: no facts, no photo_id.
      const facts = candidateOf(hit.fields);
      const value = (hit.fields?.[CLIP_BYTES_FIELD] as string[] | undefined)?.[0];
      const at = (hit.fields?.indexed_at as string[] | undefined)?.[0];
      if (facts && value && hit._source) yield { id: facts.photo_id, bytes: Buffer.from(value, 'base64'), source: hit._source, facts, ...(at ? { indexedAt: Date.parse(at) } : {}) };
    }
  })();
}

async function anyIndexedAfter(es: Client, after: number, options: ReadOptions): Promise<boolean> {
  const response = await es.search({ index: options.index, size: 0, track_total_hits: 1, terminate_after: 1, query: { range: { indexed_at: { gt: after, format: 'epoch_millis' } } } }, { signal: options.signal });
  const total = response.hits.total;
  return (typeof total === 'number' ? total : (total?.value ?? 0)) > 0;
}

async function docValuesById(es: Client, index: string, ids: readonly string[], fields: readonly string[], signal?: AbortSignal) {
  const response = await es.search({ index, size: ids.length, query: { ids: { values: [...ids] } }, stored_fields: ['_none_'], docvalue_fields: [...fields], track_total_hits: false }, { signal });
  return response.hits.hits;
}

/** A dense_vector from `docvalue_fields` comes as `[[x, y, …]]`. */
function docValueVector(fields: Record<string, unknown> | undefined, field: string): number[] | undefined {
  const value = fields?.[field] as number[][] | number[] | undefined;
  if (!value || value.length === 0) return undefined;
  return Array.isArray(value[0]) ? (value[0] as number[]) : (value as number[]);
}

/** A user's feedback events on the photos of `options.index` (`feedback-events`), newest first. */
async function readInteractions(es: Client, user: string, options: ReadOptions & { size: number }): Promise<Interaction[]> {
  const response = await es.search<{ photo_id: string; type: string; '@timestamp': string }>(
    {
      index: FEEDBACK_EVENTS_INDEX,
      size: options.size,
      // Events are kept per photos alias: the same user id in another dataset is someone else.
      query: { bool: { filter: [{ term: { user } }, { term: { index: options.index } }] } },
      sort: [{ '@timestamp': { order: 'desc' } }],
      _source: ['photo_id', 'type', '@timestamp'],
      ignore_unavailable: true,
    },
    { signal: options.signal },
  );
  return response.hits.hits.flatMap((hit) => (hit._source ? [{ photo_id: hit._source.photo_id, type: hit._source.type, at: Date.parse(hit._source['@timestamp']) }] : []));
}

/**
 * The lists of a text query: BM25 unless the mode is clip, and kNN with the query's CLIP vector
 * when there is one and the mode is not keyword. /search and the training replay both ask for these.
 */
export function textLists(text: string, vector: Float32Array | undefined, mode: 'keyword' | 'clip' | 'hybrid', numCandidates: number): ListQuery[] {
  const lists: ListQuery[] = [];
  if (mode !== 'clip') lists.push({ kind: 'keyword', name: 'keyword', text });
  if (vector && mode !== 'keyword') lists.push({ kind: 'knn', name: 'clip', vector, field: 'clip', numCandidates });
  return lists;
}

const FIELD_OF: Record<keyof SearchFilters, string> = {
  country: 'location.country',
  orientation: 'orientation',
  color: 'colors.name',
  photographer: 'photographer.username',
};

/**
 * Filters as Elasticsearch filter clauses (exact `term`/`terms` on keyword fields: no scoring, cached
 * by the node). The same clauses go into the `bool.filter` of a keyword query and the `filter` of a
 * kNN search, so both lists obey them before ranking, not after.
 */
export function filterClauses(filters: SearchFilters | undefined, excludeIds: readonly string[] = []): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  for (const [name, field] of Object.entries(FIELD_OF) as Array<[keyof SearchFilters, string]>) {
    const value = filters?.[name];
    if (value === undefined) continue;
    clauses.push(Array.isArray(value) ? { terms: { [field]: value } } : { term: { [field]: value } });
  }
  if (excludeIds.length > 0) clauses.push({ bool: { must_not: [{ ids: { values: [...excludeIds] } }] } });
  return clauses;
}

/**
 * How the index holds keyword confidences: `tiers`, flat text fields per confidence tier (the
 * current template), or only the `nested` keywords (an index made before the tiers, until it is
 * reindexed).
 */
export type KeywordLayout = 'tiers' | 'nested';

/** What the index behind an alias maps, where the current template and an older one differ. */
export interface IndexLayout {
  keywords: KeywordLayout;
  /** Whether every index maps `clip_f32`, the vectors as bytes (es-mappings/vector-bytes.ts). */
  clipBytes: boolean;
}

/** How long a layout is trusted: a reindex swapping the alias to a current index is seen this soon. */
const TTL_MS = 30_000;

const known = new WeakMap<Client, Map<string, { layout: IndexLayout; at: number }>>();

/**
 * The layout of the indices behind `index` (an alias): an index made before a field keeps working,
 * with the slower query or read, until it is reindexed. Read from the mapping here, once per TTL per
 * client and index: one request in 30 s pays the read, the others none. Requests missing it at the
 * same time each read it with their own `signal`, so one request's abort cannot fail another's.
 */
export async function indexLayoutOf(es: Client, index: string, now = Date.now(), signal?: AbortSignal): Promise<IndexLayout> {
  let byIndex = known.get(es);
  if (!byIndex) known.set(es, (byIndex = new Map()));
  const cached = byIndex.get(index);
  if (cached && now - cached.at < TTL_MS) return cached.layout;
  const mappings = Object.values(await es.indices.getMapping({ index }, { signal }));
  const mapsAll = (field: string): boolean => mappings.length > 0 && mappings.every((m) => m.mappings.properties?.[field] !== undefined);
  const layout: IndexLayout = { keywords: mapsAll(KEYWORD_TIERS_FIELD) ? 'tiers' : 'nested', clipBytes: mapsAll(CLIP_BYTES_FIELD) };
  byIndex.set(index, { layout, at: now });
  return layout;
}

/** `tiers` when every index behind `index` maps the keyword tier fields, else `nested`. */
export async function keywordLayoutOf(es: Client, index: string, now = Date.now(), signal?: AbortSignal): Promise<KeywordLayout> {
  return (await indexLayoutOf(es, index, now, signal)).keywords;
}

export interface KeywordQueryOptions {
  /** Weight of the keyword part (keywords scored by confidence) against the free-text part. */
  keywordBoost?: number;
  layout?: KeywordLayout;
}

/**
 * BM25 over the photo's keywords, each match weighted by that keyword's confidence, plus BM25 over
 * descriptions, AI description, location and collections.
 * With `tiers`, the confidence is its tier's weight (es-mappings/keyword-tiers.ts): a `bool` of
 * boosted `match`es that Elasticsearch can answer with block-max WAND. With `nested`, the exact
 * confidence via `function_score` + `field_value_factor` on each nested keyword — several times
 * slower, since every matching keyword of every photo is scored (`rank_features` would do it
 * exactly and fast, but the integ-test distribution has no mapper-extras).
 * User text only ever goes into `match`-family queries: never `query_string`, never a script.
 * The two clauses are named (`keywords`, `texts`) so that, with `include_named_queries_score`, each
 * hit says what each part scored: the second pass reads them as separate features.
 */
export function keywordQuery(text: string, options: KeywordQueryOptions = {}): estypes.QueryDslQueryContainer {
  const boost = options.keywordBoost ?? 2;
  return {
    bool: {
      should: [
        options.layout === 'nested' ? nestedKeywords(text, boost) : tieredKeywords(text, boost),
        {
          multi_match: {
            _name: 'texts',
            query: text,
            type: 'best_fields',
            fields: ['description', 'ai_description', 'location.name^0.5', 'collections.title^0.5'],
          },
        },
      ],
      minimum_should_match: 1,
    },
  };
}

function tieredKeywords(text: string, boost: number): estypes.QueryDslQueryContainer {
  return {
    bool: {
      _name: 'keywords',
      should: KEYWORD_TIERS.map((tier) => ({ match: { [`${KEYWORD_TIERS_FIELD}.${tier.field}`]: { query: text, boost: boost * tier.weight } } })),
    },
  };
}

function nestedKeywords(text: string, boost: number): estypes.QueryDslQueryContainer {
  return {
    nested: {
      _name: 'keywords',
      path: 'keywords',
      score_mode: 'sum',
      boost,
      query: {
        function_score: {
          query: { match: { 'keywords.keyword.text': { query: text } } },
          functions: [{ field_value_factor: { field: 'keywords.confidence', missing: 0.5 } }],
          boost_mode: 'multiply',
        },
      },
    },
  };
}
