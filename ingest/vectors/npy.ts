import { readFile } from 'node:fs/promises';
import { createError } from '../../es-mappings/errors.ts';

/** A 2-D float matrix from a NumPy `.npy` file (format 1.0–3.0, little-endian f4 or f2, C order). */
export interface NpyMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export async function readNpy(path: string): Promise<NpyMatrix> {
  return parseNpy(await readFile(path), path);
}

export function parseNpy(bytes: Buffer, name = 'npy'): NpyMatrix {
  if (!bytes.subarray(0, 6).equals(MAGIC)) throw createError('DATA_MALFORMED', `vectors: ${name} is not a .npy file (bad magic)`);
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.subarray(headerStart, headerStart + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!descr || !shape || shape.length !== 2) throw createError('DATA_MALFORMED', `vectors: ${name} must hold a 2-D array (header ${header.trim()})`);
  if (fortran === 'True') throw createError('DATA_MALFORMED', `vectors: ${name} is in Fortran order; save it with np.ascontiguousarray`);
  const [rows, cols] = shape as [number, number];
  const body = bytes.subarray(headerStart + headerLength);
  const data = new Float32Array(rows * cols);
  if (descr === '<f4') {
    if (body.length < data.length * 4) throw createError('DATA_MALFORMED', `vectors: ${name} is truncated`);
    for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(i * 4);
  } else if (descr === '<f2') {
    if (body.length < data.length * 2) throw createError('DATA_MALFORMED', `vectors: ${name} is truncated`);
    for (let i = 0; i < data.length; i++) data[i] = halfToFloat(body.readUInt16LE(i * 2));
  } else {
    throw createError('DATA_MALFORMED', `vectors: ${name} has dtype ${descr}; expected <f4 or <f2`);
  }
  return { rows, cols, data };
}

/** IEEE 754 half precision to single. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Writes a float32 matrix as `.npy` version 1.0 (benchmarks and tests make vector files with it). */
export function encodeNpy(matrix: NpyMatrix): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${matrix.rows}, ${matrix.cols}), }`;
  const unpadded = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}
