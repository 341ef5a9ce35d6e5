import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { HTTPException } from 'hono/http-exception';
import sharp from 'sharp';
import { fetchImage, type UrlFetchPolicy } from '../similar/fetch-image.ts';
import type { DiskLru } from './disk-lru.ts';
import type { ImageLocator, ImageSource } from './image-source.ts';

/**
 * The widths served. A small set keeps the cache small (at most four files per photo) and stops a
 * caller from making the server resize to every width there is.
 */
export const THUMBNAIL_WIDTHS = [128, 256, 512, 1024] as const;
export type ThumbnailWidth = (typeof THUMBNAIL_WIDTHS)[number];

/** Bumped when the encoding below changes, so old cached files and ETags are not reused. */
const ENCODING = 'jpeg-q80-1';

/**
 * Sources of more pixels than this are refused before decoding: 50 megapixels is past any camera
 * photo in Unsplash, and well short of the memory a decompression bomb would ask for.
 */
const MAX_INPUT_PIXELS = 50_000_000;

export interface ThumbnailsOptions {
  locator: ImageLocator;
  cache: DiskLru;
  /** The limits of `/similar {url}`: public addresses only, bytes, time and redirects. */
  urlFetch: UrlFetchPolicy;
}

export type ThumbnailAnswer = { status: 304; etag: string } | { status: 200; etag: string; bytes: Buffer };

/** Thumbnails of photos: located, made once with sharp, kept in the disk cache, revalidated by ETag. */
export class Thumbnails {
  readonly #options: ThumbnailsOptions;
  /** Requests for a thumbnail being made wait for the same work (a page asks for many at once). */
  readonly #making = new Map<string, Promise<Buffer>>();

  constructor(options: ThumbnailsOptions) {
    this.#options = options;
  }

  async serve(photoId: string, width: ThumbnailWidth, ifNoneMatch: string | undefined, signal?: AbortSignal): Promise<ThumbnailAnswer> {
    const source = await this.#options.locator.locate(photoId, signal);
    const key = await keyOf(photoId, source, width);
    const etag = `"${key}"`;
    if (ifNoneMatch && matches(ifNoneMatch, etag)) return { status: 304, etag };
    const name = `${key}.jpg`;
    const cached = await this.#options.cache.get(name);
    if (cached) return { status: 200, etag, bytes: cached };
    let making = this.#making.get(name);
    if (!making) {
      // Not cut short by this request's signal: other requests may be waiting for the same work,
      // and the fetch has its own time limit.
      making = this.#make(photoId, source, width, name).finally(() => this.#making.delete(name));
      this.#making.set(name, making);
    }
    const bytes = await making;
    return { status: 200, etag, bytes };
  }

  async #make(photoId: string, source: ImageSource, width: ThumbnailWidth, name: string): Promise<Buffer> {
    const input = source.kind === 'file' ? source.path : await this.#fetch(photoId, source.url, width);
    let bytes: Buffer;
    try {
      bytes = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate() // EXIF orientation, as a browser shows the original
        .resize({ width, withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch (error) {
      throw new HTTPException(502, { message: `photo ${photoId}: its image could not be made into a thumbnail: ${(error as Error).message}` });
    }
    await this.#options.cache.put(name, bytes);
    return bytes;
  }

  async #fetch(photoId: string, url: string, width: ThumbnailWidth): Promise<Buffer> {
    try {
      return await fetchImage(sizedUrl(url, width), this.#options.urlFetch);
    } catch (error) {
      // The caller asked for a photo, not a URL: what the photo's host did wrong is a 502.
      if (error instanceof HTTPException) throw new HTTPException(502, { message: `photo ${photoId}: ${error.message}` });
      throw error;
    }
  }
}

/**
 * Unsplash's image host resizes on request (imgix): asking for the width needed keeps the download
 * a few hundred KB instead of a full-size original that can pass the fetch's byte limit.
 */
export function sizedUrl(url: string, width: number): string {
  const parsed = new URL(url);
  if (parsed.hostname !== 'images.unsplash.com' || parsed.searchParams.has('w')) return url;
  parsed.searchParams.set('w', String(width));
  return parsed.href;
}

/**
 * The cache key and ETag of a thumbnail: what it is made from (the file's size and modification
 * time, so an edited file gets a new one; or the URL), the width, the encoding and libvips'
 * version. The same key always means the same bytes, so a 304 needs no cached file.
 */
async function keyOf(photoId: string, source: ImageSource, width: number): Promise<string> {
  let identity: string;
  if (source.kind === 'file') {
    const info = await stat(source.path).catch(() => undefined);
    if (!info?.isFile()) throw new HTTPException(404, { message: `photo ${photoId}: its image file ${source.path} is missing` });
    identity = `file:${source.path}:${info.size}:${info.mtimeMs}`;
  } else {
    identity = `url:${source.url}`;
  }
  return createHash('sha256').update(JSON.stringify([ENCODING, sharp.versions.vips, identity, width])).digest('hex').slice(0, 32);
}

/** If-None-Match holds a list of ETags (weak ones compare equal, RFC 9110 13.1.2) or `*`. */
function matches(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === etag;
  });
}
