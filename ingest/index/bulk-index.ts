import type { Client } from '../../es-mappings/client.ts';
import { applyBulkLoadSettings, bulkLoadSettings } from './bulk-load-settings.ts';
import { serializeDocument } from './serialize-document.ts';

export interface BulkDocument {
  id: string;
  body: Record<string, unknown>;
}

export interface BulkIndexOptions {
  index: string;
  /** Called for every document Elasticsearch refused, with its reason. */
  onReject: (id: string, reason: string) => void;
  /** Called for every acknowledged document. */
  onIndexed?: (id: string) => void;
  /** Default `PIXRANK_BULK_FLUSH_BYTES` or 5 MB. */
  flushBytes?: number;
  /** Bulk requests in flight; default `PIXRANK_BULK_CONCURRENCY` or 2 (the write pool of 2 cores). */
  concurrency?: number;
  refresh?: boolean;
  /**
   * Index settings for the load (see bulk-load-settings.ts), restored afterwards; false for none.
   * Default: bulkLoadSettings, unless `PIXRANK_BULK_LOAD_SETTINGS=off` (for benchmarks).
   */
  bulkLoad?: Readonly<Record<string, string>> | false;
  /**
   * With periodic refresh off for the load, refresh after this many acknowledged documents, so
   * that a long load shows progress to searches (and a killed one leaves what it did visible)
   * while segments stay large. Default 20 000.
   */
  refreshEveryDocs?: number;
}

export interface BulkIndexResult {
  indexed: number;
  rejected: number;
  seconds: number;
  /** Bytes of bulk bodies sent. */
  bytes: number;
}

function envInt(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * The Elasticsearch bulk helper with our bookkeeping: `_id` = photo id (so a re-run overwrites,
 * never duplicates), bounded concurrency and flush size, 429s retried by the helper, and every
 * dropped item handed to `onReject` with Elasticsearch's own reason. The index gets bulk-load
 * settings for the duration (no refresh, async translog) and its own back afterwards.
 */
export async function bulkIndex(client: Client, documents: AsyncIterable<BulkDocument>, options: BulkIndexOptions): Promise<BulkIndexResult> {
  const bulkLoad = options.bulkLoad ?? (process.env.PIXRANK_BULK_LOAD_SETTINGS === 'off' ? false : bulkLoadSettings);
  const settings = bulkLoad === false ? undefined : await applyBulkLoadSettings(client, options.index, bulkLoad);
  try {
    return await runBulkHelper(client, documents, options, settings ? (options.refreshEveryDocs ?? 20_000) : undefined);
  } finally {
    await settings?.restore();
  }
}

async function runBulkHelper(client: Client, documents: AsyncIterable<BulkDocument>, options: BulkIndexOptions, refreshEvery: number | undefined): Promise<BulkIndexResult> {
  let rejected = 0;
  let acknowledged = 0;
  let refreshing: Promise<unknown> = Promise.resolve();
  const result = await client.helpers.bulk<BulkDocument>({
    datasource: documents[Symbol.asyncIterator](),
    // A string payload goes out as is: vectors at float32 precision (see serialize-document.ts).
    onDocument: (doc) => [{ index: { _index: options.index, _id: doc.id } }, serializeDocument(doc.body)],
    onDrop: (dropped) => {
      rejected += 1;
      const error = dropped.error as { type?: string; reason?: string; caused_by?: { reason?: string } } | null;
      const reason = error ? `elasticsearch: ${error.type ?? 'error'}: ${error.reason ?? ''}${error.caused_by?.reason ? ` (${error.caused_by.reason})` : ''}` : `elasticsearch: HTTP ${dropped.status}`;
      const id = (dropped.operation as { index?: { _id?: string } }).index?._id ?? (dropped.document as { photo_id?: string } | null)?.photo_id ?? '';
      options.onReject(id, reason);
    },
    // The helper hands back the parsed body, not our BulkDocument: the id is in the response item.
    onSuccess: ({ result }) => {
      acknowledged += 1;
      if (refreshEvery && acknowledged % refreshEvery === 0) {
        refreshing = refreshing.then(() => client.indices.refresh({ index: options.index }).catch(() => undefined));
      }
      const item = result.index ?? result.create ?? result.update;
      if (item?._id) options.onIndexed?.(item._id);
    },
    flushBytes: options.flushBytes ?? envInt('PIXRANK_BULK_FLUSH_BYTES') ?? 5_000_000,
    concurrency: options.concurrency ?? envInt('PIXRANK_BULK_CONCURRENCY') ?? 2,
    retries: 3,
    wait: 1_000,
    ...(options.refresh === false ? {} : { refreshOnCompletion: options.index }),
  });
  await refreshing;
  return { indexed: result.successful, rejected, seconds: result.time / 1000, bytes: result.bytes };
}
