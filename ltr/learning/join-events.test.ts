import { describe, expect, it } from 'vitest';
import { joinEvents } from './join-events.ts';
import { gradeOf } from './labels.ts';
import type { LoggedFeedback, LoggedSearch } from './logged-search.ts';

const search = (request_id: string, user: string, at: string, shown: string[]): LoggedSearch => ({
  '@timestamp': at,
  request_id,
  user,
  logged: shown.map((id, i) => ({ id, shown: i + 1, values: [] })),
});
const feedback = (user: string, photo_id: string, type: string, at: string, request_id?: string): LoggedFeedback => ({ '@timestamp': at, user, photo_id, type, ...(request_id ? { request_id } : {}) });

describe('search-events ⋈ feedback-events', () => {
  const searches = [search('r1', 'ann', '2026-01-01T10:00:00Z', ['a', 'b', 'c']), search('r2', 'ann', '2026-01-01T10:05:00Z', ['c', 'd']), search('r3', 'bob', '2026-01-01T10:00:00Z', ['a'])];

  it('by request_id first, else the same user’s latest search that showed the photo within the window', () => {
    const joined = joinEvents(searches, [
      feedback('ann', 'a', 'click', '2026-01-01T10:06:00Z', 'r1'), // by id, though r2 is later
      feedback('ann', 'c', 'download', '2026-01-01T10:06:00Z', 'feedback-request-9'), // an id no search has: r2 (latest showing c)
      feedback('ann', 'b', 'like', '2026-01-01T10:06:00Z'), // no id: r1 (r2 did not show b)
      feedback('ann', 'd', 'click', '2026-01-01T11:00:00Z'), // 55 minutes after r2: outside the window
      feedback('bob', 'b', 'click', '2026-01-01T10:01:00Z'), // bob was never shown b
      feedback('ann', 'a', 'click', '2026-01-01T09:59:00Z'), // before any search of ann
    ]);
    expect(joined.byRequestId).toBe(1);
    expect(joined.byUserAndPhoto).toBe(2);
    expect(joined.unmatched).toBe(3);
    expect([...joined.feedback.get('r1')!].map(([photo, types]) => [photo, [...types]])).toEqual([['a', ['click']], ['b', ['like']]]);
    expect([...joined.feedback.get('r2')!].map(([photo, types]) => [photo, [...types]])).toEqual([['c', ['download']]]);
  });
});

describe('graded labels', () => {
  it('download 3 > like 2 > click 1 > nothing 0; a skip is 0 whatever came with it', () => {
    expect(gradeOf(['click', 'download'])).toBe(3);
    expect(gradeOf(['like'])).toBe(2);
    expect(gradeOf(['click'])).toBe(1);
    expect(gradeOf([])).toBe(0);
    expect(gradeOf(['click', 'skip'])).toBe(0);
  });
});
