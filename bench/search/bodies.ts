import type { Cluster } from '../../es-mappings/provision.ts';
import { elasticReads } from '../../sidecar/elastic-reads.ts';
import { candidateWindow } from '../../sidecar/search/present.ts';
import { DEFAULT_RANKING } from '../../sidecar/search/ranking-options.ts';

/** One HTTP request to Elasticsearch as the client would put it on the wire. */
export interface WireRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  body: string;
  contentType: string;
}

interface TransportParams {
  method: string;
  path: string;
  querystring?: Record<string, unknown>;
  body?: unknown;
}

function withQuery(path: string, querystring: Record<string, unknown> | undefined): string {
  const entries = Object.entries(querystring ?? {}).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/**
 * The sidecar's own request bodies, captured on the wire: the bench calls the sidecar's read
 * functions (`elasticReads` → `retrieveByKeywords` / `retrieveByVector` in
 * sidecar/search/retrieve.ts, with the keyword layout they look up, the candidate window of a
 * `k: 10` page and `num_candidates` = window × numCandidatesFactor as `/search` passes them) over a
 * client whose transport records each `_search` instead of sending it (every other call, such as
 * the mapping lookup of the keyword layout, goes to Elasticsearch). So the bodies are the sidecar's,
 * built by its code, not copies: the kNN body has no exported builder, and needs none here.
 * The `msearch` row puts the two captured searches into one `_msearch` (a `{"index"}` header before
 * each; the keyword search's query-string flags, `include_named_queries_score`, on the `_msearch` URL).
 */
export async function sidecarRequests(cluster: Cluster, index: string): Promise<{ keyword(text: string): Promise<WireRequest>; knn(vector: Float32Array): Promise<WireRequest>; msearch(keyword: WireRequest, knn: WireRequest): WireRequest; close(): Promise<void> }> {
  const recorder = cluster.newClient();
  const transport = recorder.transport as unknown as { request(params: TransportParams, options?: unknown): Promise<unknown> };
  const send = transport.request.bind(transport);
  let captured: TransportParams | undefined;
  transport.request = async (params: TransportParams, options?: unknown) => {
    if (params.path.endsWith('/_search')) {
      captured = params;
      return { took: 0, timed_out: false, hits: { hits: [] } };
    }
    return send(params, options);
  };
  const reads = elasticReads(recorder);
  const size = candidateWindow(1, 10, DEFAULT_RANKING.candidates);
  const options = { index, size, numCandidates: size * DEFAULT_RANKING.numCandidatesFactor };
  const take = (): WireRequest & { params: TransportParams } => {
    const params = captured;
    captured = undefined;
    if (!params) throw new Error('bench search: the sidecar read sent no _search');
    return { method: params.method, path: withQuery(params.path, params.querystring), body: JSON.stringify(params.body), contentType: 'application/json', params };
  };
  const queryOf = new WeakMap<WireRequest, Record<string, unknown>>();
  const wire = (r: WireRequest & { params: TransportParams }): WireRequest => {
    const out = { method: r.method, path: r.path, body: r.body, contentType: r.contentType };
    queryOf.set(out, r.params.querystring ?? {});
    return out;
  };
  return {
    async keyword(text) {
      await reads.keyword(text, options);
      return wire(take());
    },
    async knn(vector) {
      await reads.knn(vector, options);
      return wire(take());
    },
    msearch(keyword, knn) {
      const header = JSON.stringify({ index });
      return {
        method: 'POST',
        path: withQuery('/_msearch', { ...queryOf.get(keyword), ...queryOf.get(knn) }),
        body: `${header}\n${keyword.body}\n${header}\n${knn.body}\n`,
        contentType: 'application/x-ndjson',
      };
    },
    close: () => recorder.close(),
  };
}
