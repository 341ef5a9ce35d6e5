import { createHash } from 'node:crypto';
import { keywordTiers, type KeywordTiers } from '../../es-mappings/keyword-tiers.ts';

/** A row of the `photos` table by header name, as the readers type it (empty → null). */
export interface PhotoRow {
  photo_id: string;
  photo_url?: string | null;
  photo_image_url?: string | null;
  photo_submitted_at?: string | Date | null;
  photo_featured?: boolean | null;
  photo_width?: number | null;
  photo_height?: number | null;
  photo_aspect_ratio?: number | null;
  photo_description?: string | null;
  photographer_username?: string | null;
  photographer_first_name?: string | null;
  photographer_last_name?: string | null;
  exif_camera_make?: string | null;
  exif_camera_model?: string | null;
  exif_iso?: number | null;
  exif_aperture_value?: string | null;
  exif_focal_length?: string | null;
  exif_exposure_time?: string | null;
  photo_location_name?: string | null;
  photo_location_latitude?: number | null;
  photo_location_longitude?: number | null;
  photo_location_country?: string | null;
  photo_location_city?: string | null;
  stats_views?: number | null;
  stats_downloads?: number | null;
  ai_description?: string | null;
  ai_primary_landmark_name?: string | null;
  ai_primary_landmark_latitude?: number | null;
  ai_primary_landmark_longitude?: number | null;
  ai_primary_landmark_confidence?: string | number | null;
  blur_hash?: string | null;
}

export interface DocumentKeyword {
  keyword: string;
  confidence: number;
  ai_service_1: number | null;
  ai_service_2: number | null;
  suggested_by_user: boolean;
}

export interface DocumentColor {
  hex: string;
  name: string | null;
  coverage: number | null;
  score: number | null;
}

export interface DocumentCollection {
  id: string;
  title: string | null;
}

export interface PhotoExtras {
  keywords: DocumentKeyword[];
  colors: DocumentColor[];
  collections: DocumentCollection[];
}

export type Orientation = 'landscape' | 'portrait' | 'squarish';

/** The photos index document (see es-mappings/templates/photos.json), without its vectors. */
export interface PhotoDocument {
  photo_id: string;
  url: string | null;
  image_url: string | null;
  submitted_at: string | null;
  featured: boolean | null;
  width: number | null;
  height: number | null;
  aspect_ratio: number | null;
  orientation: Orientation | null;
  description: string | null;
  ai_description: string | null;
  photographer: { username: string | null; first_name: string | null; last_name: string | null; name: string | null };
  exif: { camera_make: string | null; camera_model: string | null; iso: number | null; aperture: string | null; focal_length: string | null; exposure_time: string | null };
  location: { name: string | null; city: string | null; country: string | null; point: { lat: number; lon: number } | null };
  ai_landmark: { name: string | null; point: { lat: number; lon: number } | null; confidence: string | null };
  stats: { views: number | null; downloads: number | null };
  blur_hash: string | null;
  keywords: DocumentKeyword[];
  /** The keywords again, as flat text per confidence tier: what the keyword query matches. */
  keyword_tiers: KeywordTiers;
  colors: DocumentColor[];
  collections: DocumentCollection[];
  clip?: number[];
  content_hash?: string;
  indexed_at?: string;
}

/** Unsplash's own buckets: a side more than 20% longer than the other decides. */
export function orientationOf(width: number | null | undefined, height: number | null | undefined): Orientation | null {
  if (!width || !height) return null;
  const ratio = width / height;
  if (ratio > 1.2) return 'landscape';
  if (ratio < 1 / 1.2) return 'portrait';
  return 'squarish';
}

function point(lat: number | null | undefined, lon: number | null | undefined): { lat: number; lon: number } | null {
  if (lat == null || lon == null || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

function iso(value: string | Date | null | undefined): string | null {
  if (value == null) return null;
  return value instanceof Date ? value.toISOString() : value;
}

function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  const name = [first, last].filter((part) => part && part.length > 0).join(' ');
  return name.length > 0 ? name : null;
}

export function photoDocument(row: PhotoRow, extras: PhotoExtras): PhotoDocument {
  const width = row.photo_width ?? null;
  const height = row.photo_height ?? null;
  return {
    photo_id: row.photo_id,
    url: row.photo_url ?? null,
    image_url: row.photo_image_url ?? null,
    submitted_at: iso(row.photo_submitted_at),
    featured: row.photo_featured ?? null,
    width,
    height,
    aspect_ratio: row.photo_aspect_ratio ?? (width && height ? width / height : null),
    orientation: orientationOf(width, height),
    description: row.photo_description ?? null,
    ai_description: row.ai_description ?? null,
    photographer: {
      username: row.photographer_username ?? null,
      first_name: row.photographer_first_name ?? null,
      last_name: row.photographer_last_name ?? null,
      name: fullName(row.photographer_first_name, row.photographer_last_name),
    },
    exif: {
      camera_make: row.exif_camera_make ?? null,
      camera_model: row.exif_camera_model ?? null,
      iso: row.exif_iso ?? null,
      aperture: row.exif_aperture_value ?? null,
      focal_length: row.exif_focal_length ?? null,
      exposure_time: row.exif_exposure_time ?? null,
    },
    location: {
      name: row.photo_location_name ?? null,
      city: row.photo_location_city ?? null,
      country: row.photo_location_country ?? null,
      point: point(row.photo_location_latitude, row.photo_location_longitude),
    },
    ai_landmark: {
      name: row.ai_primary_landmark_name ?? null,
      point: point(row.ai_primary_landmark_latitude, row.ai_primary_landmark_longitude),
      confidence: row.ai_primary_landmark_confidence == null ? null : String(row.ai_primary_landmark_confidence),
    },
    stats: { views: row.stats_views ?? null, downloads: row.stats_downloads ?? null },
    blur_hash: row.blur_hash ?? null,
    keywords: extras.keywords,
    keyword_tiers: keywordTiers(extras.keywords),
    colors: extras.colors,
    collections: extras.collections,
  };
}

/**
 * A digest of everything a document is made from: the document's fields and where its vector comes
 * from (model and version), not what is derived from those. Equal digests mean re-indexing would
 * change nothing, so a re-run — or a run resumed after a kill — skips the photo before fetching or
 * embedding its image.
 */
export function contentHash(document: PhotoDocument, vectorSource: string): string {
  // keyword_tiers is derived from keywords: it adds nothing to the digest, and leaving it out keeps
  // the digests of documents indexed before it valid (es reindex adds it to them).
  const { clip: _clip, content_hash: _hash, indexed_at: _at, keyword_tiers: _tiers, ...content } = document;
  return createHash('sha256').update(vectorSource).update('\n').update(JSON.stringify(content)).digest('hex').slice(0, 32);
}
