import type { LoggedFeedback, LoggedSearch } from './logged-search.ts';

export interface JoinOptions {
  /** How long after a search feedback without its request_id may still belong to it (ms; default 30 minutes). */
  windowMs?: number;
}

export interface JoinedEvents {
  /** request_id → photo → the feedback types given to it from that search. */
  feedback: Map<string, Map<string, Set<string>>>;
  byRequestId: number;
  byUserAndPhoto: number;
  /** Feedback that matched no logged search (a photo never shown, a search before --since, …). */
  unmatched: number;
}

/** The photos a logged search showed: its logged shown rows, else its served ids. */
export function shownIds(search: LoggedSearch): string[] {
  const rows = search.logged?.filter((row) => row.shown !== null).map((row) => row.id);
  return rows && rows.length > 0 ? rows : (search.served_ids ?? []);
}

/**
 * search-events ⋈ feedback-events. By `request_id` first (what the search page and the API's
 * clients send back); feedback without one — or with an id no logged search has, which is what
 * the sidecar records when a client sent none — goes to the same user's latest search that showed
 * the photo within `windowMs` before it.
 */
export function joinEvents(searches: readonly LoggedSearch[], feedback: readonly LoggedFeedback[], options: JoinOptions = {}): JoinedEvents {
  const windowMs = options.windowMs ?? 30 * 60_000;
  const byId = new Map(searches.map((s) => [s.request_id, s]));
  const byUser = new Map<string, Array<{ time: number; search: LoggedSearch; shown: Set<string> }>>();
  for (const search of searches) {
    if (!search.user) continue;
    const list = byUser.get(search.user) ?? [];
    list.push({ time: Date.parse(search['@timestamp']), search, shown: new Set(shownIds(search)) });
    byUser.set(search.user, list);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.time - b.time);
  const joined: JoinedEvents = { feedback: new Map(), byRequestId: 0, byUserAndPhoto: 0, unmatched: 0 };
  const add = (requestId: string, photo: string, type: string): void => {
    let photos = joined.feedback.get(requestId);
    if (!photos) joined.feedback.set(requestId, (photos = new Map()));
    let types = photos.get(photo);
    if (!types) photos.set(photo, (types = new Set()));
    types.add(type);
  };
  for (const f of feedback) {
    if (f.request_id && byId.has(f.request_id)) {
      add(f.request_id, f.photo_id, f.type);
      joined.byRequestId++;
      continue;
    }
    const time = Date.parse(f['@timestamp']);
    const candidates = byUser.get(f.user) ?? [];
    let match: LoggedSearch | undefined;
    for (let i = candidates.length - 1; i >= 0; i--) {
      const c = candidates[i]!;
      if (c.time > time) continue;
      if (time - c.time > windowMs) break;
      if (c.shown.has(f.photo_id)) {
        match = c.search;
        break;
      }
    }
    if (match) {
      add(match.request_id, f.photo_id, f.type);
      joined.byUserAndPhoto++;
    } else {
      joined.unmatched++;
    }
  }
  return joined;
}
