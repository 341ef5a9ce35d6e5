import type { Client } from '../es-mappings/client.ts';
import { CLIP_BYTES_FIELD, encodeVectorBytes } from '../es-mappings/vector-bytes.ts';
import { contentHash, photoDocument, type PhotoDocument } from './documents/photo-document.ts';
import { createBatchEmbedder, type ImageEmbedder } from './embed-batches.ts';
import type { ImageLoader } from './images/image-loader.ts';
import { bulkIndex, type BulkDocument } from './index/bulk-index.ts';
import { existingContentHashes } from './index/existing-hashes.ts';
import type { IngestSources, RowReject } from './sources.ts';
import type { VectorTable } from './vectors/vector-file.ts';

export type VectorSource =
  | { kind: 'model'; embedder: ImageEmbedder; loadImage: ImageLoader; id: string }
  | { kind: 'file'; table: VectorTable }
  | { kind: 'none' };

export interface IngestCounts {
  read: number;
  indexed: number;
  rejected: number;
  unchanged: number;
  images: number;
}

export interface PhotoIngestOptions {
  client: Client;
  /** The alias (write index) documents go to; it must exist with the right dims. */
  alias: string;
  sources: IngestSources;
  vectors: VectorSource;
  reject: (table: string, reject: RowReject) => void;
  batchSize?: number;
  onProgress?: (counts: Readonly<IngestCounts>) => void;
}

export interface PhotoIngestSummary extends IngestCounts {
  seconds: number;
  /** Photos indexed without a clip vector (none given, or missing from the vectors file). */
  withoutVector: number;
}

interface Pending {
  document: PhotoDocument;
  hash: string;
  line: number;
}

/**
 * read → clean → images → embeddings → bulk. Every photos row ends in exactly one of indexed,
 * rejected (with its reason in the reject file) or unchanged (same content hash already indexed),
 * so `read == indexed + rejected + unchanged`.
 */
export async function ingestPhotos(options: PhotoIngestOptions): Promise<PhotoIngestSummary> {
  const started = Date.now();
  const counts: IngestCounts = { read: 0, indexed: 0, rejected: 0, unchanged: 0, images: 0 };
  let withoutVector = 0;
  const report = (): void => options.onProgress?.(counts);
  const rejectPhoto = (line: number, reason: string, raw: string): void => {
    counts.rejected += 1;
    options.reject('photos', { file: 'photos', line, reason, raw });
    report();
  };

  const extrasOf = await options.sources.extras(options.reject);
  const existing = await existingContentHashes(options.client, options.alias);
  const vectorSourceId = options.vectors.kind === 'model' ? options.vectors.id : options.vectors.kind === 'file' ? options.vectors.table.source : 'none';
  const seen = new Map<string, number>();
  const lineOf = new Map<string, number>();

  const withVector = (pending: Pending, vector: Float32Array | undefined): BulkDocument => {
    if (!vector) withoutVector += 1;
    const body: Record<string, unknown> = { ...pending.document, content_hash: pending.hash, indexed_at: new Date().toISOString() };
    if (vector) {
      body.clip = Array.from(vector);
      // The same floats as bytes, for reading back by id (es-mappings/vector-bytes.ts); run-ingest brought the index up to a template that maps it.
      body[CLIP_BYTES_FIELD] = encodeVectorBytes(vector);
    }
    lineOf.set(pending.document.photo_id, pending.line);
    return { id: pending.document.photo_id, body };
  };

  async function* pendingPhotos(): AsyncGenerator<Pending> {
    let line = 0;
    for await (const row of options.sources.photos((reject) => {
      counts.read += 1;
      counts.rejected += 1;
      options.reject('photos', reject);
      report();
    })) {
      counts.read += 1;
      line += 1;
      const first = seen.get(row.photo_id);
      if (first !== undefined) {
        rejectPhoto(line, `duplicate photo_id ${row.photo_id} (first seen in row ${first})`, JSON.stringify(row));
        continue;
      }
      seen.set(row.photo_id, line);
      const document = photoDocument(row, extrasOf(row.photo_id));
      const hash = contentHash(document, vectorSourceId);
      if (existing.get(row.photo_id) === hash) {
        counts.unchanged += 1;
        report();
        continue;
      }
      yield { document, hash, line };
    }
  }

  async function* documents(): AsyncGenerator<BulkDocument> {
    const vectors = options.vectors;
    if (vectors.kind !== 'model') {
      for await (const pending of pendingPhotos()) {
        yield withVector(pending, vectors.kind === 'file' ? vectors.table.get(pending.document.photo_id) : undefined);
      }
      return;
    }
    const embedBatch = createBatchEmbedder(vectors.embedder, vectors.loadImage);
    const size = options.batchSize ?? 16;
    const finish = function* (outcomes: Awaited<ReturnType<typeof embedBatch<Pending>>>): Generator<BulkDocument> {
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          rejectPhoto(outcome.item.line, outcome.error, JSON.stringify({ photo_id: outcome.item.document.photo_id, image_url: outcome.item.document.image_url }));
        } else {
          counts.images += 1;
          yield withVector(outcome.item, outcome.vector);
        }
      }
    };
    // One batch embeds while the next one's images load.
    let inflight: ReturnType<typeof embedBatch<Pending>> | undefined;
    let batch: Pending[] = [];
    const launch = (items: Pending[]) => embedBatch(items.map((item) => ({ photoId: item.document.photo_id, location: item.document.image_url, item })));
    for await (const pending of pendingPhotos()) {
      batch.push(pending);
      if (batch.length < size) continue;
      const next = launch(batch);
      batch = [];
      if (inflight) yield* finish(await inflight);
      inflight = next;
    }
    const last = batch.length > 0 ? launch(batch) : undefined;
    if (inflight) yield* finish(await inflight);
    if (last) yield* finish(await last);
  }

  const result = await bulkIndex(options.client, documents(), {
    index: options.alias,
    onReject: (id, reason) => rejectPhoto(lineOf.get(id) ?? 0, reason, JSON.stringify({ photo_id: id })),
    onIndexed: () => {
      counts.indexed += 1;
      report();
    },
  });
  counts.indexed = result.indexed;
  return { ...counts, seconds: (Date.now() - started) / 1000, withoutVector };
}
