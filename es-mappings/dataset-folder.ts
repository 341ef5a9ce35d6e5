import type { Client } from './client.ts';

/** The `_meta` key of the photos index that names the folder the photos were last ingested from. */
export const DATASET_FOLDER_META_KEY = 'pixrank_dataset_folder';

/**
 * Remembers, in the photos index's `_meta`, the absolute folder a dataset was ingested from.
 * A photo's `image_url` is often a path relative to that folder (`images/<id>.jpg` in a generated
 * world), and the sidecar, which serves those images, is started without being told where the
 * dataset lives; the index is the one thing both sides share. Other `_meta` keys are kept
 * (`putMapping` replaces `_meta` whole).
 */
export async function recordDatasetFolder(client: Client, alias: string, folder: string): Promise<void> {
  const mapping = await client.indices.getMapping({ index: alias });
  for (const [index, { mappings }] of Object.entries(mapping)) {
    const meta = (mappings._meta ?? {}) as Record<string, unknown>;
    if (meta[DATASET_FOLDER_META_KEY] === folder) continue;
    await client.indices.putMapping({ index, _meta: { ...meta, [DATASET_FOLDER_META_KEY]: folder } });
  }
}

/** The folder `recordDatasetFolder` kept for `alias`, or undefined when no ingest recorded one. */
export async function recordedDatasetFolder(client: Client, alias: string, signal?: AbortSignal): Promise<string | undefined> {
  const mapping = await client.indices.getMapping({ index: alias }, { signal });
  for (const { mappings } of Object.values(mapping)) {
    const folder = (mappings._meta as Record<string, unknown> | undefined)?.[DATASET_FOLDER_META_KEY];
    if (typeof folder === 'string' && folder.length > 0) return folder;
  }
  return undefined;
}
