import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { recommenderConformance } from '../../test/recommender-conformance.ts';
import type { FmEvent, ItemSide } from './fields.ts';
import { FactorizationMachine, loadFactorizationMachine } from './fm-bpr.ts';

recommenderConformance({
  name: 'fm',
  make: () => new FactorizationMachine({ factors: 8, epochs: 30, learningRate: 0.1 }),
  load: (dir) => loadFactorizationMachine(dir),
});

/**
 * Every user downloads topic-A photos when searching "cats" and topic-B photos when searching
 * "dogs": the user field cannot tell the topics apart, only the query can.
 */
function twoQueryWorld(seed: number): { events: FmEvent[]; sides: Map<string, ItemSide> } {
  const random = new Random(seed);
  const a = Array.from({ length: 10 }, (_, i) => `a-${i}`);
  const b = Array.from({ length: 10 }, (_, i) => `b-${i}`);
  const sides = new Map<string, ItemSide>();
  for (const [i, id] of [...a, ...b].entries()) sides.set(id, { photographer: id.startsWith('a') ? 'ann' : 'bob', views: 10 + i, country: 'FR' });
  sides.set('new-by-ann', { photographer: 'ann', views: 15, country: 'FR' });
  sides.set('new-by-bob', { photographer: 'bob', views: 15, country: 'FR' });
  const events: FmEvent[] = [];
  for (let u = 0; u < 20; u++) {
    for (const item of random.sample(a, 4)) events.push({ user: `u${u}`, item, query: random.chance(0.5) ? 'cats' : 'Cute cats', country: 'FR' });
    for (const item of random.sample(b, 4)) events.push({ user: `u${u}`, item, query: 'dogs', country: 'FR' });
  }
  return { events, sides };
}

describe('FM with BPR', () => {
  const { events, sides } = twoQueryWorld(4);
  const a = Array.from({ length: 10 }, (_, i) => `a-${i}`);
  const b = Array.from({ length: 10 }, (_, i) => `b-${i}`);

  it('ranks by query: for one user every A photo beats every B photo on "cats", and the reverse on "dogs"', async () => {
    const model = new FactorizationMachine({ factors: 8, epochs: 30, learningRate: 0.1 }, sides);
    await model.fitEvents(events, { seed: 1 });
    for (const user of ['u0', 'u7', 'u13']) {
      const cats = await model.score(user, [...a, ...b], { query: 'cats' });
      const dogs = await model.score(user, [...a, ...b], { query: 'dogs' });
      expect(Math.min(...cats.subarray(0, 10))).toBeGreaterThan(Math.max(...cats.subarray(10)));
      expect(Math.min(...dogs.subarray(10))).toBeGreaterThan(Math.max(...dogs.subarray(0, 10)));
    }
    // the second pass scores an anonymous searcher, and photos unseen at fit from their photographer
    const anonymous = model.scoreContext({ query: 'cats' }, ['a-0', 'b-0', 'new-by-ann', 'new-by-bob', 'unknown']);
    expect(anonymous[0]!).toBeGreaterThan(anonymous[1]!);
    expect(anonymous[2]!).toBeGreaterThan(anonymous[3]!);
    expect(Number.isNaN(anonymous[4]!)).toBe(true);
    // …while the Recommender score keeps its contract
    expect(Number.isNaN((await model.score('u0', ['new-by-ann'], { query: 'cats' }))[0]!)).toBe(true);
    expect(Number.isNaN((await model.score('stranger', ['a-0'], { query: 'cats' }))[0]!)).toBe(true);
  });

  it('reports each epoch’s BPR loss and held-out AUC; loss falls and AUC nears its ceiling', async () => {
    const progress: Array<{ step: number; loss: number; auc: number }> = [];
    const model = new FactorizationMachine({ factors: 8, epochs: 15, learningRate: 0.02, holdout: 0.1 }, sides);
    await model.fitEvents(events, { seed: 2, onProgress: (p) => progress.push({ step: p.step, loss: p.detail!.loss!, auc: p.detail!.auc! }) });
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(progress[14]!.loss).toBeLessThan(progress[0]!.loss * 0.6);
    // Half of a held-out event's negatives are same-topic photos the user did not download, which
    // nothing in this world tells from the positive: the AUC's ceiling is about ½·1 + ½·½ = 0.75
    // (a little above on this small sample); an untrained model scores 0.5.
    expect(progress[14]!.auc).toBeGreaterThan(0.7);
  });

  it('refuses to fit nothing, and to score before a fit', async () => {
    await expect(new FactorizationMachine().fitEvents([])).rejects.toThrow(/fm: no events/);
    await expect(new FactorizationMachine().score('u', ['a'])).rejects.toThrow(/fm: the model is not fitted/);
  });
});
