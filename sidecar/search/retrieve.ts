import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import type { RankedList } from '../fusion/ranked-list.ts';
import { keywordQuery } from '../retrieval/keyword-query.ts';
import { filterClauses, type SearchFilters } from './filters.ts';
import { DISPLAY_FIELDS, type PhotoSource } from './photo-fields.ts';
import { docValueVector } from './vectors-by-id.ts';

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
    ...hitFields(options.withVectors),
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
    ...hitFields(options.withVectors),
  };
  return run(es, 'clip', options, body);
}

/** What each hit returns: the display fields, and the CLIP vector (from doc values: it is not in `_source`) when asked. */
export function hitFields(withVectors: boolean): Pick<estypes.SearchRequest, '_source' | 'docvalue_fields' | 'track_total_hits'> {
  return { _source: DISPLAY_FIELDS, ...(withVectors ? { docvalue_fields: ['clip'] } : {}), track_total_hits: false };
}

/** A hit's source with its CLIP vector put back from the doc values. */
export function hitSource(hit: estypes.SearchHit<PhotoSource>): PhotoSource | undefined {
  if (!hit._source) return undefined;
  const clip = docValueVector(hit.fields);
  return clip ? { ...hit._source, clip } : hit._source;
}

async function run(es: Client, name: string, options: RetrieveOptions, body: estypes.SearchRequest): Promise<Retrieved> {
  const response = await es.search<PhotoSource>({ index: options.index, ...body }, { signal: options.signal });
  const sources = new Map<string, PhotoSource>();
  const hits: RankedList['hits'] = [];
  for (const hit of response.hits.hits) {
    const source = hitSource(hit);
    if (!source || hit._id === undefined) continue;
    sources.set(hit._id, source);
    hits.push({ id: hit._id, score: hit._score ?? 0 });
  }
  const request = { ...body };
  if (request.knn && !Array.isArray(request.knn)) request.knn = { ...request.knn, query_vector: [`<${(request.knn.query_vector ?? []).length} floats>`] as unknown as number[] };
  return { list: { name, hits }, sources, request, took: response.took };
}
