import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import { FEEDBACK_EVENTS_INDEX } from '../../es-mappings/templates.ts';

/** What the page's pickers offer: users who gave feedback, and the colors and countries of the photos. */
export interface PageChoices {
  users: string[];
  colors: string[];
  countries: string[];
}

export const NO_CHOICES: PageChoices = { users: [], colors: [], countries: [] };

export interface PageChoicesOptions {
  /** How long one answer is reused; the lists change only with ingest and feedback. */
  ttlMs?: number;
  /** Users offered, the most active first. */
  users?: number;
  /** Told when Elasticsearch did not answer (the page is then shown with empty lists). */
  onError?: (error: unknown) => void;
}

type TermsAggs = Record<string, estypes.AggregationsStringTermsAggregate>;

/**
 * The pickers' lists, from two small aggregations (no route of the API lists users, and the page
 * is no reason to add one): the most active users in `feedback-events` for this index, and the
 * color names and countries in the photos index. Cached for a minute. When Elasticsearch does
 * not answer, the page still works: the user field takes any name, the filters offer "any".
 */
export function pageChoices(es: Client, index: string, options: PageChoicesOptions = {}): (signal?: AbortSignal) => Promise<PageChoices> {
  const ttl = options.ttlMs ?? 60_000;
  let cached: { value: PageChoices; at: number } | undefined;
  const keys = (aggs: TermsAggs | undefined, name: string): string[] => {
    const buckets = aggs?.[name]?.buckets;
    return Array.isArray(buckets) ? buckets.map((b) => String(b.key)) : [];
  };
  return async (signal) => {
    if (cached && Date.now() - cached.at < ttl) return cached.value;
    const terms = (field: string, size: number) => ({ terms: { field, size } });
    const [feedback, photos] = await Promise.all([
      es.search(
        { index: FEEDBACK_EVENTS_INDEX, size: 0, ignore_unavailable: true, query: { term: { index } }, aggs: { users: terms('user', options.users ?? 50) } },
        { signal, requestTimeout: 2_000, maxRetries: 0 },
      ),
      es.search({ index, size: 0, aggs: { colors: terms('colors.name', 40), countries: terms('location.country', 100) } }, { signal, requestTimeout: 2_000, maxRetries: 0 }),
    ]).catch((error: unknown) => {
      options.onError?.(error);
      return [undefined, undefined] as const;
    });
    if (!feedback || !photos) return NO_CHOICES;
    const value: PageChoices = {
      users: keys(feedback.aggregations as TermsAggs | undefined, 'users'),
      colors: keys(photos.aggregations as TermsAggs | undefined, 'colors').sort(),
      countries: keys(photos.aggregations as TermsAggs | undefined, 'countries').sort(),
    };
    cached = { value, at: Date.now() };
    return value;
  };
}
