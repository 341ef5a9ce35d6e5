import { join } from 'node:path';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { createError } from '../../es-mappings/errors.ts';
import { cacheDir } from '../../es-mappings/paths.ts';
import { PROBLEM_RESPONSES } from '../routes/problem-schema.ts';
import type { SidecarServices } from '../services.ts';
import { DiskLru } from './disk-lru.ts';
import { elasticImageLocator, type ImageLocator } from './image-source.ts';
import { THUMBNAIL_WIDTHS, Thumbnails, type ThumbnailWidth } from './thumbnails.ts';

/**
 * A day: a thumbnail changes only when its dataset's file or URL does, and then its ETag changes
 * too, so a browser revalidating after a day gets a 304 or the new bytes.
 */
const CACHE_CONTROL = 'public, max-age=86400';

/** 256 MB of thumbnails: about 17,000 of 256 px (~15 KB each) on a generated world. */
export const DEFAULT_THUMBNAIL_CACHE_MB = 256;

export interface ImageRoutesOptions {
  locator?: ImageLocator;
  /** The thumbnail cache folder; default `<cache>/thumbnails`. */
  cacheDir?: string;
  /** The cache's bound; default `PIXRANK_THUMBNAIL_CACHE_MB`, else 256 MB. */
  cacheBytes?: number;
}

const widthOptions = THUMBNAIL_WIDTHS.map(String) as [string, ...string[]];

const imageRoute = createRoute({
  method: 'get',
  path: '/images/{photo_id}',
  summary: 'A photo as a JPEG thumbnail of the asked width (from the dataset’s file, else its photo_image_url)',
  request: {
    params: z.object({ photo_id: z.string().min(1).max(200) }),
    query: z.object({
      w: z.enum(widthOptions).default('256').transform((w) => Number(w) as ThumbnailWidth).openapi({ description: `Width in pixels: ${THUMBNAIL_WIDTHS.join(', ')} (never enlarged)` }),
    }),
  },
  responses: {
    200: { description: 'The thumbnail (Cache-Control and ETag set)', content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } } },
    304: { description: 'Not modified (If-None-Match matched the ETag)' },
    404: PROBLEM_RESPONSES[400],
    502: { ...PROBLEM_RESPONSES[400], description: 'The photo’s image could not be fetched or decoded' },
    ...PROBLEM_RESPONSES,
  },
});

/** `GET /images/:photo_id?w=`: thumbnails, made once and kept in a bounded disk cache. */
export function registerImageRoutes(app: OpenAPIHono, services: Pick<SidecarServices, 'es' | 'index' | 'limits'>, options: ImageRoutesOptions = {}): void {
  const thumbnails = new Thumbnails({
    locator: options.locator ?? elasticImageLocator(services.es, services.index),
    cache: new DiskLru({ dir: options.cacheDir ?? join(cacheDir(), 'thumbnails'), maxBytes: options.cacheBytes ?? cacheBytesFromEnv() }),
    urlFetch: services.limits.urlFetch,
  });
  app.openapi(imageRoute, async (c) => {
    const { photo_id } = c.req.valid('param');
    const { w } = c.req.valid('query');
    const answer = await thumbnails.serve(photo_id, w, c.req.header('if-none-match'), c.get('requestSignal'));
    const headers = { 'cache-control': CACHE_CONTROL, etag: answer.etag };
    if (answer.status === 304) return c.body(null, 304, headers);
    return c.body(new Uint8Array(answer.bytes), 200, { ...headers, 'content-type': 'image/jpeg', 'x-content-type-options': 'nosniff' });
  });
}

function cacheBytesFromEnv(): number {
  const raw = process.env.PIXRANK_THUMBNAIL_CACHE_MB;
  if (raw === undefined || raw === '') return DEFAULT_THUMBNAIL_CACHE_MB * 1024 * 1024;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) throw createError('INVALID_CONFIG', `images: PIXRANK_THUMBNAIL_CACHE_MB must be a positive number of megabytes, not ${raw}`);
  return Math.round(mb * 1024 * 1024);
}
