import { createError } from '../../es-mappings/errors.ts';
/** A photo's embedding with the weight of what the user did with it. */
export interface WeightedVector {
  vector: ArrayLike<number>;
  weight: number;
}

export interface MeanProfileOptions {
  /** w_p and w_n of the mean-embedding user vector: how much the positive and negative means count. */
  positiveWeight?: number;
  negativeWeight?: number;
}

/**
 * Seed 003's mean-embedding profile: Ē = w_p·Ē_p − w_n·Ē_n, where Ē_p and Ē_n are the
 * weighted means of the (unit) embeddings of the photos the user engaged with and skipped.
 * Returned unit-length (kNN on a cosine field), or null when there are no positives.
 */
export function meanProfile(positives: readonly WeightedVector[], negatives: readonly WeightedVector[], options: MeanProfileOptions = {}): Float32Array | null {
  const positiveMean = weightedMean(positives);
  if (!positiveMean) return null;
  const negativeMean = weightedMean(negatives);
  const wp = options.positiveWeight ?? 1;
  const wn = options.negativeWeight ?? 0.5;
  const profile = new Float32Array(positiveMean.length);
  for (let i = 0; i < profile.length; i++) profile[i] = wp * positiveMean[i]! - (negativeMean ? wn * negativeMean[i]! : 0);
  return normalizeInPlace(profile);
}

/**
 * One step of the session vector (CLIP for recommendation, after the personalised session-based recommender):
 * a1 = (cos(v, s) + 1) / 2, a2 = 1 − a1, s' = a1·s + a2·v. A photo like the session so far moves
 * it little; a new direction moves it more. The first photo of a session is the session.
 */
export function sessionStep(session: ArrayLike<number> | null, vector: ArrayLike<number>): Float32Array {
  const v = normalizeInPlace(Float32Array.from(vector));
  if (!session) return v;
  const s = normalizeInPlace(Float32Array.from(session));
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i]! * s[i]!;
  const a1 = (dot + 1) / 2;
  const a2 = 1 - a1;
  const next = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) next[i] = a1 * s[i]! + a2 * v[i]!;
  return normalizeInPlace(next);
}

/**
 * How many of a user's most recent positive photos the session vector runs over. Serving (the
 * profile store, from feedback) and training (the replay, from past downloads) both take the
 * session this way, so the ranker's `session_cosine` means the same thing in both.
 */
export const SESSION_LENGTH = 10;

/** The session vector after a sequence of photos, oldest first. */
export function sessionVector(vectors: ReadonlyArray<ArrayLike<number>>): Float32Array | null {
  let session: Float32Array | null = null;
  for (const vector of vectors) session = sessionStep(session, vector);
  return session;
}

function weightedMean(items: readonly WeightedVector[]): Float32Array | null {
  let total = 0;
  let mean: Float32Array | null = null;
  for (const { vector, weight } of items) {
    if (!(weight > 0)) continue;
    mean ??= new Float32Array(vector.length);
    if (vector.length !== mean.length) throw createError('INVALID_ARGUMENT', `user profile: vectors of ${mean.length} and ${vector.length} dims`);
    for (let i = 0; i < mean.length; i++) mean[i]! += weight * vector[i]!;
    total += weight;
  }
  if (!mean || total === 0) return null;
  for (let i = 0; i < mean.length; i++) mean[i]! /= total;
  return mean;
}

export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}
