import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import type { ElasticReads } from '../elastic-reads.ts';
import type { RankedList } from '../fusion/ranked-list.ts';
import { keywordLayoutOf } from '../retrieval/keyword-layout.ts';
import { keywordQuery } from '../retrieval/keyword-query.ts';
import { filterClauses, type SearchFilters } from './filters.ts';
import type { Candidate } from '../../ltr/second-pass.ts';
import { CANDIDATE_FIELDS, candidateOf, DISPLAY_FIELDS, type PhotoSource } from './photo-fields.ts';

/** A retriever's answer: the ranked list for fusion plus what ranking needs of each hit. */
export interface Retrieved {
  list: RankedList;
  candidates: Map<string, Candidate>;
  /** The request body sent, for `explain`. */
  request: Record<string, unknown>;
  /** Elasticsearch's own `took` (ms). */
  took: number;
}

export interface RetrieveOptions {
  index: string;
  size: number;
  filters?: SearchFilters;
  excludeIds?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Hits carry doc values only (`stored_fields: _none_`): reading stored fields decompresses a block
 * per hit, which cost more than the search itself for 100 candidates. Texts and URLs are read
 * afterwards for the one page served (see `displaySources`).
 */
const CANDIDATE_HITS = { stored_fields: ['_none_'], docvalue_fields: CANDIDATE_FIELDS, track_total_hits: false } satisfies Partial<estypes.SearchRequest>;

/** BM25 over keywords (by confidence) and texts, in the index's keyword layout; see keyword-query.ts. */
export async function retrieveByKeywords(es: Client, text: string, options: RetrieveOptions): Promise<Retrieved> {
  const layout = await keywordLayoutOf(es, options.index, Date.now(), options.signal);
  const body: estypes.SearchRequest = {
    size: options.size,
    query: { bool: { must: [keywordQuery(text, { layout })], filter: filterClauses(options.filters, options.excludeIds) } },
    include_named_queries_score: true,
    ...CANDIDATE_HITS,
  };
  return run(es, 'keyword', options, body);
}

export interface KnnOptions extends RetrieveOptions {
  /** Candidates per shard the HNSW search visits; more is slower and closer to exact. */
  numCandidates: number;
  field?: string;
}

/** Approximate kNN on the `int8_hnsw` field, filters applied inside the graph search. */
export async function retrieveByVector(es: Client, vector: ArrayLike<number>, options: KnnOptions, name = 'clip'): Promise<Retrieved> {
  const body: estypes.SearchRequest = {
    size: options.size,
    knn: {
      field: options.field ?? 'clip',
      query_vector: Array.from(vector),
      k: options.size,
      num_candidates: Math.max(options.numCandidates, options.size),
      filter: filterClauses(options.filters, options.excludeIds),
    },
    ...CANDIDATE_HITS,
  };
  return run(es, name, options, body);
}

/**
 * The lists for one query text, in parallel: BM25 (unless `mode` is clip) and kNN with the query's
 * CLIP vector (when there is one). /search and the training replay both retrieve through this.
 */
export function retrieveText(reads: Pick<ElasticReads, 'keyword' | 'knn'>, text: string, queryVector: Float32Array | undefined, options: KnnOptions & { mode: 'keyword' | 'clip' | 'hybrid' }): Promise<Retrieved[]> {
  const { mode, ...rest } = options;
  return Promise.all([...(mode !== 'clip' ? [reads.keyword(text, rest)] : []), ...(queryVector && mode !== 'keyword' ? [reads.knn(queryVector, rest)] : [])]);
}

/** The most downloaded photos (for users without a profile). */
export async function retrievePopular(es: Client, options: RetrieveOptions): Promise<Retrieved> {
  const body: estypes.SearchRequest = {
    size: options.size,
    query: { bool: { filter: filterClauses(options.filters, options.excludeIds) } },
    sort: [{ 'stats.downloads': { order: 'desc', missing: '_last' } }, { photo_id: 'asc' }],
    ...CANDIDATE_HITS,
  };
  const retrieved = await run(es, 'popular', options, body);
  // Sorted hits have no _score: the list's score is the download count.
  retrieved.list.hits = retrieved.list.hits.map((hit) => ({ id: hit.id, score: retrieved.candidates.get(hit.id)?.downloads ?? 0 }));
  return retrieved;
}

async function run(es: Client, name: string, options: RetrieveOptions, body: estypes.SearchRequest): Promise<Retrieved> {
  const response = await es.search({ index: options.index, ...body }, { signal: options.signal });
  const candidates = new Map<string, Candidate>();
  const hits: RankedList['hits'] = [];
  for (const hit of response.hits.hits) {
    const candidate = candidateOf(hit.fields);
    if (!candidate) continue;
    if (hit.matched_queries && !Array.isArray(hit.matched_queries)) candidate.clauses = hit.matched_queries;
    candidates.set(candidate.photo_id, candidate);
    hits.push({ id: candidate.photo_id, score: hit._score ?? 0 });
  }
  const request = { ...body };
  if (request.knn && !Array.isArray(request.knn)) request.knn = { ...request.knn, query_vector: [`<${(request.knn.query_vector ?? []).length} floats>`] as unknown as number[] };
  return { list: { name, hits }, candidates, request, took: response.took };
}

/** Texts and URLs of the photos on the served page, in one request. */
export async function displaySources(es: Client, index: string, ids: readonly string[], signal?: AbortSignal): Promise<Map<string, PhotoSource>> {
  const sources = new Map<string, PhotoSource>();
  if (ids.length === 0) return sources;
  const response = await es.search<PhotoSource>({ index, size: ids.length, query: { ids: { values: [...ids] } }, _source: DISPLAY_FIELDS, track_total_hits: false }, { signal });
  for (const hit of response.hits.hits) if (hit._source && hit._id) sources.set(hit._id, hit._source);
  return sources;
}

/** The candidates of several retrievers in one map; a photo found by more than one keeps the keyword clauses. */
export function mergeCandidates(retrieved: readonly Retrieved[]): Map<string, Candidate> {
  const merged = new Map<string, Candidate>();
  for (const r of retrieved) {
    for (const [id, candidate] of r.candidates) {
      const known = merged.get(id);
      merged.set(id, known?.clauses && !candidate.clauses ? { ...candidate, clauses: known.clauses } : candidate);
    }
  }
  return merged;
}
