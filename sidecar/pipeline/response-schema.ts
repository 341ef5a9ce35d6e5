import { z } from '@hono/zod-openapi';

/** What the API shows of a photo. */
export const PhotoViewSchema = z
  .object({
    photo_id: z.string(),
    url: z.string().nullable(),
    image_url: z.string().nullable(),
    thumbnail_url: z.string().openapi({ description: 'This sidecar’s 256-px thumbnail of the photo (root-relative: GET /images/:photo_id?w=, also 128, 512, 1024)', example: '/images/Tl6xxJM6Zd0?w=256' }),
    description: z.string().nullable(),
    photographer: z.string().nullable(),
    country: z.string().nullable(),
    orientation: z.string().nullable(),
    colors: z.array(z.string()),
  })
  .openapi('Photo');

export type PhotoView = z.infer<typeof PhotoViewSchema>;

const ListPositionSchema = z.object({ rank: z.number().int(), score: z.number() });

export const RankedPhotoSchema = PhotoViewSchema.extend({
  rank: z.number().int(),
  score: z.number(),
  scores: z
    .object({
      keyword: ListPositionSchema.optional(),
      clip: ListPositionSchema.optional(),
      fused: z.number(),
      rerank: z.number().optional(),
    })
    .catchall(z.union([ListPositionSchema, z.number()])),
  contributions: z.record(z.string(), z.number()).optional(),
  team: z.string().optional().openapi({ description: 'In an experiment: the arm whose ranking placed this photo (its team when interleaved)' }),
}).openapi('RankedPhoto');

export const TookSchema = z
  .record(z.string(), z.number())
  .openapi('Took', {
    description: 'Milliseconds per stage and in all; `profile` (the user’s feedback and their photos’ vectors) runs beside embed and retrieve, and `retrieve_early` (a hybrid search’s keyword list) beside embed, so the stages add up to more than the total',
    example: { profile: 4.2, embed: 3.1, retrieve: 8.2, fuse: 0.1, vectors: 0.4, policy: 0.2, rerank: 1.3, display: 2.1, total: 16.0 },
  });

/** The answer of every route that ranks photos (/search, /similar, /recommend add their own fields). */
export const SearchResponseSchema = z
  .object({
    request_id: z.string(),
    mode: z.string(),
    page: z.number().int(),
    k: z.number().int(),
    personalized: z.boolean(),
    model_version: z.string().nullable(),
    took_ms: TookSchema,
    hits: z.array(RankedPhotoSchema),
    explain: z.record(z.string(), z.unknown()).optional(),
    lang: z.string().optional().openapi({ description: "The request's language (ISO 639), the second pass's context, when one was resolved", example: 'de' }),
    lang_source: z.enum(['request', 'detected', 'country']).optional().openapi({ description: 'Where lang came from: the request’s lang, detected from the query, or the country’s language' }),
    experiment: z
      .object({ name: z.string(), method: z.enum(['ab', 'interleave']), arms: z.array(z.string()), arm: z.string().optional().openapi({ description: 'ab: the arm this request was served by' }) })
      .optional()
      .openapi({ description: 'The experiment the request took part in; interleaved hits carry their team' }),
  })
  .openapi('SearchResponse');

export type SearchResponse = z.infer<typeof SearchResponseSchema>;
export type RankedPhoto = z.infer<typeof RankedPhotoSchema>;
