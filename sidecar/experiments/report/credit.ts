/** A served search of an experiment as `search-events` logged it. */
export interface LoggedSearch {
  request_id: string;
  user?: string;
  /** ab: the arm that served it. */
  arm?: string;
  /** Photo → the team (arm) that placed it, as logged when served, in the order shown. */
  teams: Map<string, string>;
  /** The page served (1-based); absent in events that did not say. */
  page?: number;
}

/** What a user did, from `feedback-events`. */
export interface LoggedFeedback {
  request_id: string;
  photo_id: string;
  type: string;
}

/**
 * Credit of one search: per team, the distinct photos of that team the user acted on (clicks, or
 * downloads) — read from the teams logged when the page was served, never recomputed. A photo
 * that was not on the served page earns nothing.
 */
export function creditOf(search: LoggedSearch, feedback: readonly LoggedFeedback[], types: ReadonlySet<string>): Map<string, number> {
  const acted = new Map<string, Set<string>>();
  for (const event of feedback) {
    if (event.request_id !== search.request_id || !types.has(event.type)) continue;
    const team = search.teams.get(event.photo_id);
    if (team === undefined) continue;
    if (!acted.has(team)) acted.set(team, new Set());
    acted.get(team)!.add(event.photo_id);
  }
  return new Map([...acted].map(([team, photos]) => [team, photos.size]));
}

/** Team-draft's verdict on one search: the team with more credit wins; equal non-zero credit ties; no credit says nothing. */
export function verdict(credit: ReadonlyMap<string, number>, a: string, b: string): 'a' | 'b' | 'tie' | 'none' {
  const ca = credit.get(a) ?? 0;
  const cb = credit.get(b) ?? 0;
  if (ca === 0 && cb === 0) return 'none';
  return ca > cb ? 'a' : cb > ca ? 'b' : 'tie';
}
