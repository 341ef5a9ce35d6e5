import type { PhotoExtras, PhotoRow } from './documents/photo-document.ts';

/** A malformed row, as it goes to `<data>/rejects/<table>.ndjson`. */
export interface RowReject {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

/** A conversion (download) event, by header name. */
export interface ConversionRow {
  converted_at: string | Date;
  conversion_type: string | null;
  keyword: string | null;
  photo_id: string;
  anonymous_user_id: string;
  conversion_country: string | null;
}

/**
 * What the pipeline reads from a dataset. The Unsplash Lite reader implements it; tests and
 * other formats can too.
 */
export interface IngestSources {
  /** Photos rows, streamed; malformed rows go to `onReject` and the stream goes on. */
  photos(onReject: (reject: RowReject) => void): AsyncIterable<PhotoRow>;
  /** Keywords (cleaned), colors and collections grouped by photo. */
  extras(onReject: (table: string, reject: RowReject) => void): Promise<(photoId: string) => PhotoExtras>;
  conversions(onReject: (reject: RowReject) => void): AsyncIterable<ConversionRow>;
  /** Changes when the conversions files change (name, size, time). */
  conversionsFingerprint(): Promise<string>;
}
