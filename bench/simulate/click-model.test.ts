import { describe, expect, it } from 'vitest';
import { Random } from '../../ltr/random.ts';
import { attraction, DEFAULT_CLICK_MODEL, examination, lookDown, relevance, taste } from './click-model.ts';
import type { Population, SimulatedUser } from './population.ts';

const user: SimulatedUser = { id: 'u', topics: { cat: 0.6, dog: 0.4 }, colors: ['red'], photographers: ['ana'], country: 'IS', sessions: 3 };
const population: Population = {
  users: [user],
  topicWords: { cat: ['cat'], dog: ['dog'] },
  photos: new Map([
    ['cat-red-ana', { topics: ['cat'], colors: ['red'] }],
    ['cat-blue', { topics: ['cat'], colors: ['blue'] }],
    ['dog-then-cat', { topics: ['dog', 'cat'], colors: ['blue'] }],
    ['dog', { topics: ['dog'], colors: ['red'] }],
  ]),
};

describe('the simulated users’ click model', () => {
  it('examination r^-0.7', () => {
    expect(examination(1, DEFAULT_CLICK_MODEL)).toBe(1);
    expect(examination(10, DEFAULT_CLICK_MODEL)).toBeCloseTo(10 ** -0.7, 12);
  });

  it('relevance and taste follow the generator: main topic 1, secondary 0.5; ×4 color, ×4 photographer', () => {
    expect(relevance(['cat'], 'cat')).toBe(1);
    expect(relevance(['dog', 'cat'], 'cat')).toBe(0.5);
    expect(relevance(['dog'], 'cat')).toBe(0);
    expect(taste(user, ['red'], 'ana')).toBe(16);
    expect(taste(user, ['blue'], 'ana')).toBe(4);
    expect(taste(user, ['blue'], null)).toBe(1);
  });

  it('P(click | examined) = noise + (1 − noise) · relevance · taste/(taste + 3); P(download | click) = relevance · taste/(taste + 3)', () => {
    expect(attraction(population, user, 'cat', { photo_id: 'cat-red-ana', photographer: 'ana' }, DEFAULT_CLICK_MODEL)).toEqual({ click: 0.02 + 0.98 * (16 / 19), download: 16 / 19 });
    expect(attraction(population, user, 'cat', { photo_id: 'cat-blue', photographer: 'bo' }, DEFAULT_CLICK_MODEL)).toEqual({ click: 0.02 + 0.98 * 0.25, download: 0.25 });
    expect(attraction(population, user, 'cat', { photo_id: 'dog', photographer: 'ana' }, DEFAULT_CLICK_MODEL)).toEqual({ click: 0.02, download: 0 });
  });

  it('over many pages the click rate at each rank is θ_r · attraction, and only clicked photos are downloaded', () => {
    const r = new Random(7);
    const hits = Array.from({ length: 5 }, () => ({ photo_id: 'cat-red-ana', photographer: 'ana' }));
    const clicks = [0, 0, 0, 0, 0];
    const n = 20_000;
    let downloadedUnclicked = 0;
    for (let i = 0; i < n; i++) {
      for (const o of lookDown(r, population, user, 'cat', hits, DEFAULT_CLICK_MODEL)) {
        if (o.clicked) clicks[o.rank - 1]! += 1;
        if (o.downloaded && !o.clicked) downloadedUnclicked += 1;
      }
    }
    expect(downloadedUnclicked).toBe(0);
    const p = 0.02 + 0.98 * (16 / 19);
    clicks.forEach((c, i) => expect(c / n).toBeCloseTo((i + 1) ** -0.7 * p, 1));
  });
});
