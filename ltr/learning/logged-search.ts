/**
 * What a served search leaves in `search-events` for learning: the featureset the vectors were
 * computed with, one row per logged candidate (its feature vector as serving computed it, and the
 * position it was shown at), and the randomized adjacent swap when the search was in the explored
 * share. The sidecar writes these fields, `pixrank train --from-events` reads them: both speak
 * these types, so training sees exactly what serving saw (no feature re-computation at fetch time,
 * the LTR plugin's logging pain).
 */

/** One logged candidate. `values` in featureset order; null where the feature was missing (NaN). */
export interface LoggedRow {
  id: string;
  /** 1-based position over the whole ranking (page 2 of 10 starts at 11), or null when not shown. */
  shown: number | null;
  values: Array<number | null>;
}

/**
 * FairPairs (Radlinski & Joachims, AAAI 2006): the pair at positions `rank`, `rank + 1` was chosen
 * uniformly and swapped with probability 1/2. Both outcomes are logged: the estimator compares the
 * clicks at the upper and lower slot over every search that chose the pair.
 */
export interface AdjacentSwap {
  rank: number;
  swapped: boolean;
}

/** The learning fields of a `search-events` document. */
export interface SearchLogFields {
  featureset?: { name: string; version: number };
  logged?: LoggedRow[];
  swap?: AdjacentSwap;
}

/** A `search-events` document as training reads it (the fields it needs). */
export interface LoggedSearch extends SearchLogFields {
  '@timestamp': string;
  request_id: string;
  index?: string;
  query?: string;
  user?: string;
  country?: string;
  page?: number;
  served_ids?: string[];
}

/** A `feedback-events` document as training reads it. */
export interface LoggedFeedback {
  '@timestamp': string;
  user: string;
  photo_id: string;
  type: string;
  query?: string;
  country?: string;
  source?: string;
  request_id?: string;
}

/** A feature row as JSON can carry it: NaN (no JSON value) becomes null. Rounded to float32, what the ranker reads. */
export function rowToJson(values: Float32Array): Array<number | null> {
  return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
}

/** Inverse of `rowToJson`. */
export function rowFromJson(values: ReadonlyArray<number | null>): Float32Array {
  return Float32Array.from(values, (v) => (v === null ? Number.NaN : v));
}
