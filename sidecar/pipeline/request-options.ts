import { z } from '@hono/zod-openapi';
import type { LanguageSource } from '../../ltr/language/query-language.ts';

/** What a request may ask of the stages besides its query: filters, fusion, policy; and the server's defaults. */

const filterValue = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(50)]);

/** Exact filters on keyword fields, applied inside every list (see `filterClauses` in retrieval/elastic-reads.ts). */
export const SearchFiltersSchema = z
  .object({
    country: filterValue.optional().openapi({ description: 'Country of the photo’s location (one or several)', example: 'Iceland' }),
    orientation: z.enum(['landscape', 'portrait', 'squarish']).optional(),
    color: filterValue.optional().openapi({ description: 'A dominant color name (one or several)', example: 'blue' }),
    photographer: filterValue.optional().openapi({ description: 'Photographer username (one or several)' }),
  })
  .strict()
  .openapi('SearchFilters');

export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

/** Where a request comes from (a country code or name): context for the second pass. */
export const CountrySchema = z.string().trim().min(1).max(100);

/** What a language code must look like; the message every route answers a bad one with. */
export const LANGUAGE_CODE_RULE = 'must be an ISO 639 language code such as en, de, ja';

/** A request's `lang`: an ISO 639 code (two or three letters; resolveQueryLanguage lower-cases it). */
export const LanguageCodeSchema = z.string().trim().regex(/^[a-zA-Z]{2,3}$/, LANGUAGE_CODE_RULE);

/** The request's resolved language as routes answer and log it (`lang`, `lang_source`); nothing when none was resolved. */
export function languageFields(resolved: { language: string; source: LanguageSource } | undefined): { lang?: string; lang_source?: LanguageSource } {
  return resolved ? { lang: resolved.language, lang_source: resolved.source } : {};
}

export const FusionOptionsSchema = z
  .object({
    method: z.enum(['rrf', 'linear']).optional().openapi({ description: 'rrf (ranks only) or linear (normalized scores)' }),
    normalization: z.enum(['minmax', 'zscore']).optional(),
    weights: z
      .object({ keyword: z.number().min(0).max(100).optional(), clip: z.number().min(0).max(100).optional() })
      .strict()
      .optional(),
    rank_constant: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .openapi('FusionOptions');

export const PolicyOptionsSchema = z
  .object({
    duplicate_cosine: z.number().min(0).max(1).optional().openapi({ description: 'drop a hit whose CLIP cosine to a better one exceeds this; 1 turns it off' }),
    max_per_photographer: z.number().int().min(0).max(100).optional().openapi({ description: '0 turns the cap off' }),
  })
  .strict()
  .openapi('PolicyOptions');

export type FusionOptions = z.infer<typeof FusionOptionsSchema>;
export type PolicyOptionsInput = z.infer<typeof PolicyOptionsSchema>;

/** Server-side defaults; each request may override them. */
export interface RankingDefaults {
  fusion: Required<Pick<FusionOptions, 'method' | 'normalization' | 'rank_constant'>> & { weights: { keyword: number; clip: number } };
  policy: Required<PolicyOptionsInput>;
  /** Candidates each retriever returns before fusion and policy. */
  candidates: number;
  /** HNSW candidates per kNN search, as a multiple of the candidates wanted. */
  numCandidatesFactor: number;
}

export const DEFAULT_RANKING: RankingDefaults = {
  fusion: { method: 'rrf', normalization: 'minmax', rank_constant: 60, weights: { keyword: 1, clip: 1 } },
  policy: { duplicate_cosine: 0.97, max_per_photographer: 3 },
  candidates: 100,
  numCandidatesFactor: 2,
};
