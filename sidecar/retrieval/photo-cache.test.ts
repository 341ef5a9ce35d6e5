import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { ElasticReads } from './elastic-reads.ts';
import { VectorStore } from './photo-cache.ts';

/** Vector reads that answer when `release()` is called, or fail as the client does when their signal aborts. */
function gatedReads(): { reads: Pick<ElasticReads, 'vectors'>; calls: Array<{ ids: readonly string[]; signal?: AbortSignal }>; release(): void } {
  const calls: Array<{ ids: readonly string[]; signal?: AbortSignal }> = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reads: Pick<ElasticReads, 'vectors'> = {
    async vectors(ids, options) {
      calls.push({ ids, signal: options.signal });
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        options.signal?.addEventListener('abort', () => reject(new errors.RequestAbortedError('Request aborted')), { once: true });
      });
      return new Map(ids.map((id) => [id, Float32Array.of(1, 0)]));
    },
  };
  return { reads, calls, release: () => release() };
}

describe('VectorStore shared by concurrent requests', () => {
  it('one request’s abort fails its own lookup only: the other, of the same photo, gets its vector', async () => {
    const { reads, calls, release } = gatedReads();
    const store = new VectorStore(reads, { index: 'photos' });
    const first = new AbortController();
    const second = new AbortController();
    const aborted = store.get(['p1'], first.signal);
    const served = store.get(['p1'], second.signal);
    first.abort();
    await expect(aborted).rejects.toBeInstanceOf(errors.RequestAbortedError);
    release();
    expect((await served).get('p1')).toEqual(Float32Array.of(1, 0));
    // Each read carried its own caller's signal, never another's.
    expect(calls.map((c) => c.signal)).toEqual([first.signal, second.signal]);
  });

  it('a finished read serves the requests after it from the cache, with no read', async () => {
    const { reads, calls, release } = gatedReads();
    const lookups: Array<[number, number]> = [];
    const store = new VectorStore(reads, { index: 'photos', onLookup: (hits, misses) => lookups.push([hits, misses]) });
    release();
    await store.get(['p1', 'p2']);
    const again = await store.get(['p2', 'p1', 'p2']);
    expect([...again.keys()]).toEqual(['p2', 'p1']);
    expect(calls).toHaveLength(1);
    expect(lookups).toEqual([
      [0, 2],
      [2, 0],
    ]);
  });
});
