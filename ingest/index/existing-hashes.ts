import type { Client } from '../../es-mappings/client.ts';

/**
 * photo_id → content_hash of every document behind the alias, read with a point-in-time scan.
 * This is the ingest checkpoint: the index itself records what was acknowledged, so a run killed
 * at any point resumes by skipping what is already there, and a second run over the same data
 * indexes nothing. (~40 bytes a photo: 25k photos ≈ 1 MB, 5M ≈ 200 MB.)
 */
export async function existingContentHashes(client: Client, alias: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (!(await client.indices.exists({ index: alias }))) return hashes;
  const pit = await client.openPointInTime({ index: alias, keep_alive: '1m' });
  let id = pit.id;
  let searchAfter: Array<string | number> | undefined;
  try {
    while (true) {
      const page = await client.search<{ content_hash?: string }>({
        pit: { id, keep_alive: '1m' },
        size: 5_000,
        sort: [{ _shard_doc: 'asc' }],
        _source: ['content_hash'],
        track_total_hits: false,
        ...(searchAfter ? { search_after: searchAfter } : {}),
      });
      id = page.pit_id ?? id;
      const hits = page.hits.hits;
      if (hits.length === 0) break;
      for (const hit of hits) {
        if (hit._id && hit._source?.content_hash) hashes.set(hit._id, hit._source.content_hash);
      }
      searchAfter = hits[hits.length - 1]!.sort as Array<string | number>;
    }
  } finally {
    await client.closePointInTime({ id }).catch(() => {});
  }
  return hashes;
}
