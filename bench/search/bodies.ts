import type { Cluster } from '../../es-mappings/provision.ts';
import { candidateWindow } from '../../sidecar/pipeline/pipeline.ts';
import { DEFAULT_RANKING } from '../../sidecar/pipeline/request-options.ts';
import { listRequest, textLists } from '../../sidecar/retrieval/elastic-reads.ts';

/** One HTTP request to Elasticsearch as the client would put it on the wire. */
export interface WireRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  body: string;
  contentType: string;
}

/**
 * The sidecar's own request bodies, built by its own code: `textLists` picks the lists of a text
 * query and `listRequest` builds each body exactly as `/search` puts it into its `_msearch` (the
 * candidate window of a `k: 10` page, `num_candidates` = window × numCandidatesFactor, the keyword
 * tiers layout of a new index, hits carrying their photo_id alone as with a loaded photo table). The keyword and kNN rows send one body each to `_search`; the
 * msearch row sends both in one `_msearch`, as `/search` does (with `include_named_queries_score`,
 * the flag the keyword query's named clauses need, on its URL).
 */
export async function sidecarRequests(_cluster: Cluster, index: string): Promise<{ keyword(text: string): Promise<WireRequest>; knn(vector: Float32Array): Promise<WireRequest>; msearch(keyword: WireRequest, knn: WireRequest): WireRequest; close(): Promise<void> }> {
  const size = candidateWindow(1, 10, DEFAULT_RANKING.candidates);
  const numCandidates = size * DEFAULT_RANKING.numCandidatesFactor;
  const body = (text: string, vector: Float32Array | undefined, mode: 'keyword' | 'clip'): string => {
    const [query] = textLists(text, vector, mode, numCandidates);
    // The sidecar's lists ask for ids alone once its photo table holds every photo (the bench waits for that).
    return JSON.stringify(listRequest(query!, { size, idsOnly: true }));
  };
  const search = (json: string, named: boolean): WireRequest => ({ method: 'POST', path: `/${index}/_search${named ? '?include_named_queries_score=true' : ''}`, body: json, contentType: 'application/json' });
  return {
    keyword: async (text) => search(body(text, undefined, 'keyword'), true),
    knn: async (vector) => search(body('', vector, 'clip'), false),
    msearch(keyword, knn) {
      const header = JSON.stringify({});
      return { method: 'POST', path: `/${index}/_msearch?include_named_queries_score=true`, body: `${header}\n${keyword.body}\n${header}\n${knn.body}\n`, contentType: 'application/x-ndjson' };
    },
    close: async () => {},
  };
}
