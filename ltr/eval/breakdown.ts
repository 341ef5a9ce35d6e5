import { meanMetrics, type Metrics } from './metrics.ts';

/** One group of queries (a language, a query length): how many, and each row's mean metrics over them. */
export interface QueryGroup {
  queries: number;
  rows: Record<string, Metrics>;
}

/**
 * Each row's mean metrics within each group of queries: `groupOf[i]` names query i's group, and
 * `perRow` holds every row's per-query metrics in the same query order. Groups come out sorted by name.
 *
 * @example breakdown(['en', 'de', 'en'], new Map([['keyword', [m0, m1, m2]]])) // { de: {queries: 1, …}, en: {queries: 2, …} }
 */
export function breakdown(groupOf: readonly string[], perRow: ReadonlyMap<string, readonly Metrics[]>): Record<string, QueryGroup> {
  const members = new Map<string, number[]>();
  groupOf.forEach((group, i) => members.set(group, [...(members.get(group) ?? []), i]));
  const groups: Record<string, QueryGroup> = {};
  for (const group of [...members.keys()].sort()) {
    const indices = members.get(group)!;
    groups[group] = { queries: indices.length, rows: Object.fromEntries([...perRow].map(([row, metrics]) => [row, meanMetrics(indices.map((i) => metrics[i]!))])) };
  }
  return groups;
}

/** A query's length group: its whitespace-separated words, four and more together. */
export function lengthGroup(query: string): string {
  const words = query.trim().split(/\s+/).filter(Boolean).length;
  return words >= 4 ? '4+' : String(words);
}
