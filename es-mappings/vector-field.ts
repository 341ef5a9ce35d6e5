import type { Client } from './client.ts';
import { indicesBehindAlias, vectorDimsOf } from './apply.ts';
import { createError } from './errors.ts';
import { BULK_REQUEST_TIMEOUT_MS, wholeDocuments } from './reindex.ts';

export interface VectorFieldWrite {
  index: string;
  field: string;
  dims: number;
  documents: number;
  /** Documents that got a vector (the others had theirs removed). */
  withVector: number;
  seconds: number;
}

/**
 * Sets `field` (a `dense_vector` of the photos template, e.g. `als`) on every document of `alias`
 * from `vectorOf(photo_id)`: a vector shorter than the field is padded with zeros (a dot product, and
 * so `max_inner_product`, is unchanged by them), a document without one loses the field.
 * Vectors are not in `_source`, so a partial update would drop the others (`clip`): each document is
 * written whole again — its `_source` plus its vectors from doc values — with the bulk helper.
 * Writes racing with this one may be overwritten: run it when ingest is not writing.
 */
export async function writeVectorField(client: Client, alias: string, field: string, vectorOf: (photoId: string) => ArrayLike<number> | undefined): Promise<VectorFieldWrite> {
  const started = Date.now();
  const indices = await indicesBehindAlias(client, alias);
  if (indices.length !== 1) throw createError('INDEX_CONFLICT', `es vectors: ${alias} points at ${indices.length} indices (${indices.join(', ') || 'none'}); ingest into it first`);
  const index = indices[0]!;
  const dims = await vectorDimsOf(client, index, field);
  if (dims === undefined) throw createError('INDEX_CONFLICT', `es vectors: ${index} has no ${field} field; run pixrank es reindex --index ${alias} to take the current template`);
  let documents = 0;
  let withVector = 0;
  const dropped: string[] = [];
  const result = await client.helpers.bulk({
    datasource: wholeDocuments(client, index),
    onDocument: (doc) => {
      documents += 1;
      const { [field]: _old, ...source } = doc.source;
      const vector = vectorOf(String(source.photo_id ?? doc.id));
      if (vector) {
        if (vector.length > dims) throw createError('INDEX_CONFLICT', `es vectors: ${field} vectors of ${vector.length} dims do not fit ${index}'s ${field} field of ${dims}`);
        const padded = new Array<number>(dims).fill(0);
        for (let i = 0; i < vector.length; i++) padded[i] = vector[i]!;
        source[field] = padded;
        withVector += 1;
      }
      return [{ index: { _index: index, _id: doc.id } }, source];
    },
    onDrop: (item) => void dropped.push(`${item.document.id}: ${JSON.stringify(item.error)}`),
    refreshOnCompletion: index,
  }, { requestTimeout: BULK_REQUEST_TIMEOUT_MS });
  if (result.failed > 0) throw createError('INDEX_CONFLICT', `es vectors: ${result.failed} documents of ${index} could not be written, e.g. ${dropped.slice(0, 3).join('; ')}`);
  return { index, field, dims, documents, withVector, seconds: (Date.now() - started) / 1000 };
}
