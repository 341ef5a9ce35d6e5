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
 * Cosines of each of `queries` (undefined: not asked; an empty result) with each of `vectors` (NaN
 * where a vector is missing or zero, and for a zero query), in one pass over each vector: its norm
 * and its dots with up to three queries read it once. The second pass compares the query and two
 * profile vectors with ~200 candidates per request; the candidates' vectors (2 KiB each, spread over
 * the sidecar's photo table) read four times over cost 1.6 ms a request in a CPU profile under load.
 */
export function cosinesOfEach(queries: ReadonlyArray<Float32Array | undefined>, vectors: ReadonlyArray<Float32Array | undefined>): Float64Array[] {
  if (queries.length > 3) return [...cosinesOfEach(queries.slice(0, 3), vectors), ...cosinesOfEach(queries.slice(3), vectors)];
  const out = queries.map((q) => (q ? new Float64Array(vectors.length).fill(Number.NaN) : new Float64Array(0)));
  const norms = queries.map((q) => norm(q));
  const live = queries.map((q, k) => (q && norms[k]! > 0 ? q : undefined));
  if (!live.some(Boolean)) return out;
  const dims = live.find(Boolean)!.length;
  // One query: the unrolled dot and norm, the vector read twice while it is in cache (no zero stand-ins read for the others).
  if (live.filter(Boolean).length === 1) {
    const k = live.findIndex(Boolean);
    const q = live[k]!;
    vectors.forEach((v, r) => {
      const n = norm(v);
      if (n > 0) out[k]![r] = dot(q, v!) / (norms[k]! * n);
    });
    return out;
  }
  const none = new Float32Array(dims);
  const [a = none, b = none, c = none] = live.map((q) => q ?? none);
  for (let r = 0; r < vectors.length; r++) {
    const v = vectors[r];
    if (!v) continue;
    let vv = 0;
    let da = 0;
    let db = 0;
    let dc = 0;
    for (let i = 0; i < dims; i++) {
      const x = v[i]!;
      vv += x * x;
      da += x * a[i]!;
      db += x * b[i]!;
      dc += x * c[i]!;
    }
    if (vv === 0) continue;
    const n = Math.sqrt(vv);
    const dots = [da, db, dc];
    for (let k = 0; k < live.length; k++) if (live[k]) out[k]![r] = dots[k]! / (norms[k]! * n);
  }
  return out;
}

/** Euclidean norm (0 for a missing vector). */
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
