import type { estypes } from '@elastic/elasticsearch';
import { z } from '@hono/zod-openapi';

const filterValue = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(50)]);

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

const FIELD_OF: Record<keyof SearchFilters, string> = {
  country: 'location.country',
  orientation: 'orientation',
  color: 'colors.name',
  photographer: 'photographer.username',
};

/**
 * Filters as Elasticsearch filter clauses (exact `term`/`terms` on keyword fields: no scoring, cached
 * by the node). The same clauses go into the `bool.filter` of a keyword query and the `filter` of a
 * kNN search, so both lists obey them before ranking, not after.
 */
export function filterClauses(filters: SearchFilters | undefined, excludeIds: readonly string[] = []): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  for (const [name, field] of Object.entries(FIELD_OF) as Array<[keyof SearchFilters, string]>) {
    const value = filters?.[name];
    if (value === undefined) continue;
    clauses.push(Array.isArray(value) ? { terms: { [field]: value } } : { term: { [field]: value } });
  }
  if (excludeIds.length > 0) clauses.push({ bool: { must_not: [{ ids: { values: [...excludeIds] } }] } });
  return clauses;
}
