import type { Client } from '../es-mappings/client.ts';
import { readInteractions, type Interaction } from './profiles/read-interactions.ts';
import type { PhotoSource } from './search/photo-fields.ts';
import { displaySources, retrieveByKeywords, retrieveByVector, retrievePopular, type KnnOptions, type RetrieveOptions, type Retrieved } from './search/retrieve.ts';
import { vectorsById } from './search/vectors-by-id.ts';

/** Where a read goes, and what cancels it. */
export interface ReadOptions {
  index: string;
  /** Aborted with the request that asked (its time limit passed, or its client went away). */
  signal?: AbortSignal;
}

/**
 * Every read a request makes of Elasticsearch, as plain functions. The sidecar wires them to its
 * client (`elasticReads`); unit tests wire them to in-memory lists, so that fusion, policy, second
 * pass, paging, error answers and time limits are tested without a server, and without anything
 * pretending to be one. Everything above this seam (the vector and profile caches, the ranking
 * stages, the routes) is the code that serves.
 */
export interface ElasticReads {
  /** BM25 over keywords (by confidence) and texts: the `keyword` list. */
  keyword(text: string, options: RetrieveOptions): Promise<Retrieved>;
  /** Approximate kNN on `options.field` (default `clip`): a list named `name` (default `clip`). */
  knn(vector: ArrayLike<number>, options: KnnOptions, name?: string): Promise<Retrieved>;
  /** The most downloaded photos: the `popular` list, scored by downloads. */
  popular(options: RetrieveOptions): Promise<Retrieved>;
  /** Texts and URLs of the photos on the served page. */
  texts(ids: readonly string[], options: ReadOptions): Promise<Map<string, PhotoSource>>;
  /** Stored vectors of `field` by photo id; a photo without one is absent. */
  vectors(ids: readonly string[], options: ReadOptions & { field: string }): Promise<Map<string, Float32Array>>;
  /** Whether the index holds a photo with this id. */
  exists(id: string, options: ReadOptions): Promise<boolean>;
  /** What a user did with the photos of `options.index`, newest first, at most `options.size`. */
  interactions(user: string, options: ReadOptions & { size: number }): Promise<Interaction[]>;
}

/** The reads over an Elasticsearch client: the queries of search/retrieve.ts and friends. */
export function elasticReads(es: Client): ElasticReads {
  return {
    keyword: (text, options) => retrieveByKeywords(es, text, options),
    knn: (vector, options, name) => retrieveByVector(es, vector, options, name),
    popular: (options) => retrievePopular(es, options),
    texts: (ids, options) => displaySources(es, options.index, ids, options.signal),
    vectors: (ids, options) => vectorsById(es, options.index, ids, options.field, options.signal),
    exists: (id, options) => es.exists({ index: options.index, id }, { signal: options.signal }),
    interactions: (user, options) => readInteractions(es, user, options),
  };
}
