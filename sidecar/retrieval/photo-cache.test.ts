import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { ElasticReads } from './elastic-reads.ts';
import { encodeVectorBytes } from '../../es-mappings/vector-bytes.ts';
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

describe('VectorStore with its table loaded', () => {
  /** Reads over photos p0…p{n-1}, vector [i, 1], indexed at 1,000·i ms; records what is read by id and what each scan asked. */
  function indexOf(n: number, scans = true) {
    const byId: string[][] = [];
    const since: Array<number | undefined> = [];
    const photos = Array.from({ length: n }, (_, i) => ({ id: `p${i}`, vector: Float32Array.of(i, 1), at: 1_000 * i }));
    const reads: Pick<ElasticReads, 'vectors' | 'scanVectors'> = {
      async vectors(ids) {
        byId.push([...ids]);
        return new Map(photos.filter((p) => ids.includes(p.id)).map((p) => [p.id, p.vector]));
      },
      async scanVectors(options) {
        if (!scans) return undefined;
        since.push(options.since);
        return (async function* () {
          for (const p of photos) if (options.since === undefined || p.at >= options.since) yield { id: p.id, bytes: Buffer.from(encodeVectorBytes(p.vector), 'base64'), indexedAt: p.at };
        })();
      },
    };
    return { reads, byId, since, photos };
  }

  it('after load() every photo is served from memory: no read by id', async () => {
    const { reads, byId } = indexOf(50);
    const store = new VectorStore(reads, { index: 'photos' });
    expect(await store.load()).toEqual({ read: 50, held: 50, complete: true });
    const found = await store.get(['p3', 'p49', 'p3']);
    expect([...found]).toEqual([
      ['p3', Float32Array.of(3, 1)],
      ['p49', Float32Array.of(49, 1)],
    ]);
    expect(byId).toEqual([]);
  });

  it('a photo the table does not hold is read by id (once: then the LRU has it)', async () => {
    const { reads, byId, photos } = indexOf(3);
    const store = new VectorStore(reads, { index: 'photos' });
    await store.load();
    photos.push({ id: 'late', vector: Float32Array.of(9, 9), at: 10_000 });
    expect((await store.get(['p1', 'late'])).get('late')).toEqual(Float32Array.of(9, 9));
    await store.get(['late']);
    expect(byId).toEqual([['late']]);
  });

  it('refresh() reads only what was indexed since the newest photo held, less the overlap', async () => {
    const { reads, since, photos } = indexOf(10);
    const store = new VectorStore(reads, { index: 'photos' });
    await store.load();
    photos.push({ id: 'new', vector: Float32Array.of(7, 7), at: 60_000 });
    photos[2]!.vector = Float32Array.of(-2, 1);
    photos[2]!.at = 61_000;
    expect(await store.refresh(500)).toEqual({ read: 3, held: 11, complete: true });
    expect(since).toEqual([undefined, 9_000 - 500]);
    expect((await store.get(['new', 'p2'])).get('p2')).toEqual(Float32Array.of(-2, 1));
  });

  it('a table smaller than the index holds what fits and says it is not complete; the rest is read by id', async () => {
    const { reads, byId } = indexOf(20);
    const store = new VectorStore(reads, { index: 'photos', tablePhotos: 5 });
    expect(await store.load()).toEqual({ read: 5, held: 5, complete: false });
    await store.get(['p0', 'p19']);
    expect(byId).toEqual([['p19']]);
  });

  it('an index without clip_f32 is not loaded: the vectors are read by id, and load() says why', async () => {
    const { reads, byId } = indexOf(4, false);
    const store = new VectorStore(reads, { index: 'photos' });
    expect(await store.load()).toMatchObject({ read: 0, held: 0, complete: false, skipped: expect.stringContaining('clip_f32') });
    await store.get(['p1']);
    expect(byId).toEqual([['p1']]);
  });

  it('counts table hits as cache hits', async () => {
    const { reads } = indexOf(3);
    const lookups: Array<[number, number]> = [];
    const store = new VectorStore(reads, { index: 'photos', onLookup: (hits, misses) => lookups.push([hits, misses]) });
    await store.load();
    await store.get(['p0', 'p1', 'gone']);
    await store.get(['gone']);
    expect(lookups).toEqual([
      [2, 1],
      [0, 1],
    ]);
  });
});
