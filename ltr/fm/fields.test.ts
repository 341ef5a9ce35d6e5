import { describe, expect, it } from 'vitest';
import { FIELD, FieldEncoder, queryTokens, type ItemSide } from './fields.ts';

const sides = new Map<string, ItemSide>([
  ['p1', { country: 'FR', photographer: 'ann', views: 999, downloads: 9 }],
  ['p2', { country: 'DE', photographer: 'bob', views: 99 }],
  ['p9', { country: 'JP', photographer: 'cho', views: 10_000_000 }],
]);

describe('FM field encoder', () => {
  const encoder = FieldEncoder.fit(
    [
      { user: 'u1', item: 'p1', query: 'Red  Cars', country: 'FR' },
      { user: 'u2', item: 'p2', query: 'red', country: 'US' },
    ],
    sides,
  );

  it('splits queries into distinct lowercased words of any script', () => {
    expect(queryTokens('Red red, CARS! Éte 2024')).toEqual(['red', 'cars', 'éte', '2024']);
    expect(queryTokens(undefined)).toEqual([]);
  });

  it('builds the vocabulary from the events and the side data of their items only', () => {
    expect(encoder.features).toContain('query=cars');
    expect(encoder.features).toContain('photographer=ann');
    expect(encoder.features).toContain('itemCountry=DE');
    expect(encoder.features).not.toContain('photographer=cho'); // p9 is in no event
    expect(encoder.maxLogViews).toBeCloseTo(Math.log1p(999), 6);
  });

  it('weighs query tokens 1/√n and leaves unknown values out', () => {
    const side = encoder.context({ user: 'nobody', query: 'red cars zebra', country: 'FR' });
    const names = side.indices.map((i) => encoder.features[i]);
    expect(names).toEqual(['query=red', 'query=cars', 'userCountry=FR']);
    expect(side.values[0]).toBeCloseTo(1 / Math.sqrt(3), 6);
    expect(side.fields).toEqual([FIELD.query, FIELD.query, FIELD.userCountry]);
  });

  it('describes an item by id, country, photographer and scaled log counts', () => {
    const p2 = encoder.item('p2')!;
    expect(p2.indices.map((i) => encoder.features[i])).toEqual(['item=p2', 'itemCountry=DE', 'photographer=bob', 'views']);
    expect(p2.values[3]).toBeCloseTo(Math.log1p(99) / Math.log1p(999), 6);
    // an item unseen at fit keeps its known side features; above the fitted max scales past 1
    const p9 = encoder.item('p9')!;
    expect(p9.indices.map((i) => encoder.features[i])).toEqual(['views']);
    expect(p9.values[0]).toBeGreaterThan(1);
    expect(encoder.item('nothing-known')).toBeUndefined();
  });

  it('encodes an item once and answers the same encoding after (the second pass asks per request)', () => {
    const fresh = FieldEncoder.fromState(encoder.state());
    const first = fresh.item('p9');
    expect(fresh.item('p9')).toBe(first);
    expect(fresh.item('p9')).toEqual(encoder.item('p9'));
    expect(fresh.item('nothing-known')).toBeUndefined();
    expect(fresh.item('nothing-known')).toBeUndefined();
  });

  it('round-trips through its state, and refuses negative counts', () => {
    const again = FieldEncoder.fromState(JSON.parse(JSON.stringify(encoder.state())));
    expect(again.item('p1')).toEqual(encoder.item('p1'));
    expect(again.context({ user: 'u1', query: 'red' })).toEqual(encoder.context({ user: 'u1', query: 'red' }));
    expect(() => FieldEncoder.fit([{ user: 'u', item: 'x' }], new Map([['x', { views: -1 }]]))).toThrow(/fm fields: item x has views = -1/);
  });
});
