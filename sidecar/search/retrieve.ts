import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import type { RankedList } from '../fusion/ranked-list.ts';
import { keywordQuery } from '../retrieval/keyword-query.ts';
import { filterClauses, type SearchFilters } from './filters.ts';
import { sourceFields, type PhotoSource } from './photo-fields.ts';

/** A retriever's answer: the ranked list for fusion plus the documents it returned. */
export interface Retrieved {
  list: RankedList;
  sources: Map<string, PhotoSource>;
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
  withVectors: boolean;
  signal?: AbortSignal;
}

/** BM25 over keywords (by confidence) and texts; see keyword-query.ts. */
export async function retrieveByKeywords(es: Client, text: string, options: RetrieveOptions): Promise<Retrieved> {
  const body: estypes.SearchRequest = {
    size: options.size,
    query: { bool: { must: [keywordQuery(text)], filter: filterClauses(options.filters, options.excludeIds) } },
    _source: sourceFields(options.withVectors),
    track_total_hits: false,
  };
  return run(es, 'keyword', options, body);
}

export interface KnnOptions extends RetrieveOptions {
  /** Candidates per shard the HNSW search visits; more is slower and closer to exact. */
  numCandidates: number;
  field?: string;
}

/** Approximate kNN on the `int8_hnsw` field, filters applied inside the graph search. */
export async function retrieveByVector(es: Client, vector: ArrayLike<number>, options: KnnOptions): Promise<Retrieved> {
  const body: estypes.SearchRequest = {
    size: options.size,
    knn: {
      field: options.field ?? 'clip',
      query_vector: Array.from(vector),
      k: options.size,
      num_candidates: Math.max(options.numCandidates, options.size),
      filter: filterClauses(options.filters, options.excludeIds),
    },
    _source: sourceFields(options.withVectors),
    track_total_hits: false,
  };
  return run(es, 'clip', options, body);
}

async function run(es: Client, name: string, options: RetrieveOptions, body: estypes.SearchRequest): Promise<Retrieved> {
  const response = await es.search<PhotoSource>({ index: options.index, ...body }, { signal: options.signal });
  const sources = new Map<string, PhotoSource>();
  const hits: RankedList['hits'] = [];
  for (const hit of response.hits.hits) {
    if (!hit._source || hit._id === undefined) continue;
    sources.set(hit._id, hit._source);
    hits.push({ id: hit._id, score: hit._score ?? 0 });
  }
  const request = { ...body };
  if (request.knn && !Array.isArray(request.knn)) request.knn = { ...request.knn, query_vector: [`<${(request.knn.query_vector ?? []).length} floats>`] as unknown as number[] };
  return { list: { name, hits }, sources, request, took: response.took };
}
