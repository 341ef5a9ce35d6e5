import type { Candidate } from '../search/photo-fields.ts';

/** What the second pass knows about the request. */
export interface RerankContext {
  user?: string;
  query?: string;
  country?: string;
  /** The query's CLIP vector when there is one. */
  queryVector?: Float32Array;
  /** The request's signal, for what the pass reads from Elasticsearch (the user's profile). */
  signal?: AbortSignal;
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
}

/**
 * The second pass behind one interface: the learned model (ltr-pass.ts) or, without one, the
 * profile blend (profile-blend.ts). The sidecar calls it after the policy when the request names a
 * user and asks for personalization; otherwise the order stands.
 */
export interface SecondPass {
  readonly version: string;
  rerank(context: RerankContext, candidates: RerankCandidate[], explain: boolean): Promise<RerankResult>;
  /**
   * The user's collaborative factors as a query for the index's `als` field (its dims), when the
   * pass has an ALS whose photo factors are in the index: trained for a known user, else folded in
   * from `positives`. Undefined when there is none.
   */
  alsQuery?(user: string, positives: readonly string[]): Float32Array | undefined;
}
