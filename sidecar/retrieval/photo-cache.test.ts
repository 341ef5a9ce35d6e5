import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import type { ElasticReads } from './elastic-reads.ts';
import { TextStore, VectorStore } from './photo-cache.ts';
import { fillTable, PhotoTable } from './photo-table.ts';
import { scannedIndex } from '../../test/stub-services.ts';

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

describe('VectorStore and TextStore over the photo table', () => {
  async function loaded(n: number) {
    const { reads: scans, photos } = scannedIndex(n);
    const byId: string[][] = [];
    const texts: string[][] = [];
    const reads: Pick<ElasticReads, 'vectors' | 'texts'> = {
      async vectors(ids) {
        byId.push([...ids]);
        return new Map(photos.filter((p) => ids.includes(p.id)).map((p) => [p.id, Float32Array.from(p.vector)]));
      },
      async texts(ids) {
        texts.push([...ids]);
        return new Map(photos.filter((p) => ids.includes(p.id)).map((p) => [p.id, { photo_id: p.id, description: 'read by id' }]));
      },
    };
    const table = new PhotoTable(1_000);
    await fillTable(table, scans, { index: 'photos' });
    return { reads, table, photos, byId, texts };
  }

  it('a photo the table holds is never read by id', async () => {
    const { reads, table, byId, texts } = await loaded(50);
    const vectors = await new VectorStore(reads, { index: 'photos', table }).get(['p3', 'p49', 'p3']);
    expect([...vectors]).toEqual([
      ['p3', Float32Array.of(3, 1)],
      ['p49', Float32Array.of(49, 1)],
    ]);
    expect((await new TextStore(reads, { index: 'photos', table }).get(['p7'])).get('p7')).toEqual({ photo_id: 'p7', description: 'photo p7' });
    expect(byId).toEqual([]);
    expect(texts).toEqual([]);
  });

  it('a photo it does not hold is read by id (once: then the LRU has it)', async () => {
    const { reads, table, photos, byId, texts } = await loaded(3);
    photos.push({ id: 'late', vector: [9, 9], at: 10_000 });
    const store = new VectorStore(reads, { index: 'photos', table });
    expect((await store.get(['p1', 'late'])).get('late')).toEqual(Float32Array.of(9, 9));
    await store.get(['late']);
    expect(byId).toEqual([['late']]);
    const textStore = new TextStore(reads, { index: 'photos', table });
    expect((await textStore.get(['late', 'p0'])).get('late')).toEqual({ photo_id: 'late', description: 'read by id' });
    expect(texts).toEqual([['late']]);
  });

  it('vectors of another field than clip are never taken from the table', async () => {
    const { reads, table, byId } = await loaded(3);
    await new VectorStore(reads, { index: 'photos', field: 'als', table }).get(['p1']);
    expect(byId).toEqual([['p1']]);
  });

  it('counts the table’s hits as cache hits', async () => {
    const { reads, table } = await loaded(3);
    const lookups: Array<[number, number]> = [];
    const store = new VectorStore(reads, { index: 'photos', table, onLookup: (hits, misses) => lookups.push([hits, misses]) });
    await store.get(['p0', 'p1', 'gone']);
    await store.get(['gone']);
    expect(lookups).toEqual([
      [2, 1],
      [0, 1],
    ]);
  });
});
