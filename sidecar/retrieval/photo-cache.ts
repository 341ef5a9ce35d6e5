import { LRUCache } from 'lru-cache';
import type { ElasticReads, PhotoSource } from './elastic-reads.ts';
import type { PhotoTable } from './photo-table.ts';

export interface PhotoCacheOptions {
  /** Photos kept in memory (a 512-float vector is 2 KiB). */
  maxEntries?: number;
  /** How long a cached value is trusted; a re-ingested photo's new value shows after this. */
  ttlMs?: number;
  onLookup?: (hits: number, misses: number) => void;
}

/**
 * Something the sidecar reads of photos by id, with an LRU (and a TTL) in front of the read: only
 * the missing ids are read, in one request. Reads are not shared between requests: two requests
 * missing the same photo each read it, because a read shared by several requests could carry only
 * one of their signals, and that request's abort would fail the others' lookups (an aborted read
 * caches nothing; a finished one serves everyone after it).
 */
export class PhotoCache<T extends object> {
  private readonly cache: LRUCache<string, T>;

  constructor(
    private readonly read: (ids: readonly string[], signal: AbortSignal | undefined) => Promise<Map<string, T>>,
    private readonly options: PhotoCacheOptions = {},
  ) {
    this.cache = new LRUCache({ max: options.maxEntries ?? 50_000, ttl: options.ttlMs ?? 10 * 60_000 });
  }

  /** The values of `ids` (a photo without one is absent); `signal` cancels this caller's read and nothing else. */
  async get(ids: readonly string[], signal?: AbortSignal, onLookup = this.options.onLookup): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const value = this.cache.get(id);
      if (value) found.set(id, value);
      else missing.push(id);
    }
    onLookup?.(found.size, missing.length);
    if (missing.length === 0) return found;
    for (const [id, value] of await this.read(missing, signal)) {
      this.cache.set(id, value);
      found.set(id, value);
    }
    return found;
  }
}

export interface VectorStoreOptions extends PhotoCacheOptions {
  index: string;
  field?: string;
  /** The photos the sidecar holds (serve): what it holds is never read. */
  table?: PhotoTable;
}

/**
 * Photos' CLIP vectors for the policy, the second pass and the profiles. Elasticsearch keeps them in
 * doc values (not `_source`), and reading them per request was the dearest read of a request (150
 * vectors as JSON floats took 42 ms against 8 ms for the same search without them; as `clip_f32`
 * bytes, 2.4–3.5 ms p50 at 100,000 photos for the misses of the LRU). So `serve` holds them all in
 * its photo table (photo-table.ts); a photo the table does not hold (indexed since its last refresh,
 * past its capacity, or no table: `pixrank search`) is read by id through the LRU.
 */
export class VectorStore {
  private readonly others: PhotoCache<Float32Array>;

  constructor(
    reads: Pick<ElasticReads, 'vectors'>,
    private readonly options: VectorStoreOptions,
  ) {
    const { onLookup: _counted, table: _held, ...lru } = options;
    this.others = new PhotoCache((ids, signal) => reads.vectors(ids, { index: options.index, field: options.field ?? 'clip', signal }), lru);
  }

  /** The vectors of `ids` (a photo without one is absent); `signal` cancels this caller's read and nothing else. */
  get(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Float32Array>> {
    // Only CLIP vectors are held.
    const table = (this.options.field ?? 'clip') === 'clip' ? this.options.table : undefined;
    return tableFirst(ids, (id) => table?.vector(id), this.others, signal, this.options.onLookup);
  }
}

/**
 * The values of `ids` from the table where it holds them, the others through `cache` (one read of
 * those it misses); `onLookup` counts the table's and the cache's hits together.
 */
async function tableFirst<T extends object>(ids: readonly string[], held: (id: string) => T | undefined, cache: PhotoCache<T>, signal: AbortSignal | undefined, onLookup: PhotoCacheOptions['onLookup']): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const rest: string[] = [];
  for (const id of new Set(ids)) {
    const value = held(id);
    if (value) found.set(id, value);
    else rest.push(id);
  }
  if (rest.length === 0) {
    onLookup?.(found.size, 0);
    return found;
  }
  let misses = 0;
  const others = await cache.get(rest, signal, (_, missed) => (misses = missed));
  onLookup?.(found.size + rest.length - misses, misses);
  for (const [id, value] of others) found.set(id, value);
  return found;
}

/**
 * The texts and URLs of the photos on served pages. Read for the page alone (10 of ~190 candidates)
 * they took 2.3 ms p50 as their own request, against 9 ms more when every candidate's `_source`
 * came with the retrieval. `serve` holds them in its photo table; without one (or for a photo it
 * does not hold), a page of photos served in the last minutes costs no request at all.
 */
export class TextStore {
  private readonly others: PhotoCache<PhotoSource>;

  constructor(
    reads: Pick<ElasticReads, 'texts'>,
    private readonly options: PhotoCacheOptions & { index: string; table?: PhotoTable },
  ) {
    const { onLookup: _counted, table: _held, ...lru } = options;
    this.others = new PhotoCache((ids, signal) => reads.texts(ids, { index: options.index, signal }), { maxEntries: 20_000, ...lru });
  }

  get(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, PhotoSource>> {
    const table = this.options.table;
    return tableFirst(ids, (id) => table?.text(id), this.others, signal, this.options.onLookup);
  }
}
