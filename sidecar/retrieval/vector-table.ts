/**
 * Photos' CLIP vectors held in the sidecar's memory, so that a request reads none of them from
 * Elasticsearch. The policy's near-duplicates, the second pass and the profiles need the vectors of
 * about 200 photos per request; at 100,000 photos a 50,000-entry LRU missed half of them, and the
 * read of the misses cost a round trip per request (vectors 2.4–3.5 ms p50, and most of the
 * profile's 14 ms). Loading all 100,000 (`clip_f32`, 273 MB of base64) took 4.8 s on this 2-core
 * machine; they take 2 KiB each at 512 dimensions (200 MB for 100,000).
 *
 * The floats live in slabs of `SLAB_ROWS` rows, handed out as views: a hundred thousand vectors are
 * a few dozen buffers for the garbage collector, not a hundred thousand.
 */
export class VectorTable {
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
