import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { createError } from '../../es-mappings/errors.ts';

export interface ImageLoaderOptions {
  /** Relative image paths resolve against the dataset folder. */
  dataDir: string;
  /** Downloaded images are kept here, keyed by photo id (and a digest of the URL). */
  cacheDir: string;
  /** Downloads in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  /** Attempts after the first, with exponential backoff and full jitter. */
  retries?: number;
  maxBytes?: number;
  /** Unsplash image URLs resize on the server: `?w=` keeps downloads small. */
  width?: number;
}

export type ImageLoader = (photoId: string, location: string) => Promise<Buffer>;

/**
 * Loads a photo's image bytes from a local path, a file: URL, or http(s) with bounded concurrency,
 * timeouts, retries (429 and 5xx and network errors; other 4xx fail at once) and an on-disk cache.
 */
export function createImageLoader(options: ImageLoaderOptions): ImageLoader {
  const limit = pLimit(options.concurrency ?? 8);
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;
  return async (photoId, location) => {
    if (/^https?:\/\//i.test(location)) return limit(() => download(photoId, withWidth(location, options.width), options, maxBytes));
    const path = location.startsWith('file:') ? fileURLToPath(location) : isAbsolute(location) ? location : join(options.dataDir, location);
    return readFile(path);
  };
}

function withWidth(url: string, width: number | undefined): string {
  if (!width) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('w')) parsed.searchParams.set('w', String(width));
  return parsed.toString();
}

async function download(photoId: string, url: string, options: ImageLoaderOptions, maxBytes: number): Promise<Buffer> {
  const digest = createHash('sha1').update(url).digest('hex').slice(0, 12);
  const cached = join(options.cacheDir, `${photoId.replace(/[^\w-]/g, '_')}-${digest}`);
  if (existsSync(cached)) return readFile(cached);

  const bytes = await pRetry(() => fetchOnce(url, options.timeoutMs ?? 15_000, maxBytes), {
    retries: options.retries ?? 3,
    factor: 2,
    minTimeout: 250,
    maxTimeout: 5_000,
    randomize: true,
  });
  await mkdir(options.cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.part`;
  await writeFile(partial, bytes);
  await rename(partial, cached);
  return bytes;
}

async function fetchOnce(url: string, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) {
    const message = `image fetch: ${url} answered HTTP ${response.status}`;
    // Only throttling and server errors are worth another try.
    if (response.status === 429 || response.status >= 500) throw createError('DOWNLOAD_FAILED', message);
    throw new AbortError(createError('DOWNLOAD_FAILED', message));
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new AbortError(createError('DOWNLOAD_FAILED', `image fetch: ${url} is ${declared} bytes, over the limit of ${maxBytes}`));
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > maxBytes) throw new AbortError(createError('DOWNLOAD_FAILED', `image fetch: ${url} is over the limit of ${maxBytes} bytes`));
  return body;
}
