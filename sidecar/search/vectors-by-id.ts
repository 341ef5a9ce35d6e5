import type { Client } from '../../es-mappings/client.ts';

/**
 * Stored vectors of photos by id. Vectors are indexed but not in `_source` (see the photos
 * template), so they are read from doc values (`docvalue_fields`): the raw floats as indexed.
 * No stored field is read (not even `_id`: the photo id comes from its doc value).
 */
export async function vectorsById(es: Client, index: string, ids: readonly string[], field = 'clip', signal?: AbortSignal): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  if (ids.length === 0) return found;
  const response = await es.search(
    { index, size: ids.length, query: { ids: { values: [...ids] } }, stored_fields: ['_none_'], docvalue_fields: ['photo_id', field], track_total_hits: false },
    { signal },
  );
  for (const hit of response.hits.hits) {
    const id = (hit.fields?.photo_id as string[] | undefined)?.[0];
    const vector = docValueVector(hit.fields, field);
    if (id && vector) found.set(id, Float32Array.from(vector));
  }
  return found;
}

/** A dense_vector from `docvalue_fields` comes as `[[x, y, …]]`. */
export function docValueVector(fields: Record<string, unknown> | undefined, field = 'clip'): number[] | undefined {
  const value = fields?.[field] as number[][] | number[] | undefined;
  if (!value || value.length === 0) return undefined;
  return Array.isArray(value[0]) ? (value[0] as number[]) : (value as number[]);
}
