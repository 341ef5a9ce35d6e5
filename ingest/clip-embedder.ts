import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { loadClipEncoder, locateClipModel } from '../sidecar/clip/index.ts';
import type { ImageEmbedder } from './embed-batches.ts';

export interface LoadedEmbedder extends ImageEmbedder {
  /** Names the model by what it is, so that changing it re-indexes the photos (see contentHash). */
  id: string;
  close(): Promise<void>;
}

/**
 * The CLIP image encoder as ingest uses it. Its id carries a digest of the vision model file: a
 * model retrained or replaced in the same folder (the shipped world CLIP after an update) makes
 * every photo's content hash change, so the next ingest embeds them again instead of leaving
 * vectors of the old model beside queries embedded by the new one; the same model elsewhere
 * changes nothing.
 */
export async function loadImageEmbedder(modelDir: string, options: { quantized?: boolean } = {}): Promise<LoadedEmbedder> {
  const quantized = !!options.quantized;
  const digest = await fileDigest(locateClipModel(modelDir, quantized).visionModel);
  const encoder = await loadClipEncoder(modelDir, { quantized });
  return {
    dims: encoder.dims,
    id: `clip:${digest.slice(0, 16)}:${quantized ? 'int8' : 'fp32'}:${encoder.dims}`,
    embedImages: (inputs) => encoder.embedImages(inputs),
    close: () => encoder.close(),
  };
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
