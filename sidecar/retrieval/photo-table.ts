import type { Candidate } from '../../ltr/second-pass.ts';
import type { ElasticReads, PhotoRow, PhotoSource } from './elastic-reads.ts';

/**
 * What the sidecar holds of every photo, so that a request reads nothing of it by id: its CLIP vector
 * (the policy's near-duplicates, the second pass and the profiles need those of about 200 photos per
 * request) and its display fields (the served page's texts and URLs). At 100,000 photos a
 * 50,000-entry vector LRU missed about half of a request's vectors, and reading the misses was a round
 * trip per request (vectors 2.4–3.5 ms p50, and most of the profile's 14 ms); the page's texts were
 * another (display 1.8–2.4 ms). Loading all 100,000 took 8.8 s on this 2-core machine (4.8 s for the
 * vectors alone); they take 2 KiB each at 512 dimensions, the display fields about 330 bytes of JSON
 * (with the maps and strings around them, the sidecar's resident memory grew by 330 MB for 100,000).
 * It also holds what ranking knows of each photo (`fact`), so that the lists' hits carry only their
 * ids (`listsFromTable`). Filled by `fillTable` (a whole index, or the photos indexed since the
 * newest one held).
 */
export class PhotoTable {
  private readonly vectors: VectorTable;
  /** Display fields as JSON: a string is one object for the garbage collector, a parsed source a dozen. */
  private readonly texts = new Map<string, string>();
  /** What ranking knows of each photo, so that the lists' hits need carry only their ids (`ListOptions.known`). */
  private readonly facts = new Map<string, Candidate>();
  /** One string per photographer and country, not one per photo. */
  private readonly names = new Map<string, string>();

  constructor(
    /** The most photos held; past it, new photos are refused (those already held are still updated). */
    readonly capacity: number,
  ) {
    this.vectors = new VectorTable(capacity);
  }

  get size(): number {
    return this.vectors.size;
  }

  get full(): boolean {
    return this.vectors.full;
  }

  get newestIndexedAt(): number | undefined {
    return this.vectors.newestIndexedAt;
  }

  vector(id: string): Float32Array | undefined {
    return this.vectors.get(id);
  }

  text(id: string): PhotoSource | undefined {
    const json = this.texts.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as PhotoSource);
  }

  /** The photo's facts as held: shared, not to be changed (copy them into a candidate of your own). */
  fact(id: string): Candidate | undefined {
    return this.facts.get(id);
  }

  /** Holds `row` (see VectorTable.put); false when it was refused. */
  put(row: PhotoRow): boolean {
    if (!this.vectors.put(row.id, row.bytes, row.indexedAt)) return false;
    this.texts.set(row.id, JSON.stringify(row.source));
    const { facts } = row;
    this.facts.set(row.id, {
      photo_id: row.id,
      photographer: this.name(facts.photographer),
      country: this.name(facts.country),
      downloads: facts.downloads,
      views: facts.views,
      submitted_at: facts.submitted_at,
    });
    return true;
  }

  private name(value: string | null): string | null {
    if (value === null) return null;
    let held = this.names.get(value);
    if (held === undefined) this.names.set(value, (held = value));
    return held;
  }
}

/** What filling the table did. */
export interface TableLoad {
  /** Photos read. */
  read: number;
  /** Photos held after it. */
  held: number;
  /** False when the table had no room for every photo read. */
  complete: boolean;
  /** Why nothing was read, when nothing could be. */
  skipped?: string;
}

/**
 * Reads the photos of `index` into `table`: all of them, or with `since` (ms since the epoch) those
 * indexed at or after it. A whole read stops once the table is full.
 */
export async function fillTable(table: PhotoTable, reads: Pick<ElasticReads, 'scanPhotos'>, options: { index: string; since?: number; signal?: AbortSignal }): Promise<TableLoad> {
  const rows = await reads.scanPhotos(options);
  if (!rows) return { read: 0, held: table.size, complete: false, skipped: 'an index behind the alias has no clip_f32 (made before it; pixrank es reindex)' };
  let read = 0;
  let complete = true;
  for await (const row of rows) {
    read++;
    if (!table.put(row)) complete = false;
    // A full table takes no new photos: reading on would only update the ones it holds.
    if (table.full && options.since === undefined) {
      complete = false;
      break;
    }
  }
  return { read, held: table.size, complete };
}

/**
 * The vectors of a PhotoTable. The floats live in slabs of `SLAB_ROWS` rows, handed out as views: a
 * hundred thousand vectors are a few dozen buffers for the garbage collector, not a hundred thousand.
 */
class VectorTable {
  private readonly rows = new Map<string, Float32Array>();
  private slab: Float32Array | undefined;
  private used = 0;
  /** The newest `indexed_at` among the photos put here (ms since the epoch), for reading only what is newer. */
  private newest = Number.NEGATIVE_INFINITY;

  constructor(
    /** The most photos held; past it, `put` refuses new photos (those already held are still updated). */
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  get full(): boolean {
    return this.rows.size >= this.capacity;
  }

  /** When the newest photo held was indexed (ms), or undefined before any. */
  get newestIndexedAt(): number | undefined {
    return Number.isFinite(this.newest) ? this.newest : undefined;
  }

  get(id: string): Float32Array | undefined {
    return this.rows.get(id);
  }

  /**
   * Holds `vector` (little-endian float32 bytes, as `clip_f32` stores them) for `id`; a photo held
   * already gets the new values in place. False when the table is full, or when the bytes are not
   * a vector of the table's dimensions (the first vector put decides them).
   */
  put(id: string, bytes: Uint8Array, indexedAt?: number): boolean {
    if (bytes.length === 0 || bytes.length % 4 !== 0) return false;
    const dims = bytes.length / 4;
    const known = this.rows.get(id);
    let row = known;
    if (!row) {
      if (this.full) return false;
      if (this.slab && this.slab.length / SLAB_ROWS !== dims) return false;
      if (!this.slab || this.used === SLAB_ROWS) {
        this.slab = new Float32Array(SLAB_ROWS * dims);
        this.used = 0;
      }
      row = this.slab.subarray(this.used * dims, (this.used + 1) * dims);
      this.used++;
      this.rows.set(id, row);
    } else if (row.length !== dims) {
      return false;
    }
    copyFloats(bytes, row);
    if (indexedAt !== undefined && indexedAt > this.newest) this.newest = indexedAt;
    return true;
  }
}

const SLAB_ROWS = 4096;

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

/** Little-endian float32 bytes into `row` (a byte copy on a little-endian machine). */
function copyFloats(bytes: Uint8Array, row: Float32Array): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(row.buffer, row.byteOffset, row.byteLength).set(bytes);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < row.length; i++) row[i] = view.getFloat32(i * 4, true);
}
