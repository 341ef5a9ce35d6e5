import { LRUCache } from 'lru-cache';
import { type ClipEncoder } from '../clip/index.ts';

/**
 * Query text → CLIP vector with an LRU cache in front of the encoder, counting hits and misses for
 * /metrics. Same text (after trimming and collapsing spaces), same vector.
 */
export class QueryEmbedder {
  private readonly cache: LRUCache<string, Float32Array>;

  constructor(
    private readonly encoder: ClipEncoder,
    options: { cacheSize?: number; onLookup?: (hit: boolean) => void } = {},
  ) {
    this.cache = new LRUCache({ max: Math.max(1, options.cacheSize ?? 2048) });
    this.onLookup = options.onLookup;
  }

  private readonly onLookup?: (hit: boolean) => void;

  async embed(text: string): Promise<{ vector: Float32Array; cached: boolean }> {
    const key = text.trim().replace(/\s+/g, ' ');
    const cached = this.cache.get(key);
    this.onLookup?.(cached !== undefined);
    if (cached) return { vector: cached, cached: true };
    const [vector] = await this.encoder.embedText([key]);
    this.cache.set(key, vector!);
    return { vector: vector!, cached: false };
  }
}
