/**
 * The address of a photo's thumbnail on this sidecar (`GET /images/:photo_id?w=`), root-relative so
 * it works on whatever host and port the sidecar is reached at. One function, so that the page and
 * the hits of /search, /similar and /recommend (`thumbnail_url`, set by the pipeline's presenter)
 * agree; the page's script takes the hits' own `thumbnail_url`.
 *
 * @example
 * thumbnailUrl('abc123') // '/images/abc123?w=256'
 */
export function thumbnailUrl(photoId: string, width = 256): string {
  return `/images/${encodeURIComponent(photoId)}?w=${width}`;
}
