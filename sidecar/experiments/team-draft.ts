import { Random } from '../../ltr/random.ts';
import { fnv1a32 } from './bucket.ts';

/** One interleaved list: the ids in page order and, for each, the index of the team (arm) that placed it. */
export interface Interleaved {
  ids: string[];
  teams: number[];
}

/**
 * Team-draft interleaving (Radlinski, Kurup, Joachims, CIKM 2008) of two rankings into `length`
 * places: the team with fewer picks chooses next (a coin decides between equal teams), and it places
 * its best document not yet on the page. A document both lists rank appears once, credited to the
 * team that placed it. When one list runs out the other fills the page (as Wikimedia's
 * CirrusSearch does; Solr stops instead), so the page is as long as the union allows.
 *
 * The coin is seeded by the caller (from the user and query), so reloading a search shows the same
 * page, and page 2 (interleaved over 2·k places with the same coin) continues page 1.
 */
export function teamDraft(a: readonly string[], b: readonly string[], length: number, coin: () => boolean): Interleaved {
  const lists = [a, b] as const;
  const next = [0, 0];
  const picks = [0, 0];
  const placed = new Set<string>();
  const ids: string[] = [];
  const teams: number[] = [];
  const firstUnplaced = (team: number): string | undefined => {
    const list = lists[team]!;
    while (next[team]! < list.length && placed.has(list[next[team]!]!)) next[team]! += 1;
    return list[next[team]!];
  };
  while (ids.length < length) {
    const hasA = firstUnplaced(0) !== undefined;
    const hasB = firstUnplaced(1) !== undefined;
    if (!hasA && !hasB) break;
    let team = picks[0]! < picks[1]! || (picks[0] === picks[1] && coin()) ? 0 : 1;
    if (team === 0 && !hasA) team = 1;
    if (team === 1 && !hasB) team = 0;
    const id = firstUnplaced(team)!;
    placed.add(id);
    ids.push(id);
    teams.push(team);
    picks[team]! += 1;
  }
  return { ids, teams };
}

/** The coin of one search: the same (experiment, user, query) flips the same way every time. */
export function seededCoin(...parts: string[]): () => boolean {
  const random = new Random(fnv1a32(parts.join('\u0000')));
  return () => random.chance(0.5);
}
