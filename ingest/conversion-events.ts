import { createHash } from 'node:crypto';
import type { Client } from '../es-mappings/client.ts';
import { FEEDBACK_EVENTS_INDEX } from '../es-mappings/templates.ts';
import { bulkIndex, type BulkDocument } from './index/bulk-index.ts';
import type { IngestSources, RowReject } from './sources.ts';

export interface ConversionEventsSummary {
  read: number;
  indexed: number;
  rejected: number;
  /** True when the conversions files did not change since the last run and nothing was sent. */
  unchanged: boolean;
}

const META_KEY = 'pixrank_conversions_fingerprint';

/**
 * Indexes the dataset's conversions into `feedback-events` (type download, source conversions) so
 * Kibana shows them beside live feedback. Ids are digests of the rows: a re-run overwrites, never
 * duplicates; and when the files are unchanged since the last run (fingerprint kept in the photos
 * index's `_meta`) nothing is sent at all.
 */
export async function ingestConversionEvents(
  client: Client,
  alias: string,
  sources: IngestSources,
  reject: (table: string, reject: RowReject) => void,
): Promise<ConversionEventsSummary> {
  const fingerprint = await sources.conversionsFingerprint();
  const mapping = await client.indices.getMapping({ index: alias });
  const meta = Object.values(mapping)[0]?.mappings._meta as Record<string, unknown> | undefined;
  if (meta?.[META_KEY] === fingerprint) return { read: 0, indexed: 0, rejected: 0, unchanged: true };

  let read = 0;
  let rejected = 0;
  async function* events(): AsyncGenerator<BulkDocument> {
    for await (const row of sources.conversions((r) => {
      read += 1;
      rejected += 1;
      reject('conversions', r);
    })) {
      read += 1;
      const timestamp = row.converted_at instanceof Date ? row.converted_at.toISOString() : row.converted_at;
      const body = {
        '@timestamp': timestamp,
        index: alias,
        user: row.anonymous_user_id,
        photo_id: row.photo_id,
        type: row.conversion_type ?? 'download',
        query: row.keyword,
        country: row.conversion_country,
        source: 'conversions',
      };
      const id = createHash('sha1').update(alias).update(JSON.stringify(body)).digest('hex');
      yield { id, body };
    }
  }
  const result = await bulkIndex(client, events(), {
    index: FEEDBACK_EVENTS_INDEX,
    onReject: (id, reason) => {
      rejected += 1;
      reject('conversions', { file: 'conversions', line: 0, reason, raw: id });
    },
  });
  await client.indices.putMapping({ index: alias, _meta: { ...(meta ?? {}), [META_KEY]: fingerprint } });
  return { read, indexed: result.indexed, rejected, unchanged: false };
}
