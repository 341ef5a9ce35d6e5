import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { readNpy } from './npy.ts';
import { createError } from '../../es-mappings/errors.ts';

/** Precomputed per-photo vectors, looked up by photo id. */
export interface VectorTable {
  dims: number;
  size: number;
  get(photoId: string): Float32Array | undefined;
  /** Identifies the file, so that changing it re-indexes the photos (see contentHash). */
  source: string;
}

/**
 * Loads `--vectors FILE`:
 * - `features.npy` + `photo_ids.csv` beside it (one id a line, header `photo_id` optional) — the
 *   layout of the published per-photo CLIP feature files for Unsplash;
 * - `.jsonl` / `.ndjson`: `{"photo_id": "…", "vector": [ … ]}` a line.
 */
export async function loadVectorTable(path: string): Promise<VectorTable> {
  if (!existsSync(path)) throw createError('DATA_NOT_FOUND', `vectors: ${path} does not exist`);
  if (path.endsWith('.npy')) return loadNpyTable(path);
  if (/\.(jsonl|ndjson)$/.test(path)) return loadJsonlTable(path);
  throw createError('INVALID_ARGUMENT', `vectors: ${path}: expected a .npy (with photo_ids.csv beside it) or a .jsonl file`);
}

async function loadNpyTable(path: string): Promise<VectorTable> {
  const idsFile = join(dirname(path), 'photo_ids.csv');
  if (!existsSync(idsFile)) throw createError('DATA_NOT_FOUND', `vectors: ${path} needs ${idsFile} (one photo id a line, in the rows' order)`);
  const matrix = await readNpy(path);
  const ids = (await readFile(idsFile, 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0 && s !== 'photo_id');
  if (ids.length !== matrix.rows) throw createError('DATA_MALFORMED', `vectors: ${idsFile} has ${ids.length} ids but ${path} has ${matrix.rows} rows`);
  const index = new Map(ids.map((id, row) => [id, row]));
  return {
    dims: matrix.cols,
    size: matrix.rows,
    source: `npy:${path}:${matrix.rows}x${matrix.cols}`,
    get: (photoId) => {
      const row = index.get(photoId);
      return row === undefined ? undefined : matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols);
    },
  };
}

async function loadJsonlTable(path: string): Promise<VectorTable> {
  const vectors = new Map<string, Float32Array>();
  let dims = 0;
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim().length === 0) continue;
    const parsed = JSON.parse(text) as { photo_id?: unknown; vector?: unknown };
    if (typeof parsed.photo_id !== 'string' || !Array.isArray(parsed.vector)) {
      throw createError('DATA_MALFORMED', `vectors: ${path}:${line}: expected {"photo_id": string, "vector": number[]}`);
    }
    if (dims === 0) dims = parsed.vector.length;
    if (parsed.vector.length !== dims) throw createError('DATA_MALFORMED', `vectors: ${path}:${line}: ${parsed.vector.length} dims, the first line had ${dims}`);
    vectors.set(parsed.photo_id, Float32Array.from(parsed.vector as number[]));
  }
  return { dims, size: vectors.size, source: `jsonl:${path}:${vectors.size}x${dims}`, get: (id) => vectors.get(id) };
}
