import { readFile, writeFile } from 'node:fs/promises';
import { createError } from '../../es-mappings/errors.ts';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** One-dimensional int32 or float32 `.npy` arrays (CSR parts), version 1.0, little-endian. */
export type Npy1d = Int32Array | Float32Array;

export async function writeNpy1d(path: string, array: Npy1d): Promise<void> {
  const descr = array instanceof Int32Array ? '<i4' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${array.length},), }`;
  header = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix);
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  await writeFile(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(array.buffer, array.byteOffset, array.byteLength)]));
}

export async function readNpy1d<T extends 'int32' | 'float32'>(path: string, type: T): Promise<T extends 'int32' ? Int32Array : Float32Array> {
  const bytes = await readFile(path);
  if (!bytes.subarray(0, 6).equals(MAGIC)) throw createError('DATA_MALFORMED', `als bench: ${path} is not a .npy file`);
  const headerLength = bytes[6] === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (bytes[6] === 1 ? 10 : 12) + headerLength;
  const header = bytes.subarray(bytes[6] === 1 ? 10 : 12, start).toString('latin1');
  const want = type === 'int32' ? '<i4' : '<f4';
  const shape = /'shape':\s*\((\d+),?\)/.exec(header);
  if (!header.includes(`'${want}'`) || !shape) throw createError('DATA_MALFORMED', `als bench: ${path} is not a 1-D ${want} array (${header.trim()})`);
  const length = Number(shape[1]);
  // Copy into a fresh, aligned buffer (the file's body may start at any offset).
  const body = new Uint8Array(bytes.buffer, bytes.byteOffset + start, length * 4).slice();
  return (type === 'int32' ? new Int32Array(body.buffer) : new Float32Array(body.buffer)) as T extends 'int32' ? Int32Array : Float32Array;
}
