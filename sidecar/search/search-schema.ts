import { z } from '@hono/zod-openapi';
import { SearchFiltersSchema } from './filters.ts';
import { PhotoViewSchema } from './photo-fields.ts';
import { FusionOptionsSchema, PolicyOptionsSchema } from './ranking-options.ts';

const userId = z.string().trim().min(1).max(200);

export const SearchRequestSchema = z
  .object({
    q: z.string().trim().min(1, 'must not be empty').max(500).openapi({ example: 'mountain lake at dawn' }),
    user: userId.optional().openapi({ description: 'Personalize for this user' }),
    country: z.string().trim().min(1).max(100).optional().openapi({ description: 'Where the request comes from (context for the second pass)' }),
    k: z.number().int().min(1).max(100).default(10),
    page: z.number().int().min(1).max(100).default(1),
    mode: z.enum(['keyword', 'clip', 'hybrid']).default('hybrid'),
    filters: SearchFiltersSchema.optional(),
    fusion: FusionOptionsSchema.optional(),
    policy: PolicyOptionsSchema.optional(),
    personalize: z.boolean().default(true),
    explain: z.boolean().default(false),
  })
  .strict()
  .openapi('SearchRequest');

export type SearchRequest = z.infer<typeof SearchRequestSchema>;

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
}).openapi('RankedPhoto');

export const TookSchema = z.record(z.string(), z.number()).openapi('Took', { example: { embed: 3.1, retrieve: 8.2, fuse: 0.1, policy: 0.2, total: 12.4 } });

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
  })
  .openapi('SearchResponse');

export type SearchResponse = z.infer<typeof SearchResponseSchema>;
export type RankedPhoto = z.infer<typeof RankedPhotoSchema>;
