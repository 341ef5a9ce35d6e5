/**
 * The second pass's contract: what a first stage hands it (candidates with the facts ranking reads)
 * and what it answers. The sidecar serves it, training replays it; both speak these types.
 */

/** One retriever's answer: ids in rank order with that retriever's scores. */
export interface RankedList {
  name: string;
  hits: Array<{ id: string; score: number }>;
}

/** What ranking knows of a candidate: read with the first stage (the sidecar reads them from doc values, not `_source`). */
export interface Candidate {
  photo_id: string;
  photographer: string | null;
  country: string | null;
  downloads: number | null;
  views: number | null;
  submitted_at: string | null;
  /** Scores of the keyword query's named clauses (`keywords`, `texts`) when the keyword retriever found it. */
  clauses?: Record<string, number>;
}

/** What the second pass knows of the user, read before it is called (the sidecar reads it from `feedback-events`). */
export interface RerankProfile {
  /** The mean embedding of the positive photos minus the negatives, or null without positives. */
  mean: Float32Array | null;
  /** The session vector over the most recent positives, or null without any. */
  session: Float32Array | null;
  /** Positive photos, newest first. */
  positives: readonly string[];
}

/** What the second pass knows about the request. */
export interface RerankContext {
  user?: string;
  query?: string;
  country?: string;
  /** The query's language (ISO 639-1): the request's `lang`, else detected, else its country's. */
  language?: string;
  /** The query's CLIP vector when there is one. */
  queryVector?: Float32Array;
  /** The user's profile when there is a user: read beside the first stage, so the pass itself reads nothing. */
  profile?: RerankProfile;
  /** The request's signal, for anything a pass might still read. */
  signal?: AbortSignal;
  /**
   * The model-free feature columns of exactly the candidates being ranked (featureset order, NaN in
   * the model columns), when the request computed them once for several passes: an experiment's
   * arms rank the same window, and each adds only its own models' columns.
   */
  sharedFeatures?: Float32Array;
}

/** A candidate as the first stages left it. */
export interface RerankCandidate {
  id: string;
  candidate: Candidate;
  /** The photo's CLIP vector (from the vector store), when it has one. */
  vector: Float32Array | undefined;
  /** Per-list rank and score, and the fused score. */
  lists: Record<string, { rank: number; score: number }>;
  fused: number;
}

export interface RerankResult {
  /** One score per candidate, same order as given. */
  scores: number[];
  /** With `explain`: per candidate, feature name → contribution. */
  contributions?: Array<Record<string, number>>;
  /** The feature vectors the pass scored (candidates × `featureset` features, row-major), for feature logging. */
  features?: Float32Array;
}

/**
 * The second pass behind one interface: the learned LambdaMART pass, or the profile blend when no
 * models are loaded. The sidecar calls it after the policy when the request asks for
 * personalization; otherwise the order stands.
 */
export interface SecondPass {
  readonly version: string;
  rerank(context: RerankContext, candidates: RerankCandidate[], explain: boolean): Promise<RerankResult>;
  /**
   * The feature vectors this pass would score, without scoring them: what an unpersonalized request
   * logs. Absent on a pass without models (the logger then computes the featureset without them).
   */
  features?(context: RerankContext, candidates: RerankCandidate[]): Float32Array;
  /**
   * The user's collaborative factors as a query for the index's `als` field (its dims), when the
   * pass has an ALS whose photo factors are in the index: trained for a known user, else folded in
   * from `positives`. Undefined when there is none.
   */
  alsQuery?(user: string, positives: readonly string[]): Float32Array | undefined;
}
