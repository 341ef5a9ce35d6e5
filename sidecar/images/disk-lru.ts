import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskLruOptions {
  dir: string;
  /** The folder's files together stay at or under this many bytes. */
  maxBytes: number;
}

/**
 * Files in one folder, least recently used deleted first once their bytes pass `maxBytes`. The
 * order lives in memory (a Map keeps insertion order; a use re-inserts), rebuilt from the files'
 * modification times when the folder is first opened, so a restart forgets only the order of the
 * last session's reads. Writes go to a temporary name and are renamed, so a reader never sees half
 * a file. One process owns the folder: two sidecars sharing it could each overshoot the bound
 * until their next eviction.
 */
export class DiskLru {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #sizes = new Map<string, number>();
  #bytes = 0;
  #opened: Promise<void> | undefined;

  constructor(options: DiskLruOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
  }

  /** Bytes held now (after `get`/`put` have opened the folder). */
  get bytes(): number {
    return this.#bytes;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  async get(key: string): Promise<Buffer | undefined> {
    await this.#open();
    if (!this.#sizes.has(key)) return undefined;
    try {
      const bytes = await readFile(this.#path(key));
      this.#touch(key, bytes.length);
      return bytes;
    } catch {
      // Deleted behind our back (a person cleaning the cache): a miss, not an error.
      this.#forget(key);
      return undefined;
    }
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.#open();
    // A file larger than the whole bound would evict everything and still not fit.
    if (bytes.length > this.#maxBytes) return;
    const partial = `${this.#path(key)}.${process.pid}.part`;
    await writeFile(partial, bytes);
    await rename(partial, this.#path(key));
    this.#forget(key);
    this.#touch(key, bytes.length);
    await this.#evict();
  }

  #path(key: string): string {
    return join(this.#dir, key);
  }

  #touch(key: string, size: number): void {
    this.#forget(key);
    this.#sizes.set(key, size);
    this.#bytes += size;
  }

  #forget(key: string): void {
    const size = this.#sizes.get(key);
    if (size === undefined) return;
    this.#sizes.delete(key);
    this.#bytes -= size;
  }

  async #evict(): Promise<void> {
    for (const [key] of this.#sizes) {
      if (this.#bytes <= this.#maxBytes) return;
      this.#forget(key);
      await rm(this.#path(key), { force: true });
    }
  }

  #open(): Promise<void> {
    this.#opened ??= (async () => {
      await mkdir(this.#dir, { recursive: true });
      const all = await readdir(this.#dir);
      // Half-written files of a process that died mid-write.
      await Promise.all(all.filter((name) => name.endsWith('.part')).map((name) => rm(join(this.#dir, name), { force: true })));
      const names = all.filter((name) => !name.endsWith('.part'));
      const files = await Promise.all(names.map(async (name) => ({ name, info: await stat(join(this.#dir, name)).catch(() => undefined) })));
      const present = files.flatMap(({ name, info }) => (info?.isFile() ? [{ name, size: info.size, mtime: info.mtimeMs }] : []));
      for (const file of present.sort((a, b) => a.mtime - b.mtime)) this.#touch(file.name, file.size);
      await this.#evict();
    })();
    return this.#opened;
  }
}
