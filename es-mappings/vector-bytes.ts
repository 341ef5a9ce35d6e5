/**
 * The photos' CLIP vectors a second time, as raw bytes: `clip_f32`, a `binary` field with doc values
 * (not indexed, not in `_source`). The `dense_vector` field `clip` serves kNN; reading vectors back
 * by id is what the sidecar's policy, second pass and profiles do on every personalized request, and
 * from a `dense_vector`'s doc values Elasticsearch prints every float as decimal JSON (a 512-d
 * vector is ~5 KB of text, and formatting it is most of the read's cost). The bytes come back as
 * one base64 string per photo, written without formatting a number.
 *
 * Layout: the vector's floats as IEEE 754 single precision, little-endian, one after another
 * (4 × dims bytes), the same floats `clip` holds.
 */
export const CLIP_BYTES_FIELD = 'clip_f32';

/** A vector as the base64 of its little-endian float32 bytes (what `clip_f32` holds). */
export function encodeVectorBytes(vector: ArrayLike<number>): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}

/** The vector of a `clip_f32` value; undefined when it is not a whole number of floats. */
export function decodeVectorBytes(base64: string): Float32Array | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}
