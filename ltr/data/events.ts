import { unsplashSources } from '../../ingest/unsplash-sources.ts';
import type { ItemSide } from '../fm/fields.ts';
import { createError } from '../../es-mappings/errors.ts';

/** One download: who, which photo, after which search, from where, when (ms since epoch). */
export interface ConversionEvent {
  time: number;
  user: string;
  photo: string;
  keyword: string;
  country: string | null;
}

/** What ranking knows of a photo from the dataset: the FM's side fields and the photographer. */
export interface PhotoFacts extends ItemSide {
  submittedAt?: number;
}

export interface WorldEvents {
  /** Conversions in time order (ties by file order). */
  events: ConversionEvent[];
  photos: Map<string, PhotoFacts>;
  /** Malformed rows skipped (they went to the dataset's rejects by ingest; here only counted). */
  skipped: number;
}

function timeOf(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value.endsWith('Z') ? value : `${value}Z`);
}

/** The conversions and photo facts of a dataset in the Unsplash Lite layout. */
export async function readWorldEvents(dataDir: string): Promise<WorldEvents> {
  const sources = unsplashSources(dataDir);
  let skipped = 0;
  const onReject = (): void => void (skipped += 1);
  const events: ConversionEvent[] = [];
  for await (const row of sources.conversions(onReject)) {
    const time = timeOf(row.converted_at);
    if (!row.keyword || !row.photo_id || !row.anonymous_user_id || Number.isNaN(time)) {
      skipped += 1;
      continue;
    }
    events.push({ time, user: row.anonymous_user_id, photo: row.photo_id, keyword: row.keyword.trim().toLowerCase(), country: row.conversion_country });
  }
  events.sort((a, b) => a.time - b.time);
  const photos = new Map<string, PhotoFacts>();
  for await (const row of sources.photos(onReject)) {
    const facts: PhotoFacts = {};
    if (typeof row.photo_location_country === 'string') facts.country = row.photo_location_country;
    if (typeof row.photographer_username === 'string') facts.photographer = row.photographer_username;
    if (typeof row.stats_views === 'number') facts.views = row.stats_views;
    if (typeof row.stats_downloads === 'number') facts.downloads = row.stats_downloads;
    if (row.photo_submitted_at) facts.submittedAt = timeOf(row.photo_submitted_at as string | Date);
    photos.set(row.photo_id as string, facts);
  }
  return { events, photos, skipped };
}

/**
 * The time-based split: `history` (base models and profiles), then the `ranker` window (the
 * ranker learns from its queries, with features from models fitted on history), then `test`
 * (evaluated with models fitted on history + ranker window). Boundaries are instants (ms).
 */
export interface TimeSplit {
  rankerFrom: number;
  testFrom: number;
  end: number;
}

/**
 * The split `pixrank train` uses: the last sixth of the time span is the test period, the third
 * before it the ranker window (with a sixth, the ranker had half the searches to learn from and
 * ~900 searches, and did not beat the simplest hybrid + profile row on a 5,000-photo world), the rest history.
 */
export function defaultSplit(events: readonly ConversionEvent[], testShare = 1 / 6, rankerShare = 1 / 3): TimeSplit {
  if (events.length === 0) throw createError('NOT_ENOUGH_DATA', 'ltr data: no conversions to split');
  const start = events[0]!.time;
  const end = events.at(-1)!.time + 1;
  const span = end - start;
  return { rankerFrom: Math.round(end - span * (testShare + rankerShare)), testFrom: Math.round(end - span * testShare), end };
}

export function eventsBefore(events: readonly ConversionEvent[], instant: number): ConversionEvent[] {
  return events.filter((e) => e.time < instant);
}

export function eventsBetween(events: readonly ConversionEvent[], from: number, to: number): ConversionEvent[] {
  return events.filter((e) => e.time >= from && e.time < to);
}

/** A search to evaluate or learn from: a user's keyword in a window, and the photos they downloaded for it. */
export interface EvalQuery {
  id: string;
  user: string;
  keyword: string;
  country: string | null;
  /** The first download's time: features may only use what happened before. */
  time: number;
  relevant: Set<string>;
}

/** The window's (user, keyword) pairs with the photos each user downloaded for that keyword. */
export function queriesOf(events: readonly ConversionEvent[]): EvalQuery[] {
  const byKey = new Map<string, EvalQuery>();
  for (const e of events) {
    const id = `${e.user}|${e.keyword}`;
    let query = byKey.get(id);
    if (!query) byKey.set(id, (query = { id, user: e.user, keyword: e.keyword, country: e.country, time: e.time, relevant: new Set() }));
    query.relevant.add(e.photo);
  }
  return [...byKey.values()];
}
