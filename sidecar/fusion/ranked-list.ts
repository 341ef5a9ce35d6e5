import type { RankedList } from '../../ltr/second-pass.ts';

export type { RankedList };

/** Where a fused hit stood in each list (rank is 1-based). */
export interface ListPosition {
  rank: number;
  score: number;
}

export interface FusedHit {
  id: string;
  score: number;
  lists: Record<string, ListPosition>;
}

export function positionsById(lists: RankedList[]): Map<string, Record<string, ListPosition>> {
  const positions = new Map<string, Record<string, ListPosition>>();
  for (const list of lists) {
    list.hits.forEach((hit, i) => {
      const entry = positions.get(hit.id) ?? {};
      // A list that names an id twice keeps its best position.
      if (!entry[list.name]) entry[list.name] = { rank: i + 1, score: hit.score };
      positions.set(hit.id, entry);
    });
  }
  return positions;
}

export function sortFused(hits: FusedHit[]): FusedHit[] {
  // Ties break by id so that the same inputs always give the same order.
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
