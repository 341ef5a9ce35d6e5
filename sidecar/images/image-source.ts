import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTPException } from 'hono/http-exception';
import { LRUCache } from 'lru-cache';
import type { Client } from '../../es-mappings/client.ts';
import { recordedDatasetFolder } from '../../es-mappings/dataset-folder.ts';

/** Where a photo's full image is: a file of the dataset, or a URL to fetch. */
export type ImageSource = { kind: 'file'; path: string } | { kind: 'url'; url: string };

/** Finds a photo's image; a photo that has none it can serve is a 404 saying why. */
export interface ImageLocator {
  locate(photoId: string, signal?: AbortSignal): Promise<ImageSource>;
}

/**
 * Where the image of a photo whose `image_url` is `location` lives: http(s) URLs are fetched;
 * anything else is a file of the dataset, relative to the folder it was ingested from (as the
 * ingest itself reads it). Files outside that folder are not served: the route must not become a
 * way to read any file the process can.
 */
export function imageSourceOf(photoId: string, location: string, datasetFolder: string | undefined): ImageSource {
  if (/^https?:\/\//i.test(location)) return { kind: 'url', url: location };
  if (!datasetFolder) {
    throw new HTTPException(404, { message: `photo ${photoId}: its image is the local path ${location}, but the index records no dataset folder; run pixrank ingest --data DIR again to record it` });
  }
  const path = location.startsWith('file:') ? fileURLToPath(location) : isAbsolute(location) ? location : join(datasetFolder, location);
  const inside = relative(resolve(datasetFolder), resolve(path));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new HTTPException(404, { message: `photo ${photoId}: its image ${location} is outside the dataset folder ${datasetFolder} and is not served` });
  }
  return { kind: 'file', path: resolve(path) };
}

export interface ElasticImageLocatorOptions {
  /** How long a photo's location and the dataset folder are remembered. */
  ttlMs?: number;
}

/**
 * Reads a photo's `image_url` from its document (`_id` is the photo id) and the dataset folder
 * from the index's `_meta`, both remembered for a few minutes: a page of 24 thumbnails would
 * otherwise be 24 more requests to Elasticsearch each time it is shown.
 */
export function elasticImageLocator(es: Client, index: string, options: ElasticImageLocatorOptions = {}): ImageLocator {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const locations = new LRUCache<string, { url: string | null }>({ max: 20_000, ttl });
  let folder: { value: string | undefined; at: number } | undefined;

  async function datasetFolder(signal?: AbortSignal): Promise<string | undefined> {
    if (!folder || Date.now() - folder.at > ttl) folder = { value: await recordedDatasetFolder(es, index, signal), at: Date.now() };
    return folder.value;
  }

  async function imageUrl(photoId: string, signal?: AbortSignal): Promise<string | null> {
    const known = locations.get(photoId);
    if (known) return known.url;
    const found = await es.search<{ image_url?: string | null }>(
      { index, size: 1, query: { ids: { values: [photoId] } }, _source: ['image_url'] },
      { signal },
    );
    const hit = found.hits.hits[0];
    if (!hit) throw new HTTPException(404, { message: `photo ${photoId}: no such photo in ${index}` });
    const url = hit._source?.image_url ?? null;
    locations.set(photoId, { url });
    return url;
  }

  return {
    async locate(photoId, signal) {
      const location = await imageUrl(photoId, signal);
      if (!location) throw new HTTPException(404, { message: `photo ${photoId}: its dataset row has no photo_image_url` });
      return imageSourceOf(photoId, location, /^https?:\/\//i.test(location) ? undefined : await datasetFolder(signal));
    },
  };
}
