import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import { createError } from '../../es-mappings/errors.ts';
import { scanIndex } from '../../es-mappings/scan.ts';
import { FEEDBACK_EVENTS_INDEX, SEARCH_EVENTS_INDEX } from '../../es-mappings/templates.ts';
import type { PhotoFacts } from '../data/events.ts';
import type { LoggedFeedback, LoggedSearch } from './logged-search.ts';

export interface EventsRange {
  /** The photos alias the events were served from. */
  index: string;
  /** ISO date or date-time: events at or after it (default: all). */
  since?: string;
}

function filterOf(range: EventsRange, extra: estypes.QueryDslQueryContainer[] = []): estypes.QueryDslQueryContainer {
  return { bool: { filter: [{ term: { index: range.index } }, ...(range.since ? [{ range: { '@timestamp': { gte: range.since } } }] : []), ...extra] } };
}

async function collect<T>(es: Client, index: string, query: estypes.QueryDslQueryContainer, source: string[]): Promise<T[]> {
  if (!(await es.indices.exists({ index }))) throw createError('NOT_ENOUGH_DATA', `train --from-events: there is no ${index} index; serve searches with \`pixrank serve\` first`);
  const out: T[] = [];
  for await (const hit of scanIndex<T>(es, index, { query, source })) if (hit._source) out.push(hit._source);
  return out;
}

/** The served searches of `range` with what learning needs of them (query, user, shown rows, feature vectors, swap). */
export function readLoggedSearches(es: Client, range: EventsRange): Promise<LoggedSearch[]> {
  return collect<LoggedSearch>(es, SEARCH_EVENTS_INDEX, filterOf(range), ['@timestamp', 'request_id', 'index', 'query', 'user', 'country', 'page', 'served_ids', 'featureset', 'logged', 'swap']);
}

/** The feedback posted to the sidecar in `range` (not the dataset's conversions, which `--data` reads from their files). */
export function readSidecarFeedback(es: Client, range: EventsRange): Promise<LoggedFeedback[]> {
  return collect<LoggedFeedback>(es, FEEDBACK_EVENTS_INDEX, filterOf(range, [{ term: { source: 'sidecar' } }]), ['@timestamp', 'user', 'photo_id', 'type', 'query', 'country', 'source', 'request_id']);
}

interface PhotoFactsSource {
  photo_id?: string;
  photographer?: { username?: string | null };
  location?: { country?: string | null };
  stats?: { views?: number | null; downloads?: number | null };
  submitted_at?: string | null;
}

/** What the collaborative models read of each photo (country, photographer, views, downloads), from the index when there is no dataset folder. */
export async function readPhotoFacts(es: Client, index: string): Promise<Map<string, PhotoFacts>> {
  const photos = new Map<string, PhotoFacts>();
  for await (const hit of scanIndex<PhotoFactsSource>(es, index, { source: ['photo_id', 'photographer.username', 'location.country', 'stats', 'submitted_at'] })) {
    const s = hit._source;
    if (!s?.photo_id) continue;
    const facts: PhotoFacts = {};
    if (s.location?.country) facts.country = s.location.country;
    if (s.photographer?.username) facts.photographer = s.photographer.username;
    if (typeof s.stats?.views === 'number') facts.views = s.stats.views;
    if (typeof s.stats?.downloads === 'number') facts.downloads = s.stats.downloads;
    if (s.submitted_at) facts.submittedAt = Date.parse(s.submitted_at);
    photos.set(s.photo_id, facts);
  }
  return photos;
}
