import type { Client } from '../../es-mappings/client.ts';
import { KEYWORD_TIERS_FIELD } from '../../es-mappings/keyword-tiers.ts';
import type { KeywordLayout } from './keyword-query.ts';

/** How long a layout is trusted: a reindex swapping the alias to a tiered index is seen this soon. */
const TTL_MS = 30_000;

const known = new WeakMap<Client, Map<string, { layout: KeywordLayout; at: number }>>();

/**
 * `tiers` when every index behind `index` (an alias) maps the keyword tier fields, else `nested`:
 * an index made before them keeps working, with the slower nested query, until it is reindexed.
 * Read from the mapping here, once per TTL per client and index: one request in 30 s pays the read,
 * the others none. Requests missing it at the same time each
 * read it with their own `signal`, so one request's abort cannot fail another's.
 */
export async function keywordLayoutOf(es: Client, index: string, now = Date.now(), signal?: AbortSignal): Promise<KeywordLayout> {
  let byIndex = known.get(es);
  if (!byIndex) known.set(es, (byIndex = new Map()));
  const cached = byIndex.get(index);
  if (cached && now - cached.at < TTL_MS) return cached.layout;
  const mappings = Object.values(await es.indices.getMapping({ index }, { signal }));
  const layout: KeywordLayout = mappings.length > 0 && mappings.every((m) => m.mappings.properties?.[KEYWORD_TIERS_FIELD] !== undefined) ? 'tiers' : 'nested';
  byIndex.set(index, { layout, at: now });
  return layout;
}
