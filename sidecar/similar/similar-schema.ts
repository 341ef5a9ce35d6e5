import { z } from '@hono/zod-openapi';
import { SearchFiltersSchema } from '../search/filters.ts';
import { PolicyOptionsSchema } from '../search/ranking-options.ts';
import { SearchResponseSchema } from '../search/search-schema.ts';

const common = {
  k: z.number().int().min(1).max(100).default(10),
  page: z.number().int().min(1).max(100).default(1),
  filters: SearchFiltersSchema.optional(),
  policy: PolicyOptionsSchema.optional(),
  user: z.string().trim().min(1).max(200).optional(),
  country: z.string().trim().min(1).max(100).optional(),
  personalize: z.boolean().default(true),
  explain: z.boolean().default(false),
};

export const SimilarJsonSchema = z
  .object({
    photo_id: z.string().trim().min(1).max(200).optional().openapi({ description: 'An indexed photo: its stored vector is the query' }),
    url: z.string().trim().min(1).max(2048).optional().openapi({ description: 'An image to fetch (http/https, public addresses only)' }),
    ...common,
  })
  .strict()
  .refine((body) => (body.photo_id === undefined) !== (body.url === undefined), { message: 'give exactly one of photo_id or url (or upload an image as multipart field "image")', path: ['photo_id'] })
  .openapi('SimilarRequest');

export const SimilarUploadSchema = z
  .object({
    image: z.instanceof(File).openapi({ type: 'string', format: 'binary', description: 'The query image (JPEG, PNG, WebP, GIF)' }),
    k: z.coerce.number().int().min(1).max(100).default(10),
    page: z.coerce.number().int().min(1).max(100).default(1),
  })
  .openapi('SimilarUpload');

export type SimilarJson = z.infer<typeof SimilarJsonSchema>;

export const SimilarResponseSchema = SearchResponseSchema.extend({
  query: z.object({ photo_id: z.string().optional(), url: z.string().optional(), upload: z.string().optional() }),
}).openapi('SimilarResponse');

export type SimilarResponse = z.infer<typeof SimilarResponseSchema>;
