import type { estypes } from '@elastic/elasticsearch';
import type { Client } from './client.ts';

export interface ScanOptions {
  /** `_source` filter: false for ids only, a field list, or true for everything. */
  source?: boolean | string[];
  /** Doc values to read (e.g. vectors, which are not in `_source`). */
  docvalueFields?: string[];
  pageSize?: number;
  /** Only the documents this query matches. */
  query?: estypes.QueryDslQueryContainer;
  /** Cancels the scan: the page being read fails, and the point in time is closed. */
  signal?: AbortSignal;
}

/**
 * Every document of an index, once, in a stable order: a point in time paged with `search_after`
 * on `_shard_doc` (what `_reindex` and the scroll API do, without needing either).
 */
export async function* scanIndex<T>(client: Client, index: string, options: ScanOptions = {}): AsyncGenerator<estypes.SearchHit<T>> {
  const signal = options.signal ? { signal: options.signal } : undefined;
  const pit = await client.openPointInTime({ index, keep_alive: '2m' }, signal);
  let id = pit.id;
  let searchAfter: estypes.SortResults | undefined;
  try {
    while (true) {
      const page = await client.search<T>({
        pit: { id, keep_alive: '2m' },
        size: options.pageSize ?? 1_000,
        sort: [{ _shard_doc: 'asc' }],
        _source: options.source ?? true,
        ...(options.docvalueFields ? { docvalue_fields: options.docvalueFields } : {}),
        track_total_hits: false,
        ...(options.query ? { query: options.query } : {}),
        ...(searchAfter ? { search_after: searchAfter } : {}),
      }, signal);
      id = page.pit_id ?? id;
      const hits = page.hits.hits;
      if (hits.length === 0) return;
      yield* hits;
      searchAfter = hits[hits.length - 1]!.sort;
    }
  } finally {
    await client.closePointInTime({ id }).catch(() => {});
  }
}
