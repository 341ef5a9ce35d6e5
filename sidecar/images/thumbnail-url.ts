/**
 * The address of a photo's thumbnail on this sidecar (`GET /images/:photo_id?w=`), root-relative so
 * it works on whatever host and port the sidecar is reached at. One function, so that the page, its
 * script (which builds the same string) and — once the response presenter calls `withThumbnail` —
 * the hits of /search, /similar and /recommend agree.
 *
 * @example
 * thumbnailUrl('abc123') // '/images/abc123?w=256'
 */
export function thumbnailUrl(photoId: string, width = 256): string {
  return `/images/${encodeURIComponent(photoId)}?w=${width}`;
}

/** A hit with its `thumbnail_url`, for a presenter that returns hits with a `photo_id`. */
export function withThumbnail<T extends { photo_id: string }>(hit: T, width = 256): T & { thumbnail_url: string } {
  return { ...hit, thumbnail_url: thumbnailUrl(hit.photo_id, width) };
}
