import { describe, expect, it } from 'vitest';
import { Random } from '../../ltr/random.ts';
import { serializeDocument, vectorJson } from './serialize-document.ts';

describe('serializeDocument', () => {
  it('writes vectors that parse back to the same float32 values, in fewer bytes', () => {
    const r = new Random(3);
    const vector = new Float32Array(512);
    for (let i = 0; i < vector.length; i++) vector[i] = (r.float() - 0.5) * 10 ** Math.floor(r.float() * 12 - 8);
    vector[0] = 0;
    vector[1] = -0.5;
    vector[2] = 1e-30;
    vector[3] = -3.4e38;
    const body = { photo_id: 'a"b', n: 3, tags: ['x'], clip: Array.from(vector) };
    const json = serializeDocument(body);
    const parsed = JSON.parse(json) as typeof body;
    expect(Float32Array.from(parsed.clip)).toEqual(vector);
    expect({ ...parsed, clip: undefined }).toEqual({ ...body, clip: undefined });
    expect(json.length).toBeLessThan(JSON.stringify(body).length * 0.8);
  });

  it('leaves short arrays and documents without vectors to JSON.stringify', () => {
    const body = { a: [1, 2, 3], b: { c: 0.1 } };
    expect(serializeDocument(body)).toBe(JSON.stringify(body));
    expect(serializeDocument({ clip: new Array(16).fill(0.25) })).toBe(`{"clip":[${new Array(16).fill('0.250000000').join(',')}]}`);
  });

  it('writes 9 significant digits, valid JSON for every magnitude', () => {
    const json = vectorJson([0.5, -2.25, 1e-7, 123456789, 0, 3.4e38]);
    expect(json).toBe('[0.500000000,-2.25000000,1.00000000e-7,123456789,0.00000000,3.40000000e+38]');
    expect(JSON.parse(json)).toEqual([0.5, -2.25, 1e-7, 123456789, 0, 3.4e38]);
  });
});
