import { cosinesOfEach } from '../vectors.ts';
import type { RerankCandidate } from '../second-pass.ts';
import type { ImplicitAls } from '../als/implicit-als.ts';
import type { FmContext } from '../fm/fields.ts';
import { FEATURE_INDEX, FEATURES } from './pixrank-featureset.ts';
import { languageOfPlace } from '../language/query-language.ts';

/** A model that scores a request's candidates from its context (FM, DeepFM); NaN where it knows nothing. */
export interface ContextScorer {
  scoreContext(context: FmContext, items: readonly string[]): Float32Array;
}

/** The fitted models the features read; any may be absent (its features are then missing). */
export interface FeatureModels {
  als?: ImplicitAls;
  fm?: ContextScorer;
  deepfm?: ContextScorer;
  /** Photo → photographer, for the user's photographer affinity (from the training data). */
  photographerOf: (photo: string) => string | undefined;
}

/** What the features know of the user at the time of the request. */
export interface UserState {
  mean: Float32Array | null;
  session: Float32Array | null;
  /** Positive photos, newest first, with their weights (downloads 1). */
  positives: ReadonlyArray<{ photo: string; weight: number }>;
}

export interface FeatureRequest {
  user?: string;
  query?: string;
  country?: string | null;
  /** When the request happens (ms): freshness is measured from here. */
  time: number;
  /** The query's language (ISO 639-1), when known (language/query-language.ts). */
  language?: string;
  queryVector?: Float32Array;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** The user's ALS factors: trained ones, else folded in from their positives, else none. */
export function alsUser(als: ImplicitAls, user: string | undefined, state: UserState | undefined): Float32Array | undefined {
  const trained = user ? als.userVector(user) : undefined;
  if (trained) return trained;
  const known = (state?.positives ?? []).filter((p) => als.itemVector(p.photo));
  return known.length > 0 ? als.foldIn(known.map((p) => ({ item: p.photo, weight: p.weight }))) : undefined;
}

/**
 * The feature matrix (candidates × features, row-major, featureset order) for one request. The
 * same code serves training (replayed queries), evaluation and the sidecar's second pass.
 */
export function extractFeatures(request: FeatureRequest, state: UserState | undefined, candidates: readonly RerankCandidate[], models: FeatureModels): Float32Array {
  return addModelFeatures(sharedFeatures(request, state, candidates), request, state, candidates, models);
}

/** Writes `value` at (row, column) when it is a finite number; anything else stays missing (NaN). */
function setter(out: Float32Array) {
  const width = FEATURES.length;
  return (row: number, column: number, value: number | null | undefined): void => {
    if (value !== null && value !== undefined && Number.isFinite(value)) out[row * width + column] = value;
  };
}

/**
 * The columns that need no fitted model (the first stage, CLIP and profile cosines, the photo's
 * facts, the context), the model columns left missing: every ranker of a request shares these, so
 * an experiment computes them once and each arm adds its own models' columns (`addModelFeatures`).
 */
export function sharedFeatures(request: FeatureRequest, state: UserState | undefined, candidates: readonly RerankCandidate[]): Float32Array {
  const out = new Float32Array(candidates.length * FEATURES.length).fill(Number.NaN);
  // Columns by named property, not by a name passed in: a keyed lookup per value cost more than the values.
  const col = FEATURE_INDEX;
  const set = setter(out);
  const vectors = candidates.map((c) => c.vector);
  const [clip, mean, session] = cosinesOfEach([request.queryVector, state?.mean ?? undefined, state?.session ?? undefined], vectors) as [Float64Array, Float64Array, Float64Array];
  const n = candidates.length;
  const ranks = { mean: ranksWithin(mean, n), session: ranksWithin(session, n) };

  candidates.forEach((c, row) => {
    const clauses = c.candidate.clauses;
    set(row, col.bm25_text, clauses ? (clauses.texts ?? 0) : undefined);
    set(row, col.keyword_match, clauses ? (clauses.keywords ?? 0) : undefined);
    set(row, col.keyword_rank, c.lists.keyword?.rank);
    set(row, col.clip_cosine, clip[row]);
    set(row, col.clip_rank, c.lists.clip?.rank);
    set(row, col.fused_score, c.fused);
    set(row, col.mean_profile_cosine, mean[row]);
    set(row, col.session_cosine, session[row]);
    set(row, col.mean_profile_rank, ranks.mean[row]);
    set(row, col.session_rank, ranks.session[row]);
    if (request.country && c.candidate.country) set(row, col.country_match, c.candidate.country === request.country ? 1 : 0);
    if (c.candidate.downloads !== null) set(row, col.popularity, Math.log1p(c.candidate.downloads));
    if (c.candidate.submitted_at) set(row, col.freshness, (request.time - Date.parse(c.candidate.submitted_at)) / YEAR_MS);
    if (request.language) {
      set(row, col.query_not_english, request.language === 'en' ? 0 : 1);
      const spoken = languageOfPlace(c.candidate.country);
      if (spoken) set(row, col.language_country_match, spoken === request.language ? 1 : 0);
    }
  });
  return out;
}

/**
 * One set of fitted models' columns (ALS, FM and DeepFM scores and ranks, the photographer
 * affinity from the training data's photographers), written into `out` (a matrix from
 * `sharedFeatures`, or a copy of one when several rankers share it); returns `out`.
 */
export function addModelFeatures(out: Float32Array, request: FeatureRequest, state: UserState | undefined, candidates: readonly RerankCandidate[], models: FeatureModels): Float32Array {
  const col = FEATURE_INDEX;
  const set = setter(out);
  const ids = candidates.map((c) => c.id);
  const context: FmContext = { ...(request.user ? { user: request.user } : {}), ...(request.query ? { query: request.query } : {}), ...(request.country ? { country: request.country } : {}) };
  const fm = models.fm?.scoreContext(context, ids);
  const deepfm = models.deepfm?.scoreContext(context, ids);
  const alsVector = models.als ? alsUser(models.als, request.user, state) : undefined;
  const als = alsVector ? models.als!.scoreVector(alsVector, ids) : undefined;

  const byPhotographer = new Map<string, number>();
  let positives = 0;
  for (const p of state?.positives ?? []) {
    const who = models.photographerOf(p.photo);
    positives += p.weight;
    if (who) byPhotographer.set(who, (byPhotographer.get(who) ?? 0) + p.weight);
  }

  const n = candidates.length;
  const ranks = { als: ranksWithin(als, n), fm: ranksWithin(fm, n), deepfm: ranksWithin(deepfm, n) };
  candidates.forEach((c, row) => {
    set(row, col.als_score, als?.[row]);
    set(row, col.fm_score, fm?.[row]);
    set(row, col.deepfm_score, deepfm?.[row]);
    set(row, col.als_rank, ranks.als[row]);
    set(row, col.fm_rank, ranks.fm[row]);
    set(row, col.deepfm_rank, ranks.deepfm[row]);
    if (positives > 0) set(row, col.photographer_affinity, c.candidate.photographer ? (byPhotographer.get(c.candidate.photographer) ?? 0) / positives : 0);
  });
  return out;
}

/**
 * Each value's rank among the request's candidates: 1 + how many values are higher (ties share a
 * rank); NaN (or no values) stays missing. A native numeric sort and a binary search per row: a
 * comparator sort per feature cost a tenth of a millisecond at 500 candidates.
 */
export function ranksWithin(values: ArrayLike<number> | undefined, n: number): Float64Array {
  const ranks = new Float64Array(n).fill(Number.NaN);
  if (!values || values.length === 0) return ranks;
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) finite.push(values[i]!);
  const sorted = Float64Array.from(finite).sort();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = 1 + sorted.length - lo;
  }
  return ranks;
}
