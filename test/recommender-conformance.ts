import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../ltr/random.ts';
import { interactionMatrix, type Interaction } from '../ltr/interactions.ts';
import type { Recommender } from '../ltr/recommender.ts';

/**
 * A checkerboard world: two groups of users, each interacting only with its own group's items (a
 * random part of them). Any collaborative model worth the name puts a user's top unseen item in the
 * user's own group: precision@1 is exactly 1.
 */
export function checkerboard(seed: number, usersPerGroup = 30, itemsPerGroup = 12, perUser = 6): Interaction[] {
  const random = new Random(seed);
  const interactions: Interaction[] = [];
  for (const group of ['a', 'b']) {
    const items = Array.from({ length: itemsPerGroup }, (_, i) => `${group}-item-${i}`);
    for (let u = 0; u < usersPerGroup; u++) {
      for (const item of random.sample(items, perUser)) interactions.push({ user: `${group}-user-${u}`, item, weight: 1 + random.int(0, 2) });
    }
  }
  return interactions;
}

export interface ConformanceSubject {
  name: string;
  make(): Recommender;
  load(dir: string): Promise<Recommender>;
}

/** The suite every model runs : the oracle, determinism under a seed, save/load. */
export function recommenderConformance(subject: ConformanceSubject): void {
  describe(`${subject.name} conforms to Recommender`, () => {
    const data = interactionMatrix(checkerboard(5));
    const users = data.userIds;

    it('checkerboard oracle: every user’s top unseen item is from the user’s own group (precision@1 = 1)', async () => {
      const model = subject.make();
      await model.fit(data, { seed: 1 });
      const top = await model.recommend(users, { k: 1, filterSeen: true });
      const hits = top.filter((list, u) => list[0]?.item.startsWith(users[u]!.slice(0, 2))).length;
      expect(hits / users.length).toBe(1);
      // and never an item the user already has
      const seen = new Set(checkerboard(5).map((i) => `${i.user}|${i.item}`));
      expect(top.every((list, u) => !seen.has(`${users[u]}|${list[0]!.item}`))).toBe(true);
    });

    it('is deterministic under a seed', async () => {
      const first = subject.make();
      const second = subject.make();
      await first.fit(data, { seed: 7 });
      await second.fit(data, { seed: 7 });
      const items = data.itemIds;
      expect(Array.from(await first.score(users[3]!, items))).toEqual(Array.from(await second.score(users[3]!, items)));
    });

    it('saves and loads to the same scores; unknown users and items score NaN', async () => {
      const model = subject.make();
      await model.fit(data, { seed: 3 });
      const dir = await mkdtemp(join(tmpdir(), `${subject.name}-`));
      try {
        await model.save(dir);
        const loaded = await subject.load(dir);
        const items = [...data.itemIds, 'no-such-item'];
        const before = await model.score(users[0]!, items);
        const after = await loaded.score(users[0]!, items);
        expect(Array.from(after)).toEqual(Array.from(before));
        expect(Number.isNaN(after[after.length - 1]!)).toBe(true);
        expect(Number.isNaN((await loaded.score('no-such-user', items.slice(0, 1)))[0]!)).toBe(true);
        expect(await loaded.recommend([users[0]!], { k: 3 })).toEqual(await model.recommend([users[0]!], { k: 3 }));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('ranks only the candidates when given, and finds similar items in the same group', async () => {
      const model = subject.make();
      await model.fit(data, { seed: 2 });
      const candidates = ['a-item-1', 'b-item-1', 'b-item-2'];
      const [list] = await model.recommend([users[0]!], { k: 3, filterSeen: false, candidates });
      expect(list!.every((s) => candidates.includes(s.item))).toBe(true);
      const similar = await model.similarItems('a-item-0', 5);
      expect(similar.every((s) => s.item.startsWith('a-') && s.item !== 'a-item-0')).toBe(true);
    });
  });
}
