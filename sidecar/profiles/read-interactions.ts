import type { Client } from '../../es-mappings/client.ts';
import { FEEDBACK_EVENTS_INDEX } from '../../es-mappings/templates.ts';

export interface Interaction {
  photo_id: string;
  type: string;
  at: number;
}

/** A user's feedback events on the photos of `options.index` (`feedback-events`), newest first. */
export async function readInteractions(es: Client, user: string, options: { index: string; size: number; signal?: AbortSignal }): Promise<Interaction[]> {
  const response = await es.search<{ photo_id: string; type: string; '@timestamp': string }>(
    {
      index: FEEDBACK_EVENTS_INDEX,
      size: options.size,
      // Events are kept per photos alias: the same user id in another dataset is someone else.
      query: { bool: { filter: [{ term: { user } }, { term: { index: options.index } }] } },
      sort: [{ '@timestamp': { order: 'desc' } }],
      _source: ['photo_id', 'type', '@timestamp'],
      ignore_unavailable: true,
    },
    { signal: options.signal },
  );
  return response.hits.hits.flatMap((hit) => (hit._source ? [{ photo_id: hit._source.photo_id, type: hit._source.type, at: Date.parse(hit._source['@timestamp']) }] : []));
}
