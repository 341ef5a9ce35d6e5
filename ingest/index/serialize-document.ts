/**
 * A bulk document as JSON, with its vectors written at float32 precision. `Array.from(vector)`
 * of a Float32Array holds doubles, which JSON.stringify writes with up to 17 significant digits
 * (`0.012345678918063641`); 9 significant digits always give the same float32 back (IEEE 754:
 * FLT_DECIMAL_DIG = 9), and Elasticsearch stores dense_vector elements as float32, so nothing is
 * lost. A 512-d vector shrinks from ~10.8 KB to ~7 KB of JSON, which Elasticsearch parses on
 * every document, at the client cost of JSON.stringify.
 */
const minVectorLength = 16;

function isVector(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < minVectorLength) return false;
  for (const v of value) if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  return true;
}

export function vectorJson(values: ArrayLike<number>): string {
  // Plain concatenation of toPrecision(9): as fast as JSON.stringify of the array (measured),
  // where trimming the padding zeros with a regex doubled the cost for a few bytes.
  let out = '[';
  for (let i = 0; i < values.length; i++) out += i === 0 ? values[i]!.toPrecision(9) : `,${values[i]!.toPrecision(9)}`;
  return `${out}]`;
}

/** JSON for a document whose top-level number arrays (≥ 16 long) are vectors. */
export function serializeDocument(body: Record<string, unknown>): string {
  const vectors: Array<[string, number[]]> = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (isVector(value)) vectors.push([key, value]);
    else rest[key] = value;
  }
  const json = JSON.stringify(rest);
  if (vectors.length === 0) return json;
  const tail = vectors.map(([key, value]) => `${JSON.stringify(key)}:${vectorJson(value)}`).join(',');
  return json === '{}' ? `{${tail}}` : `${json.slice(0, -1)},${tail}}`;
}
