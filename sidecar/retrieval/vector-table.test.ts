import { describe, expect, it } from 'vitest';
import { encodeVectorBytes } from '../../es-mappings/vector-bytes.ts';
import { VectorTable } from './vector-table.ts';

const bytes = (...values: number[]) => Buffer.from(encodeVectorBytes(values), 'base64');

describe('VectorTable', () => {
  it('holds the floats of clip_f32 bytes, exactly', () => {
    const table = new VectorTable(10);
    expect(table.put('a', bytes(0.1, -2.5, 3e-7), 1_000)).toBe(true);
    expect(table.get('a')).toEqual(Float32Array.of(0.1, -2.5, 3e-7));
    expect(table.get('b')).toBeUndefined();
    expect(table.newestIndexedAt).toBe(1_000);
  });

  it('a photo put again gets its new values in place; the newest indexing time is kept', () => {
    const table = new VectorTable(10);
    table.put('a', bytes(1, 2), 2_000);
    const held = table.get('a')!;
    table.put('a', bytes(3, 4), 1_500);
    expect(held).toEqual(Float32Array.of(3, 4));
    expect(table.size).toBe(1);
    expect(table.newestIndexedAt).toBe(2_000);
  });

  it('refuses new photos once full, still updating those it holds', () => {
    const table = new VectorTable(2);
    expect(table.put('a', bytes(1, 0))).toBe(true);
    expect(table.put('b', bytes(0, 1))).toBe(true);
    expect(table.full).toBe(true);
    expect(table.put('c', bytes(1, 1))).toBe(false);
    expect(table.put('a', bytes(5, 5))).toBe(true);
    expect(table.get('a')).toEqual(Float32Array.of(5, 5));
    expect(table.get('c')).toBeUndefined();
  });

  it('refuses bytes that are not a vector of its dimensions', () => {
    const table = new VectorTable(10);
    table.put('a', bytes(1, 2, 3));
    expect(table.put('b', bytes(1, 2))).toBe(false);
    expect(table.put('c', Buffer.from([1, 2, 3]))).toBe(false);
    expect(table.put('a', bytes(1, 2))).toBe(false);
    expect(table.get('a')).toEqual(Float32Array.of(1, 2, 3));
  });

  it('past one slab, every photo keeps its own row', () => {
    const table = new VectorTable(10_000);
    for (let i = 0; i < 5_000; i++) table.put(`p${i}`, bytes(i, -i));
    expect(table.size).toBe(5_000);
    for (const i of [0, 4095, 4096, 4999]) expect(table.get(`p${i}`)).toEqual(Float32Array.of(i, -i));
  });
});
