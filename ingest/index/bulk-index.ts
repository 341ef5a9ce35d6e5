import type { Client } from '../../es-mappings/client.ts';

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
  flushBytes?: number;
  concurrency?: number;
  refresh?: boolean;
}

export interface BulkIndexResult {
  indexed: number;
  rejected: number;
  seconds: number;
}

/**
 * The Elasticsearch bulk helper with our bookkeeping: `_id` = photo id (so a re-run overwrites,
 * never duplicates), bounded concurrency and flush size, 429s retried by the helper, and every
 * dropped item handed to `onReject` with Elasticsearch's own reason.
 */
export async function bulkIndex(client: Client, documents: AsyncIterable<BulkDocument>, options: BulkIndexOptions): Promise<BulkIndexResult> {
  let rejected = 0;
  const result = await client.helpers.bulk<BulkDocument>({
    datasource: documents[Symbol.asyncIterator](),
    onDocument: (doc) => [{ index: { _index: options.index, _id: doc.id } }, doc.body],
    onDrop: (dropped) => {
      rejected += 1;
      const error = dropped.error as { type?: string; reason?: string; caused_by?: { reason?: string } } | null;
      const reason = error ? `elasticsearch: ${error.type ?? 'error'}: ${error.reason ?? ''}${error.caused_by?.reason ? ` (${error.caused_by.reason})` : ''}` : `elasticsearch: HTTP ${dropped.status}`;
      options.onReject(dropped.document.id, reason);
    },
    onSuccess: ({ document }) => {
      if (document) options.onIndexed?.((document as BulkDocument).id);
    },
    flushBytes: options.flushBytes ?? 5_000_000,
    concurrency: options.concurrency ?? 2,
    retries: 3,
    wait: 1_000,
    ...(options.refresh === false ? {} : { refreshOnCompletion: options.index }),
  });
  return { indexed: result.successful, rejected, seconds: result.time / 1000 };
}
