import { describe, expect, it } from 'vitest';
import { decodeVectorBytes, encodeVectorBytes } from './vector-bytes.ts';

describe('vector bytes', () => {
  it('round-trips float32 values exactly, little-endian', () => {
    const vector = Float32Array.from([1, -0.5, 1 / 3, 1e-30, -7.25, 0]);
    const base64 = encodeVectorBytes(vector);
    expect(Buffer.from(base64, 'base64').subarray(0, 4)).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
    expect(decodeVectorBytes(base64)).toEqual(vector);
    // A plain number array is rounded to float32 as Elasticsearch stores a dense_vector.
    expect(decodeVectorBytes(encodeVectorBytes([0.1]))![0]).toBe(Math.fround(0.1));
  });

  it('refuses bytes that are not whole floats', () => {
    expect(decodeVectorBytes(Buffer.from([1, 2, 3]).toString('base64'))).toBeUndefined();
    expect(decodeVectorBytes('')).toBeUndefined();
  });
});
