import { LRUCache } from 'lru-cache';
import type { ElasticReads } from '../elastic-reads.ts';

export interface VectorStoreOptions {
  index: string;
  field?: string;
  /** Vectors kept in memory (512 floats = 2 KiB each). */
  maxEntries?: number;
  /** How long a cached vector is trusted; a re-ingested photo's new vector shows after this. */
  ttlMs?: number;
  onLookup?: (hits: number, misses: number) => void;
}

/**
 * Photos' CLIP vectors for the policy, the second pass and the profiles. Elasticsearch keeps them in
 * doc values (not `_source`); 100 vectors as JSON cost more than the search that found them, so
 * the sidecar keeps an LRU of them (with a TTL) and reads only the missing ones, in one request.
 */
export class VectorStore {
  private readonly cache: LRUCache<string, Float32Array>;
  private readonly field: string;

  constructor(
    private readonly reads: Pick<ElasticReads, 'vectors'>,
    private readonly options: VectorStoreOptions,
  ) {
    this.field = options.field ?? 'clip';
    this.cache = new LRUCache({ max: options.maxEntries ?? 50_000, ttl: options.ttlMs ?? 10 * 60_000 });
  }

  /**
   * `signal` cancels this caller's read and nothing else. Reads are not shared between requests:
   * two requests missing the same photo each read it, because a read shared by several requests
   * could carry only one of their signals, and that request's abort would fail the others' lookups
   * (an aborted read caches nothing; a finished one serves everyone after it).
   */
  async get(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const vector = this.cache.get(id);
      if (vector) found.set(id, vector);
      else missing.push(id);
    }
    this.options.onLookup?.(found.size, missing.length);
    if (missing.length === 0) return found;
    for (const [id, vector] of await this.reads.vectors(missing, { index: this.options.index, field: this.field, signal })) {
      this.cache.set(id, vector);
      found.set(id, vector);
    }
    return found;
  }
}
