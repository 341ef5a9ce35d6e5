import type { estypes } from '@elastic/elasticsearch';
import type { Client } from '../../es-mappings/client.ts';
import { KEYWORD_TIERS, KEYWORD_TIERS_FIELD } from '../../es-mappings/keyword-tiers.ts';

/**
 * How the index holds keyword confidences: `tiers`, flat text fields per confidence tier (the
 * current template), or only the `nested` keywords (an index made before the tiers, until it is
 * reindexed).
 */
export type KeywordLayout = 'tiers' | 'nested';

/** How long a layout is trusted: a reindex swapping the alias to a tiered index is seen this soon. */
const TTL_MS = 30_000;

const known = new WeakMap<Client, Map<string, { layout: KeywordLayout; at: number }>>();

/**
 * `tiers` when every index behind `index` (an alias) maps the keyword tier fields, else `nested`:
 * an index made before them keeps working, with the slower nested query, until it is reindexed.
 * Read from the mapping here, once per TTL per client and index: one request in 30 s pays the read,
 * the others none. Requests missing it at the same time each read it with their own `signal`, so
 * one request's abort cannot fail another's.
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

export interface KeywordQueryOptions {
  /** Weight of the keyword part (keywords scored by confidence) against the free-text part. */
  keywordBoost?: number;
  layout?: KeywordLayout;
}

/**
 * BM25 over the photo's keywords, each match weighted by that keyword's confidence, plus BM25 over
 * descriptions, AI description, location and collections.
 * With `tiers`, the confidence is its tier's weight (es-mappings/keyword-tiers.ts): a `bool` of
 * boosted `match`es that Elasticsearch can answer with block-max WAND. With `nested`, the exact
 * confidence via `function_score` + `field_value_factor` on each nested keyword — several times
 * slower, since every matching keyword of every photo is scored (`rank_features` would do it
 * exactly and fast, but the integ-test distribution has no mapper-extras).
 * User text only ever goes into `match`-family queries: never `query_string`, never a script.
 * The two clauses are named (`keywords`, `texts`) so that, with `include_named_queries_score`, each
 * hit says what each part scored: the second pass reads them as separate features.
 */
export function keywordQuery(text: string, options: KeywordQueryOptions = {}): estypes.QueryDslQueryContainer {
  const boost = options.keywordBoost ?? 2;
  return {
    bool: {
      should: [
        options.layout === 'nested' ? nestedKeywords(text, boost) : tieredKeywords(text, boost),
        {
          multi_match: {
            _name: 'texts',
            query: text,
            type: 'best_fields',
            fields: ['description', 'ai_description', 'location.name^0.5', 'collections.title^0.5'],
          },
        },
      ],
      minimum_should_match: 1,
    },
  };
}

function tieredKeywords(text: string, boost: number): estypes.QueryDslQueryContainer {
  return {
    bool: {
      _name: 'keywords',
      should: KEYWORD_TIERS.map((tier) => ({ match: { [`${KEYWORD_TIERS_FIELD}.${tier.field}`]: { query: text, boost: boost * tier.weight } } })),
    },
  };
}

function nestedKeywords(text: string, boost: number): estypes.QueryDslQueryContainer {
  return {
    nested: {
      _name: 'keywords',
      path: 'keywords',
      score_mode: 'sum',
      boost,
      query: {
        function_score: {
          query: { match: { 'keywords.keyword.text': { query: text } } },
          functions: [{ field_value_factor: { field: 'keywords.confidence', missing: 0.5 } }],
          boost_mode: 'multiply',
        },
      },
    },
  };
}
