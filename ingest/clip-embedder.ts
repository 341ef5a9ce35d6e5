import { resolve } from 'node:path';
import { loadClipEncoder } from '../sidecar/clip/index.ts';
import type { ImageEmbedder } from './embed-batches.ts';

export interface LoadedEmbedder extends ImageEmbedder {
  /** Names the model, so that changing it re-indexes the photos (see contentHash). */
  id: string;
  close(): Promise<void>;
}

/** The CLIP image encoder as ingest uses it. */
export async function loadImageEmbedder(modelDir: string, options: { quantized?: boolean } = {}): Promise<LoadedEmbedder> {
  const encoder = await loadClipEncoder(modelDir, { quantized: !!options.quantized });
  return {
    dims: encoder.dims,
    id: `clip:${resolve(modelDir)}:${options.quantized ? 'int8' : 'fp32'}:${encoder.dims}`,
    embedImages: (inputs) => encoder.embedImages(inputs),
    close: () => encoder.close(),
  };
}
