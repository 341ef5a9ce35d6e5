import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createError } from '../errors.ts';

export type ChecksumAlgorithm = 'sha1' | 'sha512';

/** Hex digest of a file, streamed. */
export async function fileDigest(path: string, algorithm: ChecksumAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Maven's `.sha1`/`.sha512` files hold the digest, sometimes followed by the file name. */
export function parseChecksumFile(text: string): string {
  const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{40,128}$/.test(digest)) {
    throw createError('DOWNLOAD_FAILED', `checksum file: not a hex digest: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return digest;
}

export function algorithmOf(digest: string): ChecksumAlgorithm {
  return digest.length === 40 ? 'sha1' : 'sha512';
}
