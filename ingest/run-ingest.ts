import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyEventMappings, applyMappings, clipDimsOf, indicesBehindAlias } from '../es-mappings/apply.ts';
import type { Client } from '../es-mappings/client.ts';
import { recordDatasetFolder } from '../es-mappings/dataset-folder.ts';
import { createError } from '../es-mappings/errors.ts';
import { upgradeIfBehind } from '../es-mappings/reindex.ts';
import { cacheDir } from '../es-mappings/paths.ts';
import { DEFAULT_CLIP_DIMS } from '../es-mappings/templates.ts';
import { ingestConversionEvents, type ConversionEventsSummary } from './conversion-events.ts';
import type { ImageEmbedder } from './embed-batches.ts';
import { createImageLoader } from './images/image-loader.ts';
import { ingestPhotos, type IngestCounts, type VectorSource } from './pipeline.ts';
import { RejectWriter } from './read/reject-writer.ts';
import { partFiles } from './read/table-reader.ts';
import { unsplashSources } from './unsplash-sources.ts';
import { loadVectorTable } from './vectors/vector-file.ts';

export interface RunIngestOptions {
  client: Client;
  dataDir: string;
  alias: string;
  /** An image embedder (the CLIP encoder) and an id naming the model, or … */
  embedder?: ImageEmbedder & { id: string };
  /** … a precomputed vectors file; with neither, photos are indexed without vectors. */
  vectorsFile?: string;
  imageWidth?: number;
  imageConcurrency?: number;
  batchSize?: number;
  log?: (line: string) => void;
  onProgress?: (counts: Readonly<IngestCounts>) => void;
}

export interface IngestSummary {
  read: number;
  indexed: number;
  rejected: number;
  unchanged: number;
  seconds: number;
  images: number;
  without_vector: number;
  vectors: string;
  conversions: ConversionEventsSummary;
  rejects: Record<string, number>;
}

/** `pixrank ingest`: a dataset folder into the photos alias, every row accounted for. */
export async function runIngest(options: RunIngestOptions): Promise<IngestSummary> {
  const log = options.log ?? (() => {});
  const { client, dataDir, alias } = options;
  if (!existsSync(dataDir)) throw createError('DATA_NOT_FOUND', `ingest: ${dataDir} does not exist`);
  if ((await partFiles(dataDir, 'photos')).length === 0) throw createError('DATA_NOT_FOUND', `ingest: ${dataDir} has no photos.tsv000 (or photos.tsv / photos.csv000)`);

  let vectors: VectorSource;
  if (options.embedder) {
    vectors = {
      kind: 'model',
      embedder: options.embedder,
      id: options.embedder.id,
      loadImage: createImageLoader({
        dataDir,
        cacheDir: join(cacheDir(), 'images'),
        ...(options.imageConcurrency ? { concurrency: options.imageConcurrency } : {}),
        ...(options.imageWidth ? { width: options.imageWidth } : {}),
      }),
    };
  } else if (options.vectorsFile) {
    vectors = { kind: 'file', table: await loadVectorTable(options.vectorsFile) };
  } else {
    log('ingest: warning: no --model and no --vectors: photos are indexed without CLIP vectors (keyword search only)');
    vectors = { kind: 'none' };
  }
  const dims = vectors.kind === 'model' ? vectors.embedder.dims : vectors.kind === 'file' ? vectors.table.dims : undefined;

  // A dims mismatch is one clear error before any work, not a flood of rejects.
  const current = await indicesBehindAlias(client, alias);
  if (current.length > 0 && dims !== undefined) {
    const existing = await clipDimsOf(client, current[0]!);
    if (existing !== undefined && existing !== dims) {
      throw createError('INDEX_CONFLICT', `ingest: ${alias} → ${current[0]} holds ${existing}-dim clip vectors but the vectors in use have ${dims}; use another --index, or delete ${current[0]}`);
    }
  }
  if (current.length === 0) {
    const applied = await applyMappings(client, { alias, clipDims: dims ?? DEFAULT_CLIP_DIMS });
    log(`ingest: created ${alias} → ${applied.index} (clip ${applied.clipDims} dims)`);
  } else {
    await applyEventMappings(client);
    await upgradeIfBehind(client, alias, log);
  }
  // The sidecar serves images whose paths are relative to this folder (GET /images/:photo_id).
  await recordDatasetFolder(client, alias, resolve(dataDir));

  const rejects = new RejectWriter(dataDir);
  const sources = unsplashSources(dataDir);
  try {
    const photos = await ingestPhotos({
      client,
      alias,
      sources,
      vectors,
      reject: (table, reject) => rejects.write(table, reject),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const conversions = await ingestConversionEvents(client, alias, sources, (table, reject) => rejects.write(table, reject));
    return {
      read: photos.read,
      indexed: photos.indexed,
      rejected: photos.rejected,
      unchanged: photos.unchanged,
      seconds: photos.seconds,
      images: photos.images,
      without_vector: photos.withoutVector,
      vectors: vectors.kind === 'model' ? vectors.id : vectors.kind === 'file' ? vectors.table.source : 'none',
      conversions,
      rejects: Object.fromEntries(rejects.counts),
    };
  } finally {
    await rejects.close();
  }
}
