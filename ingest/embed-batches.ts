import pLimit from 'p-limit';
import type { ImageLoader } from './images/image-loader.ts';

/** The part of the CLIP encoder that ingest uses. */
export interface ImageEmbedder {
  readonly dims: number;
  embedImages(inputs: Array<string | Buffer>): Promise<Array<Float32Array | Error>>;
}

export interface ImageJob<T> {
  photoId: string;
  location: string | null;
  item: T;
}

export type EmbedOutcome<T> = { item: T; vector: Float32Array } | { item: T; error: string };

/**
 * Fetches the images of a batch concurrently and embeds them, one batch on the CPU at a time while
 * the next batch's images are being fetched. A photo whose image cannot be had or decoded fails
 * alone, with its reason; the batch goes on.
 */
export function createBatchEmbedder(embedder: ImageEmbedder, loadImage: ImageLoader) {
  const cpu = pLimit(1);
  return async function embedBatch<T>(jobs: Array<ImageJob<T>>): Promise<Array<EmbedOutcome<T>>> {
    const loaded = await Promise.all(
      jobs.map(async (job) => {
        if (!job.location) return new Error('image: the row has no photo_image_url');
        try {
          return await loadImage(job.photoId, job.location);
        } catch (error) {
          return new Error(`image: ${(error as Error).message}`);
        }
      }),
    );
    const ready = loaded.flatMap((bytes, i) => (bytes instanceof Error ? [] : [{ i, bytes }]));
    const vectors = await cpu(() => (ready.length > 0 ? embedder.embedImages(ready.map((r) => r.bytes)) : Promise.resolve([])));
    const byJob = new Map(ready.map((r, n) => [r.i, vectors[n]!]));
    return jobs.map((job, i) => {
      const failed = loaded[i];
      if (failed instanceof Error) return { item: job.item, error: failed.message };
      const vector = byJob.get(i);
      if (!vector) return { item: job.item, error: 'image: the encoder returned nothing' };
      if (vector instanceof Error) return { item: job.item, error: `image: ${vector.message}` };
      return { item: job.item, vector };
    });
  };
}
