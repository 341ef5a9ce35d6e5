import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskLru } from './disk-lru.ts';

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe('DiskLru', () => {
  it('keeps the bytes under the bound by deleting the least recently used files first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lru-'));
    const lru = new DiskLru({ dir, maxBytes: 300 });
    await lru.put('a', bytes(100));
    await lru.put('b', bytes(100));
    await lru.put('c', bytes(100));
    expect(await lru.get('a')).toEqual(bytes(100)); // a is now the most recent
    await lru.put('d', bytes(100)); // 400 > 300: b, the least recent, goes
    expect((await readdir(dir)).sort()).toEqual(['a', 'c', 'd']);
    expect(lru.bytes).toBe(300);
    expect(await lru.get('b')).toBeUndefined();
  });

  it('rebuilds its order from the files’ modification times, and evicts down to a smaller bound on opening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lru-'));
    for (const [name, age] of [['old', 300], ['mid', 200], ['new', 100]] as const) {
      await writeFile(join(dir, name), bytes(100));
      const at = new Date(Date.now() - age * 1000);
      await utimes(join(dir, name), at, at);
    }
    await writeFile(join(dir, 'crashed.123.part'), bytes(10));
    const lru = new DiskLru({ dir, maxBytes: 250 });
    expect(await lru.get('new')).toBeDefined();
    expect((await readdir(dir)).sort()).toEqual(['mid', 'new']);
  });

  it('skips a file larger than the whole bound, and treats a file deleted behind its back as a miss', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lru-'));
    const lru = new DiskLru({ dir, maxBytes: 50 });
    await lru.put('big', bytes(51));
    expect(await readdir(dir)).toEqual([]);
    await lru.put('small', bytes(10));
    await rm(join(dir, 'small'));
    expect(await lru.get('small')).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });
});
