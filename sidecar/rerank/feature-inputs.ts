import { addModelFeatures, sharedFeatures, type FeatureModels, type FeatureRequest, type UserState } from '../../ltr/features/extract.ts';
import { createError } from '../../es-mappings/errors.ts';
import { FEATURES } from '../../ltr/features/pixrank-featureset.ts';
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

/**
 * The featureset's vectors of `candidates` as serving computes them: with the models when given,
 * else without. The model-free columns come from `context.sharedFeatures` when the request
 * computed them once for several rankers (an experiment's arms), else they are computed here.
 */
export function servingFeatures(context: RerankContext, candidates: readonly RerankCandidate[], models: FeatureModels = NO_MODELS): Float32Array {
  const { request, state } = featureInputs(context);
  const shared = context.sharedFeatures;
  if (shared && shared.length !== candidates.length * FEATURES.length) {
    throw createError('INTERNAL', `servingFeatures: sharedFeatures holds ${shared.length} values, not ${candidates.length} candidates × ${FEATURES.length} features`);
  }
  return addModelFeatures(shared ? shared.slice() : sharedFeatures(request, state, candidates), request, state, candidates, models);
}

/** The model-free columns of `candidates` (see `sharedFeatures`), once for every ranker of a request. */
export function servingSharedFeatures(context: RerankContext, candidates: readonly RerankCandidate[]): Float32Array {
  const { request, state } = featureInputs(context);
  return sharedFeatures(request, state, candidates);
}
