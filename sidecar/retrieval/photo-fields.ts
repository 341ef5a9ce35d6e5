import type { Candidate } from '../../ltr/second-pass.ts';

/** Doc-valued fields each list returns per hit (no stored fields are read: see elastic-reads.ts). */
export const CANDIDATE_FIELDS = ['photo_id', 'photographer.username', 'location.country', 'stats.downloads', 'stats.views', 'submitted_at'];

/** What ranking knows of a hit, from its doc values (`hit.fields`); undefined without a photo id. */
export function candidateOf(fields: Record<string, unknown> | undefined): Candidate | undefined {
  const first = <T>(name: string): T | null => ((fields?.[name] as T[] | undefined)?.[0] ?? null);
  const id = first<string>('photo_id');
  if (!id) return undefined;
  return {
    photo_id: id,
    photographer: first<string>('photographer.username'),
    country: first<string>('location.country'),
    downloads: first<number>('stats.downloads'),
    views: first<number>('stats.views'),
    submitted_at: first<string>('submitted_at'),
  };
}

/** A photo document's `_source` as a client's own query may return it (any part may be missing). */
export type SourceFacts = PhotoSource & { stats?: { downloads?: number | null; views?: number | null } | null; submitted_at?: string | null };

/** What ranking knows of a hit a client's own query returned: its `_source` as given (the ES-compatible route). */
export function candidateFromSource(id: string, source: Partial<SourceFacts> | undefined): Candidate {
  return {
    photo_id: id,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    downloads: source?.stats?.downloads ?? null,
    views: source?.stats?.views ?? null,
    submitted_at: source?.submitted_at ?? null,
  };
}

/** The part of a photo document shown to people, read for the served page only. */
export interface PhotoSource {
  photo_id: string;
  url?: string | null;
  image_url?: string | null;
  description?: string | null;
  ai_description?: string | null;
  orientation?: string | null;
  photographer?: { username?: string | null } | null;
  location?: { country?: string | null } | null;
  colors?: Array<{ name?: string | null }> | null;
}

export const DISPLAY_FIELDS = ['photo_id', 'url', 'image_url', 'description', 'ai_description', 'orientation', 'photographer.username', 'location.country', 'colors.name'];
