import type { Client } from '../../../es-mappings/client.ts';
import { createError } from '../../../es-mappings/errors.ts';
import { scanIndex } from '../../../es-mappings/scan.ts';
import { FEEDBACK_EVENTS_INDEX, SEARCH_EVENTS_INDEX } from '../../../es-mappings/templates.ts';
import type { LoggedFeedback, LoggedSearch } from './credit.ts';

export interface ExperimentEvents {
  method: 'ab' | 'interleave';
  /** The control first, as the sidecar logged them. */
  arms: string[];
  /** In the order they were served. */
  searches: LoggedSearch[];
  feedback: LoggedFeedback[];
}

interface SearchEventSource {
  '@timestamp': string;
  request_id: string;
  user?: string;
  page?: number;
  experiment: { name: string; method: 'ab' | 'interleave'; arms?: string[]; arm?: string };
  hits?: Array<{ id: string; team?: string }>;
}

/**
 * An experiment's served searches from `search-events` and the feedback on them from
 * `feedback-events` (joined on `request_id` here: Elasticsearch has no join across indices).
 * Both are read once each, paged through a point in time; feedback only from the first search on.
 */
export async function readExperimentEvents(client: Client, name: string, options: { since?: string; first?: number } = {}): Promise<ExperimentEvents> {
  await client.indices.refresh({ index: [SEARCH_EVENTS_INDEX, FEEDBACK_EVENTS_INDEX], ignore_unavailable: true });
  const since = options.since ? [{ range: { '@timestamp': { gte: options.since } } }] : [];
  let searches: Array<LoggedSearch & { at: string }> = [];
  let method: 'ab' | 'interleave' | undefined;
  let arms: string[] = [];
  let first: string | undefined;
  for await (const hit of scanIndex<SearchEventSource>(client, SEARCH_EVENTS_INDEX, {
    source: ['@timestamp', 'request_id', 'user', 'page', 'experiment', 'hits.id', 'hits.team'],
    query: { bool: { filter: [{ term: { 'experiment.name': name } }, ...since] } },
  })) {
    const event = hit._source!;
    method ??= event.experiment.method;
    if (event.experiment.arms && event.experiment.arms.length > arms.length) arms = event.experiment.arms;
    if (first === undefined || event['@timestamp'] < first) first = event['@timestamp'];
    searches.push({
      at: event['@timestamp'],
      request_id: event.request_id,
      ...(event.user ? { user: event.user } : {}),
      ...(event.page !== undefined ? { page: event.page } : {}),
      ...(event.experiment.arm ? { arm: event.experiment.arm } : {}),
      teams: new Map((event.hits ?? []).map((h) => [h.id, h.team ?? event.experiment.arm ?? ''])),
    });
  }
  searches.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  if (options.first !== undefined) searches = searches.slice(0, options.first);
  if (!method || searches.length === 0) throw createError('DATA_NOT_FOUND', `experiment report: no searches of experiment ${name} in ${SEARCH_EVENTS_INDEX}${options.since ? ` since ${options.since}` : ''}`);
  const feedback: LoggedFeedback[] = [];
  for await (const hit of scanIndex<LoggedFeedback>(client, FEEDBACK_EVENTS_INDEX, {
    source: ['request_id', 'photo_id', 'type'],
    query: { bool: { filter: [{ range: { '@timestamp': { gte: first } } }, { terms: { type: ['click', 'download'] } }, { exists: { field: 'request_id' } }] } },
  })) {
    feedback.push(hit._source!);
  }
  return { method, arms, searches, feedback };
}
