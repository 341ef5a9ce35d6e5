import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from './npy.ts';
import { loadVectorTable } from './vector-file.ts';

describe('vector files', () => {
  it('round-trips a float32 .npy and looks rows up by the ids beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vec-'));
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    await writeFile(join(dir, 'features.npy'), encodeNpy({ rows: 2, cols: 3, data }));
    await writeFile(join(dir, 'photo_ids.csv'), 'photo_id\naaa\nbbb\n');
    const table = await loadVectorTable(join(dir, 'features.npy'));
    expect(table.dims).toBe(3);
    expect([...table.get('bbb')!]).toEqual([4, 5, 6]);
    expect(table.get('ccc')).toBeUndefined();
  });

  it('reads float16 .npy files (header as numpy writes it)', () => {
    const header = "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 2), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    const body = Buffer.alloc(4);
    body.writeUInt16LE(0x3c00, 0); // 1.0
    body.writeUInt16LE(0xc000, 2); // -2.0
    const matrix = parseNpy(Buffer.concat([prefix, Buffer.from(padded, 'latin1'), body]));
    expect([...matrix.data]).toEqual([1, -2]);
  });

  it('reads jsonl and names the line of a malformed entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vec-'));
    await writeFile(join(dir, 'v.jsonl'), '{"photo_id":"a","vector":[1,0]}\n{"photo_id":"b","vector":[0,1,2]}\n');
    await expect(loadVectorTable(join(dir, 'v.jsonl'))).rejects.toThrow(/v.jsonl:2: 3 dims, the first line had 2/);
    await expect(loadVectorTable(join(dir, 'v.jsonl'))).rejects.toMatchObject({ name: 'PixrankError', code: 'DATA_MALFORMED' });
  });

  it('refuses ids and rows that disagree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vec-'));
    await writeFile(join(dir, 'features.npy'), encodeNpy({ rows: 2, cols: 1, data: Float32Array.from([1, 2]) }));
    await writeFile(join(dir, 'photo_ids.csv'), 'aaa\n');
    await expect(loadVectorTable(join(dir, 'features.npy'))).rejects.toThrow(/1 ids but .* 2 rows/);
  });
});
