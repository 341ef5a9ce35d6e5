import { LRUCache } from 'lru-cache';
import type { ElasticReads, PhotoSource } from './elastic-reads.ts';
import { VectorTable } from './vector-table.ts';

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
  /** Photos whose vectors `load()` holds in memory (2 KiB each at 512 dimensions); the others go through the LRU. */
  tablePhotos?: number;
}

/** What loading or refreshing the table did. */
export interface TableLoad {
  /** Photos read. */
  read: number;
  /** Photos held after it. */
  held: number;
  /** False when the table had no room for every photo read. */
  complete: boolean;
  /** Why nothing was read, when nothing could be. */
  skipped?: string;
}

/**
 * Photos' CLIP vectors for the policy, the second pass and the profiles. Elasticsearch keeps them in
 * doc values (not `_source`), and reading them per request was the dearest read of a request (150
 * vectors as JSON floats took 42 ms against 8 ms for the same search without them; as `clip_f32`
 * bytes, 2.4–3.5 ms p50 at 100,000 photos for the misses of a 50,000-entry LRU). So the sidecar
 * holds them: `load()` reads every photo's vector into a table (vector-table.ts) and `refresh()` the
 * ones indexed since; a photo the table does not hold (indexed after the last refresh, or past its
 * capacity) is read by id through an LRU, and only then does a request pay a round trip.
 */
export class VectorStore {
  private readonly table: VectorTable;
  private readonly others: PhotoCache<Float32Array>;

  constructor(
    private readonly reads: Pick<ElasticReads, 'vectors'> & Partial<Pick<ElasticReads, 'scanVectors'>>,
    private readonly options: VectorStoreOptions,
  ) {
    this.table = new VectorTable(options.tablePhotos ?? 250_000);
    const { onLookup: _counted, ...lru } = options;
    this.others = new PhotoCache((ids, signal) => reads.vectors(ids, { index: options.index, field: options.field ?? 'clip', signal }), lru);
  }

  /** Photos held in memory. */
  get held(): number {
    return this.table.size;
  }

  /** The vectors of `ids` (a photo without one is absent); `signal` cancels this caller's read and nothing else. */
  async get(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    const rest: string[] = [];
    for (const id of new Set(ids)) {
      const vector = this.table.get(id);
      if (vector) found.set(id, vector);
      else rest.push(id);
    }
    if (rest.length === 0) {
      this.options.onLookup?.(found.size, 0);
      return found;
    }
    let misses = 0;
    const others = await this.others.get(rest, signal, (_, missed) => (misses = missed));
    this.options.onLookup?.(found.size + rest.length - misses, misses);
    for (const [id, vector] of others) found.set(id, vector);
    return found;
  }

  /** Reads every photo's vector into the table (as many as it holds). */
  load(signal?: AbortSignal): Promise<TableLoad> {
    return this.fill(undefined, signal);
  }

  /**
   * Reads the photos indexed since the newest one held, less `overlapMs` (a photo indexed earlier
   * may become visible later: a refresh interval, a bulk request still running), into the table.
   */
  refresh(overlapMs: number, signal?: AbortSignal): Promise<TableLoad> {
    const newest = this.table.newestIndexedAt;
    return this.fill(newest === undefined ? undefined : newest - overlapMs, signal);
  }

  private async fill(since: number | undefined, signal: AbortSignal | undefined): Promise<TableLoad> {
    if (this.options.field !== undefined && this.options.field !== 'clip') return { read: 0, held: this.table.size, complete: false, skipped: `only clip vectors are held (field ${this.options.field})` };
    const rows = await this.reads.scanVectors?.({ index: this.options.index, signal, ...(since !== undefined ? { since } : {}) });
    if (!rows) return { read: 0, held: this.table.size, complete: false, skipped: 'an index behind the alias has no clip_f32 (made before it; pixrank es reindex)' };
    let read = 0;
    let complete = true;
    for await (const row of rows) {
      read++;
      if (!this.table.put(row.id, row.bytes, row.indexedAt)) complete = false;
      // A full table takes no new photos: reading on would only update the ones it holds.
      if (this.table.full && since === undefined) {
        complete = false;
        break;
      }
    }
    return { read, held: this.table.size, complete };
  }
}

/**
 * The texts and URLs of the photos on served pages. Read for the page alone (10 of ~190 candidates)
 * they took 2.3 ms p50 as their own request, against 9 ms more when every candidate's `_source`
 * came with the retrieval; a page of photos served in the last minutes costs no request at all.
 */
export class TextStore extends PhotoCache<PhotoSource> {
  constructor(reads: Pick<ElasticReads, 'texts'>, options: PhotoCacheOptions & { index: string }) {
    super((ids, signal) => reads.texts(ids, { index: options.index, signal }), { maxEntries: 20_000, ...options });
  }
}
