import { z } from '@hono/zod-openapi';

/** The part of a photo document the sidecar reads back (never the `als` vector). */
export interface PhotoSource {
  photo_id: string;
  url?: string | null;
  image_url?: string | null;
  description?: string | null;
  ai_description?: string | null;
  orientation?: string | null;
  photographer?: { username?: string | null; name?: string | null } | null;
  location?: { country?: string | null; name?: string | null } | null;
  colors?: Array<{ name?: string | null }> | null;
  stats?: { views?: number | null; downloads?: number | null } | null;
  submitted_at?: string | null;
  clip?: number[] | null;
}

/** `_source` fields read with every hit (vectors come from `fields`, see retrieve.ts). */
export const DISPLAY_FIELDS = [
  'photo_id',
  'url',
  'image_url',
  'description',
  'ai_description',
  'orientation',
  'photographer.username',
  'photographer.name',
  'location.country',
  'location.name',
  'colors.name',
  'stats.views',
  'stats.downloads',
  'submitted_at',
];

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

export function photoView(source: PhotoSource): PhotoView {
  return {
    photo_id: source.photo_id,
    url: source.url ?? null,
    image_url: source.image_url ?? null,
    description: source.description ?? source.ai_description ?? null,
    photographer: source.photographer?.username ?? null,
    country: source.location?.country ?? null,
    orientation: source.orientation ?? null,
    colors: (source.colors ?? []).flatMap((c) => (c.name ? [c.name] : [])),
  };
}
