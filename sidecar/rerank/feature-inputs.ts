import { extractFeatures, type FeatureModels, type FeatureRequest, type UserState } from '../../ltr/features/extract.ts';
import type { RerankCandidate, RerankContext } from '../../ltr/second-pass.ts';
import { FEEDBACK_WEIGHTS } from '../profiles/profile-store.ts';

/** No collaborative models: their features are missing, the rest (first stage, CLIP, profile, photo facts) computed. */
const NO_MODELS: FeatureModels = { photographerOf: () => undefined };

/**
 * What the featureset reads of a request, from the second pass's context: the request (now, as the
 * time freshness is measured from) and the user's live profile (positives weighted as downloads).
 */
export function featureInputs(context: RerankContext, time = Date.now()): { request: FeatureRequest; state: UserState | undefined } {
  const profile = context.profile;
  const state: UserState | undefined = profile
    ? { mean: profile.mean, session: profile.session, positives: profile.positives.map((photo) => ({ photo, weight: FEEDBACK_WEIGHTS.download })) }
    : undefined;
  const request: FeatureRequest = {
    time,
    ...(context.user ? { user: context.user } : {}),
    ...(context.query ? { query: context.query } : {}),
    ...(context.country ? { country: context.country } : {}),
    ...(context.language ? { language: context.language } : {}),
    ...(context.queryVector ? { queryVector: context.queryVector } : {}),
  };
  return { request, state };
}

/** The featureset's vectors of `candidates` as serving computes them: with the models when given, else without. */
export function servingFeatures(context: RerankContext, candidates: readonly RerankCandidate[], models: FeatureModels = NO_MODELS): Float32Array {
  const { request, state } = featureInputs(context);
  return extractFeatures(request, state, candidates, models);
}
