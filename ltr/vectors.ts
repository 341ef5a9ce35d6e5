/** Cosine of two vectors (any numeric arrays of the same length). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Cosine of `query` with each of `vectors` (undefined where a vector is missing), the query's norm
 * taken once: the second pass compares three user vectors with hundreds of candidates per request.
 */
export function cosinesWith(query: Float32Array, vectors: ReadonlyArray<Float32Array | undefined>, norms: Float64Array): Float64Array {
  const out = new Float64Array(vectors.length).fill(Number.NaN);
  const q = norm(query);
  if (q === 0) return out;
  for (let r = 0; r < vectors.length; r++) {
    const v = vectors[r];
    if (!v || norms[r] === 0) continue;
    out[r] = dot(query, v) / (q * norms[r]!);
  }
  return out;
}

/** Euclidean norm (0 for a missing vector), for `cosinesWith`. */
export function norm(v: Float32Array | undefined): number {
  return v ? Math.sqrt(dot(v, v)) : 0;
}

/**
 * Dot product of `a` with the `a.length` values of `b` from `bOffset` (a row of a factor matrix
 * without a subarray), four lanes at a time: twice as fast as one on the second pass's vectors.
 */
export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    const j = bOffset + i;
    s0 += a[i]! * b[j]!;
    s1 += a[i + 1]! * b[j + 1]!;
    s2 += a[i + 2]! * b[j + 2]!;
    s3 += a[i + 3]! * b[j + 3]!;
  }
  for (let i = n; i < a.length; i++) s0 += a[i]! * b[bOffset + i]!;
  return s0 + s1 + (s2 + s3);
}
