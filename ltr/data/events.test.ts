import { describe, expect, it } from 'vitest';
import { defaultSplit, eventsBefore, eventsBetween, queriesOf, type ConversionEvent } from './events.ts';

const day = 24 * 3600 * 1000;
const event = (d: number, user: string, photo: string, keyword: string): ConversionEvent => ({ time: d * day, user, photo, keyword, country: 'FR' });

describe('time split and queries', () => {
  const events = [event(0, 'u1', 'p1', 'cat'), event(10, 'u1', 'p2', 'cat'), event(50, 'u2', 'p3', 'dog'), event(59, 'u1', 'p4', 'cat'), event(59, 'u2', 'p5', 'cat')];

  it('cuts the last sixth for test and the third before it for the ranker', () => {
    const split = defaultSplit(events);
    // span = 59 days + 1 ms; test from ≈ 49.17 days, ranker from ≈ 29.5 days
    expect(split.testFrom).toBeGreaterThan(49 * day);
    expect(split.testFrom).toBeLessThan(50 * day);
    expect(split.rankerFrom).toBeGreaterThan(29 * day);
    expect(split.rankerFrom).toBeLessThan(30 * day);
    expect(eventsBefore(events, split.rankerFrom).map((e) => e.photo)).toEqual(['p1', 'p2']);
    expect(eventsBetween(events, split.rankerFrom, split.testFrom)).toEqual([]);
    expect(eventsBetween(events, split.testFrom, split.end).map((e) => e.photo)).toEqual(['p3', 'p4', 'p5']);
  });

  it('groups a window into (user, keyword) queries with the photos downloaded for them', () => {
    const queries = queriesOf(events);
    expect(queries.map((q) => [q.id, [...q.relevant]])).toEqual([
      ['u1|cat', ['p1', 'p2', 'p4']],
      ['u2|dog', ['p3']],
      ['u2|cat', ['p5']],
    ]);
    expect(queries[0]!.time).toBe(0);
  });

  it('refuses to split nothing', () => {
    expect(() => defaultSplit([])).toThrow(/no conversions/);
  });
});
