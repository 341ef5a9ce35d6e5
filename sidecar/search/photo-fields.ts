import { z } from '@hono/zod-openapi';
import type { Candidate } from '../../ltr/second-pass.ts';

/** Doc-valued fields each retriever returns per hit (no stored fields are read: see retrieve.ts). */
export const CANDIDATE_FIELDS = ['photo_id', 'photographer.username', 'location.country', 'stats.downloads', 'stats.views', 'submitted_at'];

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

export const PhotoViewSchema = z
  .object({
    photo_id: z.string(),
    url: z.string().nullable(),
    image_url: z.string().nullable(),
    description: z.string().nullable(),
    photographer: z.string().nullable(),
    country: z.string().nullable(),
    orientation: z.string().nullable(),
    colors: z.array(z.string()),
  })
  .openapi('Photo');

export type PhotoView = z.infer<typeof PhotoViewSchema>;

export function photoView(id: string, source: PhotoSource | undefined): PhotoView {
  return {
    photo_id: id,
    url: source?.url ?? null,
    image_url: source?.image_url ?? null,
    description: source?.description ?? source?.ai_description ?? null,
    photographer: source?.photographer?.username ?? null,
    country: source?.location?.country ?? null,
    orientation: source?.orientation ?? null,
    colors: (source?.colors ?? []).flatMap((c) => (c.name ? [c.name] : [])),
  };
}
