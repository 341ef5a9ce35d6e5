import type { estypes } from '@elastic/elasticsearch';

export interface KeywordQueryOptions {
  /** Weight of the keyword part (keywords scored by confidence) against the free-text part. */
  keywordBoost?: number;
  /** Confidence assumed for a keyword without one (user-suggested keywords often have none). */
  missingConfidence?: number;
}

/**
 * BM25 over the photo's keywords, each match multiplied by that keyword's confidence (a `nested`
 * query with `function_score` + `field_value_factor`: it scores on the integ-test distribution, which
 * has no `rank_features`), plus BM25 over descriptions, AI description, location and collections.
 * User text only ever goes into `match`-family queries: never `query_string`, never a script.
 * The two clauses are named (`keywords`, `texts`) so that, with `include_named_queries_score`, each
 * hit says what each part scored: the second pass reads them as separate features.
 */
export function keywordQuery(text: string, options: KeywordQueryOptions = {}): estypes.QueryDslQueryContainer {
  return {
    bool: {
      should: [
        {
          nested: {
            _name: 'keywords',
            path: 'keywords',
            score_mode: 'sum',
            boost: options.keywordBoost ?? 2,
            query: {
              function_score: {
                query: { match: { 'keywords.keyword.text': { query: text } } },
                functions: [{ field_value_factor: { field: 'keywords.confidence', missing: options.missingConfidence ?? 0.5 } }],
                boost_mode: 'multiply',
              },
            },
          },
        },
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
