import type { Client } from './client.ts';
import { clipDimsOf, indicesBehindAlias, mapsField, vectorDimsOf } from './apply.ts';
import { recordDatasetFolder, recordedDatasetFolder } from './dataset-folder.ts';
import { createError } from './errors.ts';
import { CLIP_BYTES_FIELD, encodeVectorBytes } from './vector-bytes.ts';
import { KEYWORD_TIERS_FIELD, keywordTiers } from './keyword-tiers.ts';
import { scanIndex } from './scan.ts';
import { indexVersionOf, photosTemplate, photosTemplateName, versionedIndexName } from './templates.ts';

/**
 * How long one `_bulk` of a copy may take: a batch of 5 MB of documents with 512-float vectors goes
 * into HNSW graphs as it is indexed, and on a busy machine that outlasted the client's 30 s (a reindex
 * of 100,000 photos failed so, with the load average at 20).
 */
export const BULK_REQUEST_TIMEOUT_MS = 10 * 60_000;

/** Indexed but not in `_source` (see templates/photos.json): copied from doc values. */
export const VECTOR_FIELDS = ['clip', 'als'] as const;

export interface ReindexOptions {
  alias: string;
  alsDims?: number;
  /** Keep the previous version instead of deleting it after the swap. */
  keepOld?: boolean;
  log?: (line: string) => void;
}

export interface ReindexResult {
  from: string;
  to: string;
  documents: number;
  method: 'scan+bulk';
  seconds: number;
}

/**
 * Builds `<alias>-v(n+1)` from the current template, copies every document, and swaps the alias in
 * one `_aliases` call, so a search sees either the old or the new index and never neither.
 * Copies with a point-in-time scan fed to the bulk helper, reading the vectors from doc values (they
 * are not in `_source`, so `_reindex` would drop them). Documents written to the old index during
 * the copy are not carried over: pause writers while reindexing.
 */
export async function reindexAlias(client: Client, options: ReindexOptions): Promise<ReindexResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const { alias } = options;
  const current = await indicesBehindAlias(client, alias);
  if (current.length !== 1) {
    throw createError('REINDEX_FAILED', `es reindex: ${alias} points at ${current.length} indices (${current.join(', ') || 'none'}); run pixrank es apply --index ${alias} first`);
  }
  const from = current[0]!;
  const version = indexVersionOf(alias, from) ?? 0;
  const to = versionedIndexName(alias, version + 1);
  const clipDims = await clipDimsOf(client, from);
  const alsDims = options.alsDims ?? (await vectorDimsOf(client, from, 'als'));
  await client.indices.putIndexTemplate({
    name: photosTemplateName(alias),
    ...photosTemplate({ alias, ...(clipDims ? { clipDims } : {}), ...(alsDims ? { alsDims } : {}) }),
  });
  // A leftover of an interrupted reindex holds nobody's reads: start it afresh.
  await client.indices.delete({ index: to, ignore_unavailable: true });
  await client.indices.create({ index: to });
  // The index's own facts go with it: the folder the photos' images are served from.
  const folder = await recordedDatasetFolder(client, from);
  if (folder) await recordDatasetFolder(client, to, folder);
  log(`es reindex: copying ${from} → ${to}`);

  const method = await copyDocuments(client, from, to);
  await client.indices.refresh({ index: to });
  const [source, target] = await Promise.all([client.count({ index: from }), client.count({ index: to })]);
  if (source.count !== target.count) {
    throw createError('REINDEX_FAILED', `es reindex: ${to} holds ${target.count} documents but ${from} holds ${source.count}; the alias still points at ${from}`);
  }
  await client.indices.updateAliases({
    actions: [{ remove: { index: from, alias } }, { add: { index: to, alias, is_write_index: true } }],
  });
  log(`es reindex: ${alias} → ${to} (${target.count} documents, ${method})`);
  if (!options.keepOld) await client.indices.delete({ index: from });
  return { from, to, documents: target.count, method, seconds: (Date.now() - started) / 1000 };
}

/**
 * Reindexes `alias` when its index predates a field of the current template that documents derive
 * from their own content (`keyword_tiers`, `clip_f32`): the copy fills it in (upToDate), content hashes stay
 * valid, and an ingest after it skips the unchanged photos. Nothing to do → undefined.
 */
export async function upgradeIfBehind(client: Client, alias: string, log: (line: string) => void = () => {}): Promise<ReindexResult | undefined> {
  const current = await indicesBehindAlias(client, alias);
  if (current.length !== 1) return undefined;
  const missing: string[] = [];
  for (const field of [KEYWORD_TIERS_FIELD, CLIP_BYTES_FIELD]) if (!(await mapsField(client, current[0]!, field))) missing.push(field);
  if (missing.length === 0) return undefined;
  log(`es: ${current[0]} was made before ${missing.join(' and ')}; reindexing to bring it up to date`);
  return reindexAlias(client, { alias, log });
}

async function copyDocuments(client: Client, from: string, to: string): Promise<ReindexResult['method']> {
  await scanAndBulk(client, from, to);
  return 'scan+bulk';
}

async function scanAndBulk(client: Client, from: string, to: string): Promise<void> {
  const dropped: string[] = [];
  const result = await client.helpers.bulk({
    datasource: wholeDocuments(client, from),
    onDocument: (doc) => [{ index: { _index: to, _id: doc.id } }, upToDate(doc.source)],
    onDrop: (item) => {
      dropped.push(`${item.document.id}: ${JSON.stringify(item.error)}`);
    },
    refreshOnCompletion: to,
  }, { requestTimeout: BULK_REQUEST_TIMEOUT_MS });
  if (result.failed > 0) {
    throw createError('REINDEX_FAILED', `es reindex: ${result.failed} documents could not be copied into ${to}, e.g. ${dropped.slice(0, 3).join('; ')}`);
  }
}

/**
 * A document as the current template wants it, the fields added since derived from the others: one
 * made before the keyword tiers gets them from its nested keywords, one made before `clip_f32` gets
 * the bytes of its `clip`.
 */
export function upToDate(source: Record<string, unknown>): Record<string, unknown> {
  const current = { ...source };
  if (current[KEYWORD_TIERS_FIELD] === undefined && Array.isArray(source.keywords)) {
    current[KEYWORD_TIERS_FIELD] = keywordTiers(source.keywords as Array<{ keyword: string; confidence?: number | null }>);
  }
  if (current[CLIP_BYTES_FIELD] === undefined && Array.isArray(source.clip)) current[CLIP_BYTES_FIELD] = encodeVectorBytes(source.clip as number[]);
  return current;
}

/** Every document of `from` whole: its `_source` with the vectors (and their bytes, when it has them) put back from doc values. */
export async function* wholeDocuments(client: Client, from: string): AsyncGenerator<{ id: string; source: Record<string, unknown> }> {
  // An index made before `clip_f32` does not map it: a docvalue field nothing maps returns nothing.
  for await (const hit of scanIndex<Record<string, unknown>>(client, from, { docvalueFields: [...VECTOR_FIELDS, CLIP_BYTES_FIELD] })) {
    const source = { ...hit._source };
    for (const field of VECTOR_FIELDS) {
      // A dense_vector's doc value comes as [[x, y, …]].
      const vector = (hit.fields?.[field] as number[][] | undefined)?.[0];
      if (vector && vector.length > 0) source[field] = vector;
    }
    const bytes = (hit.fields?.[CLIP_BYTES_FIELD] as string[] | undefined)?.[0];
    if (bytes) source[CLIP_BYTES_FIELD] = bytes;
    yield { id: hit._id!, source };
  }
}
