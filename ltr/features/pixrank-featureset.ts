import type { Featureset } from '../ranker/featureset.ts';

/**
 * The featureset of the second pass, in order. Missing = NaN everywhere: a candidate the keyword
 * retriever did not return has no BM25 score (not a score of 0), an unknown user has no ALS score;
 * the ranker learns per split where missing values go. The `_rank` features restate the user-model
 * scores as ranks within the request: a score's scale differs from user to user (a user with
 * diffuse tastes has low cosines to everything), its order within the request does not.
 */
export const FEATURES = [
  ['bm25_text', 'BM25 of the query over descriptions, AI description, location and collections (named clause of the keyword query)'],
  ['keyword_match', "BM25 over the photo's keywords, each match times its confidence tier's weight (the keyword query's named `keywords` clause)"],
  ['keyword_rank', 'rank in the keyword list (1 = first)'],
  ['clip_cosine', "cosine of the query's CLIP text vector to the photo's CLIP vector"],
  ['clip_rank', 'rank in the kNN list (1 = first)'],
  ['fused_score', 'the first stage fused score (RRF of the keyword and kNN lists)'],
  ['als_score', "implicit ALS: the user's factors · the photo's factors"],
  ['fm_score', 'factorization machine (BPR) score of (user, query tokens, countries, photo, photographer, stats)'],
  ['deepfm_score', 'DeepFM (BPR) score on the same fields'],
  ['mean_profile_cosine', "cosine of the photo to the user's mean profile (weighted mean of positives minus negatives)"],
  ['session_cosine', "cosine of the photo to the user's session vector (s_t = a1·s_{t-1} + a2·v)"],
  ['als_rank', 'rank of the ALS score among the request’s candidates (1 = best)'],
  ['fm_rank', 'rank of the FM score among the request’s candidates'],
  ['deepfm_rank', 'rank of the DeepFM score among the request’s candidates'],
  ['mean_profile_rank', 'rank of the mean-profile cosine among the request’s candidates'],
  ['session_rank', 'rank of the session cosine among the request’s candidates'],
  ['country_match', "1 when the photo's country is the user's country at query time, else 0"],
  ['photographer_affinity', "share of the user's past downloads by this photo's photographer"],
  ['popularity', 'log1p of the photo’s downloads'],
  ['freshness', 'years between the photo’s submission and the query'],
  ['query_not_english', "1 when the query's language (the request's lang, detected, or its country's) is not English, else 0: keyword matches on English tags mean less then"],
  ['language_country_match', "1 when the query's language is the main language of the photo's country, else 0"],
] as const;

export type FeatureName = (typeof FEATURES)[number][0];

export const PIXRANK_FEATURESET: Featureset = {
  name: 'pixrank-second-pass',
  // 3: keyword_match over the keyword tiers (was: the nested keywords' exact confidences).
  // 4: the query's language (query_not_english, language_country_match).
  version: 4,
  features: FEATURES.map(([name, description]) => ({ name, description, missing: Number.NaN })),
};

export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.fromEntries(FEATURES.map(([name], i) => [name, i])) as Record<FeatureName, number>;
