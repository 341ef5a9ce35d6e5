import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import pRetry from 'p-retry';
import { authHeaders, hubStatusError, type FileMetadata, type HubOptions } from './hub-client.ts';
import { ClipError } from '../errors.ts';

export interface DownloadEvents {
  /** Bytes already on disk when a (re)try starts; `resumed` when a Range request continues them. */
  start(path: string, total: number, already: number, resumed: boolean): void;
  advance(path: string, bytes: number): void;
  retry(path: string, error: Error, attempt: number): void;
}

export interface DownloadOptions {
  retries: number;
  /** First backoff in ms (doubled each retry, with jitter). */
  minBackoffMs: number;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/**
 * What the hub's ETag says about the bytes: a 64-hex ETag is the sha256 of an LFS file, a 40-hex
 * one the git blob id, sha1("blob <size>\0" + content). Anything else cannot be checked.
 */
export function checksumKind(etag: string): 'sha256' | 'git-sha1' | undefined {
  if (/^[0-9a-f]{64}$/i.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/i.test(etag)) return 'git-sha1';
  return undefined;
}

/** The file's digest in the form its ETag uses, or undefined when the ETag is neither form. */
export async function fileDigest(path: string, etag: string): Promise<string | undefined> {
  const kind = checksumKind(etag);
  if (!kind) return undefined;
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') hash.update(`blob ${(await stat(path)).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a file on disk already holds the bytes the hub describes. */
export async function matchesMetadata(path: string, meta: FileMetadata): Promise<boolean> {
  if ((await sizeOf(path)) !== meta.size) return false;
  const digest = await fileDigest(path, meta.etag);
  return digest === undefined || digest === meta.etag.toLowerCase();
}

/**
 * Writes the body to `partial` chunk by chunk, each write finished before the next read, so that
 * every byte received before a failure is on disk for the next attempt to resume from. Aborts
 * the request when no byte arrives for `idleMs`.
 */
async function writeBody(path: string, body: AsyncIterable<Uint8Array>, partial: string, append: boolean, idleMs: number, controller: AbortController, events: DownloadEvents): Promise<void> {
  const file = await open(partial, append ? 'a' : 'w');
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: no data for ${idleMs} ms while downloading ${path}`)), idleMs);
  };
  try {
    arm();
    for await (const chunk of body) {
      arm();
      await file.write(chunk);
      events.advance(path, chunk.length);
    }
  } finally {
    clearTimeout(timer);
    await file.close();
  }
}

function reason(error: unknown): string {
  const e = error as Error & { cause?: { message?: string } };
  return e.cause?.message ? `${e.message}: ${e.cause.message}` : (e.message ?? String(error));
}

/** One request: continues `partial` from its length when it has bytes (Range), else starts over. */
async function attempt(meta: FileMetadata, partial: string, hub: HubOptions, events: DownloadEvents): Promise<void> {
  let already = (await sizeOf(partial)) ?? 0;
  if (already > meta.size) {
    await truncate(partial, 0);
    already = 0;
  }
  if (already === meta.size) return;
  const controller = new AbortController();
  const connect = setTimeout(() => controller.abort(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: no answer in ${hub.timeoutMs} ms for ${meta.path}`)), hub.timeoutMs);
  let response: Response;
  try {
    response = await fetch(meta.location, {
      headers: { ...authHeaders(hub, meta.location), 'accept-encoding': 'identity', ...(already > 0 ? { range: `bytes=${already}-` } : {}) },
      signal: controller.signal,
    });
  } catch (error) {
    throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${meta.path}: cannot reach ${new URL(meta.location).origin}: ${reason(error)}`, { cause: error });
  } finally {
    clearTimeout(connect);
  }
  if (response.status === 416) {
    // The partial file does not fit the served one (it changed under us): start over.
    await response.body?.cancel();
    await truncate(partial, 0);
    throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${meta.path}: the server refused to resume at byte ${already} (416); starting over`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw hubStatusError(response.status, `file ${meta.path}`, hub, response.headers.get('x-error-code'));
  }
  // 206 continues the partial file; 200 means the server ignored Range and sends it all.
  const resumed = response.status === 206;
  if (resumed) {
    const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== already) {
      await response.body.cancel();
      await truncate(partial, 0);
      throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${meta.path}: asked for bytes from ${already}, got Content-Range ${response.headers.get('content-range') ?? 'none'}; starting over`);
    }
  }
  events.start(meta.path, meta.size, resumed ? already : 0, resumed);
  const body = response.body as AsyncIterable<Uint8Array>;
  try {
    await writeBody(meta.path, body, partial, resumed, hub.timeoutMs, controller, events);
  } catch (error) {
    const got = (await sizeOf(partial)) ?? 0;
    throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${meta.path}: download interrupted at byte ${got} of ${meta.size} (${reason(error)}); ${got} bytes kept in ${partial}`, { cause: error });
  }
  const got = (await sizeOf(partial)) ?? 0;
  if (got !== meta.size) throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${meta.path}: the connection ended at byte ${got} of ${meta.size}`);
}

/**
 * Downloads one file to `target` the way huggingface_hub does: bytes go to `<target>.incomplete`,
 * an interrupted transfer continues with `Range: bytes=N-` (on this run's retries or the next
 * run), and the file is renamed into place only when its size and checksum match the hub's.
 * A checksum mismatch deletes the partial file and is not retried.
 */
export async function downloadFile(meta: FileMetadata, target: string, hub: HubOptions, options: DownloadOptions, events: DownloadEvents): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.incomplete`;
  await pRetry(() => attempt(meta, partial, hub, events), {
    retries: options.retries,
    minTimeout: options.minBackoffMs,
    factor: 2,
    randomize: true,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0) events.retry(meta.path, error, attemptNumber);
    },
  });
  const digest = await fileDigest(partial, meta.etag);
  if (digest !== undefined && digest !== meta.etag.toLowerCase()) {
    await unlink(partial);
    const kind = checksumKind(meta.etag);
    throw new ClipError('CLIP_CHECKSUM_MISMATCH', `model fetch: checksum mismatch for ${meta.path}: the hub says ${kind} ${meta.etag}, the downloaded bytes hash to ${digest}; deleted the download, run the fetch again`);
  }
  await rename(partial, target);
}
