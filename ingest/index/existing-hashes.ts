import type { Client } from '../../es-mappings/client.ts';
import { scanIndex } from '../../es-mappings/scan.ts';

/**
 * photo_id → content_hash of every document behind the alias, read with a point-in-time scan.
 * This is the ingest checkpoint: the index itself records what was acknowledged, so a run killed
 * at any point resumes by skipping what is already there, and a second run over the same data
 * indexes nothing. (~40 bytes a photo: 25k photos ≈ 1 MB, 5M ≈ 200 MB.)
 */
export async function existingContentHashes(client: Client, alias: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (!(await client.indices.exists({ index: alias }))) return hashes;
  for await (const hit of scanIndex<{ content_hash?: string }>(client, alias, { source: ['content_hash'], pageSize: 5_000 })) {
    if (hit._id && hit._source?.content_hash) hashes.set(hit._id, hit._source.content_hash);
  }
  return hashes;
}
