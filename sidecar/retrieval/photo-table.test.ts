import { describe, expect, it } from 'vitest';
import { photoRow as row, scannedIndex } from '../../test/stub-services.ts';
import { fillTable, PhotoTable } from './photo-table.ts';

describe('PhotoTable', () => {
  it('holds the floats of clip_f32 bytes exactly, and the display fields', () => {
    const table = new PhotoTable(10);
    expect(table.put(row('a', [0.1, -2.5, 3e-7], 1_000))).toBe(true);
    expect(table.vector('a')).toEqual(Float32Array.of(0.1, -2.5, 3e-7));
    expect(table.text('a')).toEqual({ photo_id: 'a', description: 'photo a' });
    expect(table.vector('b')).toBeUndefined();
    expect(table.text('b')).toBeUndefined();
    expect(table.newestIndexedAt).toBe(1_000);
  });

  it('holds each photo’s facts, one string per photographer, and a put again replaces them', () => {
    const table = new PhotoTable(10);
    const facts = (id: string, downloads: number) => ({ photo_id: id, photographer: ['ana'].join(''), country: 'France', downloads, views: 7, submitted_at: '2024-01-02T00:00:00.000Z' });
    table.put({ ...row('a', [1, 0]), facts: facts('a', 3) });
    table.put({ ...row('b', [0, 1]), facts: facts('b', 4) });
    expect(table.fact('a')).toEqual(facts('a', 3));
    expect(table.fact('b')!.photographer).toBe(table.fact('a')!.photographer);
    table.put({ ...row('a', [1, 0]), facts: facts('a', 9) });
    expect(table.fact('a')!.downloads).toBe(9);
    expect(table.fact('c')).toBeUndefined();
  });

  it('a photo put again gets its new values in place; the newest indexing time is kept', () => {
    const table = new PhotoTable(10);
    table.put(row('a', [1, 2], 2_000));
    const held = table.vector('a')!;
    table.put(row('a', [3, 4], 1_500, 'new words'));
    expect(held).toEqual(Float32Array.of(3, 4));
    expect(table.text('a')?.description).toBe('new words');
    expect(table.size).toBe(1);
    expect(table.newestIndexedAt).toBe(2_000);
  });

  it('refuses new photos once full, still updating those it holds', () => {
    const table = new PhotoTable(2);
    expect(table.put(row('a', [1, 0]))).toBe(true);
    expect(table.put(row('b', [0, 1]))).toBe(true);
    expect(table.full).toBe(true);
    expect(table.put(row('c', [1, 1]))).toBe(false);
    expect(table.put(row('a', [5, 5]))).toBe(true);
    expect(table.vector('a')).toEqual(Float32Array.of(5, 5));
    expect(table.vector('c')).toBeUndefined();
    expect(table.text('c')).toBeUndefined();
  });

  it('refuses bytes that are not a vector of its dimensions', () => {
    const table = new PhotoTable(10);
    table.put(row('a', [1, 2, 3]));
    expect(table.put(row('b', [1, 2]))).toBe(false);
    expect(table.put({ ...row('c', [1]), bytes: Buffer.from([1, 2, 3]) })).toBe(false);
    expect(table.put(row('a', [1, 2], undefined, 'changed'))).toBe(false);
    expect(table.vector('a')).toEqual(Float32Array.of(1, 2, 3));
    expect(table.text('a')?.description).toBe('photo a');
    expect(table.text('b')).toBeUndefined();
  });

  it('past one slab, every photo keeps its own row', () => {
    const table = new PhotoTable(10_000);
    for (let i = 0; i < 5_000; i++) table.put(row(`p${i}`, [i, -i]));
    expect(table.size).toBe(5_000);
    for (const i of [0, 4095, 4096, 4999]) expect(table.vector(`p${i}`)).toEqual(Float32Array.of(i, -i));
  });
});

describe('fillTable', () => {
  it('reads a whole index, then only what was indexed since', async () => {
    const { reads, since, photos } = scannedIndex(10);
    const table = new PhotoTable(100);
    expect(await fillTable(table, reads, { index: 'photos' })).toEqual({ read: 10, held: 10, complete: true });
    photos.push({ id: 'new', vector: [7, 7], at: 60_000 });
    photos[2]!.vector = [-2, 1];
    photos[2]!.at = 61_000;
    expect(await fillTable(table, reads, { index: 'photos', since: 8_500 })).toEqual({ read: 3, held: 11, complete: true });
    expect(since).toEqual([undefined, 8_500]);
    expect(table.vector('p2')).toEqual(Float32Array.of(-2, 1));
    expect(table.vector('new')).toEqual(Float32Array.of(7, 7));
  });

  it('a table smaller than the index holds what fits, says it is not complete, and stops reading', async () => {
    const { reads } = scannedIndex(20);
    const table = new PhotoTable(5);
    expect(await fillTable(table, reads, { index: 'photos' })).toEqual({ read: 5, held: 5, complete: false });
  });

  it('an index without clip_f32 is not read, and the load says why', async () => {
    const { reads } = scannedIndex(4, false);
    expect(await fillTable(new PhotoTable(10), reads, { index: 'photos' })).toMatchObject({ read: 0, held: 0, complete: false, skipped: expect.stringContaining('clip_f32') });
  });
});
