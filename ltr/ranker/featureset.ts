import { createError } from '../../es-mappings/errors.ts';
/**
 * Featureset: an ordered, named list of features, in the vocabulary of the Elasticsearch LTR plugin
 * (o19s elasticsearch-learning-to-rank). A model copies the featureset it was trained on, so later
 * edits to the featureset in use do not silently change what a model in production reads: the
 * caller checks with `assertSameFeatureset` before scoring logged or live feature vectors.
 */

export interface Feature {
  /** Unique within the featureset, e.g. `bm25_score`, `clip_cosine`. */
  name: string;
  description: string;
  /**
   * The value logged when the feature cannot be computed for a (user, query, candidate). NaN
   * leaves it to the ranker, which learns per split where missing values go. Written as `null`
   * in JSON, which has no NaN.
   */
  missing: number;
}

export interface Featureset {
  name: string;
  version: number;
  features: Feature[];
}

/** Throws a clear error when the featureset is malformed (no features, duplicate or empty names). */
export function validateFeatureset(featureset: Featureset): void {
  const where = `featureset "${featureset?.name}"`;
  if (!featureset || typeof featureset.name !== 'string' || featureset.name === '') throw createError('MODEL_INVALID', 'featureset: a name is required');
  if (!Number.isInteger(featureset.version) || featureset.version < 0) throw createError('MODEL_INVALID', `${where}: version must be a non-negative integer, got ${featureset.version}`);
  if (!Array.isArray(featureset.features) || featureset.features.length === 0) throw createError('MODEL_INVALID', `${where}: no features`);
  const seen = new Set<string>();
  featureset.features.forEach((feature, i) => {
    if (typeof feature.name !== 'string' || feature.name === '') throw createError('MODEL_INVALID', `${where}: feature ${i} has no name`);
    if (seen.has(feature.name)) throw createError('MODEL_INVALID', `${where}: feature "${feature.name}" appears twice`);
    if (typeof feature.missing !== 'number') throw createError('MODEL_INVALID', `${where}: feature "${feature.name}" has a non-numeric missing value`);
    seen.add(feature.name);
  });
}

/**
 * The first difference between two featuresets (same names in the same order), or null when they
 * match. Descriptions, missing values and versions are not compared: only what the ranker reads.
 */
export function featuresetDifference(expected: Featureset, actual: Featureset): string | null {
  const a = expected.features;
  const b = actual.features;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]!.name !== b[i]!.name) return `feature ${i} is "${a[i]!.name}" in "${expected.name}" v${expected.version} but "${b[i]!.name}" in "${actual.name}" v${actual.version}`;
  }
  if (a.length > n) return `"${actual.name}" v${actual.version} has ${b.length} features and lacks "${a[n]!.name}" (feature ${n} of "${expected.name}" v${expected.version})`;
  if (b.length > n) return `"${actual.name}" v${actual.version} has an extra feature "${b[n]!.name}" at ${n} ("${expected.name}" v${expected.version} has ${a.length})`;
  return null;
}

/**
 * Throws `featureset: …` naming the first difference when `actual` is not the featureset
 * `expected` (e.g. the model's) was built for.
 *
 * @example assertSameFeatureset(model.featureset, extractor.featureset, 'ranker');
 */
export function assertSameFeatureset(expected: Featureset, actual: Featureset, what = 'featureset'): void {
  const difference = featuresetDifference(expected, actual);
  if (difference) throw createError('MODEL_INVALID', `${what}: featuresets differ: ${difference}`);
}

/** A deep copy, so a model keeps the featureset it was trained on. */
export function copyFeatureset(featureset: Featureset): Featureset {
  return { name: featureset.name, version: featureset.version, features: featureset.features.map((f) => ({ name: f.name, description: f.description, missing: f.missing })) };
}

/** JSON form: NaN (no JSON value) becomes null. */
export function featuresetToJson(featureset: Featureset): { name: string; version: number; features: { name: string; description: string; missing: number | null }[] } {
  return { name: featureset.name, version: featureset.version, features: featureset.features.map((f) => ({ name: f.name, description: f.description, missing: Number.isNaN(f.missing) ? null : f.missing })) };
}

/** Inverse of `featuresetToJson`; validates the result. */
export function featuresetFromJson(json: unknown): Featureset {
  const raw = json as { name?: unknown; version?: unknown; features?: unknown };
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.features)) throw createError('MODEL_INVALID', 'featureset: expected an object with a features array');
  const featureset: Featureset = {
    name: String(raw.name ?? ''),
    version: Number(raw.version),
    features: (raw.features as { name?: unknown; description?: unknown; missing?: unknown }[]).map((f) => ({
      name: String(f?.name ?? ''),
      description: String(f?.description ?? ''),
      missing: f?.missing === null || f?.missing === undefined ? Number.NaN : Number(f.missing),
    })),
  };
  validateFeatureset(featureset);
  return featureset;
}
