import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { interactionMatrix } from '../interactions.ts';
import type { FmEvent } from './fields.ts';
import { eventsFromMatrix, TrainingSet } from './training-set.ts';

describe('FM training set', () => {
  // one popular item (p0, 60 events) and 40 items with one event each; user u0 has p0…p9
  const events: FmEvent[] = [];
  for (let i = 0; i < 10; i++) events.push({ user: 'u0', item: `p${i}` });
  for (let e = 0; e < 60; e++) events.push({ user: `v${e}`, item: 'p0' });
  for (let i = 10; i < 40; i++) events.push({ user: `w${i}`, item: `p${i}` });

  it('never samples one of the user’s training items as a negative; popularity mixing favours popular items', () => {
    const set = TrainingSet.build(events, new Map(), new Random(1), { holdout: 0 });
    const random = new Random(2);
    const u0 = set.userIndex.get('u0')!;
    const own = new Set(Array.from({ length: 10 }, (_, i) => set.itemIndex.get(`p${i}`)!));
    for (let n = 0; n < 500; n++) expect(own.has(set.sampleNegative(random, u0))).toBe(false);
    const popular = set.itemIndex.get('p0')!;
    const loner = set.userIndex.get('w10')!;
    const share = (mix: number): number => {
      const mixed = TrainingSet.build(events, new Map(), new Random(1), { holdout: 0, popularityMix: mix });
      let hits = 0;
      for (let n = 0; n < 2000; n++) hits += mixed.sampleNegative(random, loner) === popular ? 1 : 0;
      return hits / 2000;
    };
    expect(share(0)).toBeLessThan(0.06); // uniform: 1 of 40
    expect(share(1)).toBeGreaterThan(0.4); // 60 of 100 events
  });

  it('holds out a share of events for the AUC, and only its positives may be training negatives', () => {
    const set = TrainingSet.build(events, new Map(), new Random(1), { holdout: 0.1, auditNegatives: 4 });
    expect(set.heldOut.length).toBe(10);
    expect(set.train.length + set.heldOut.length).toBe(events.length);
    expect(new Set([...set.train, ...set.heldOut]).size).toBe(events.length);
    for (let h = 0; h < set.heldOut.length; h++) {
      const user = set.eventUser[set.heldOut[h]!]!;
      for (let n = 0; n < 4; n++) {
        const negative = set.heldOutNegatives[h * 4 + n]!;
        // audit negatives avoid everything the user has, held-out or not
        const has = set.seenItems.subarray(set.seenPtr[user]!, set.seenPtr[user + 1]!);
        expect(negative < 0 || !has.includes(negative)).toBe(true);
      }
    }
    // a perfect scorer (positives 1, others 0) has AUC 1; a constant one 0.5
    expect(set.heldOutAuc((evs, items) => Float32Array.from(evs, (e, at) => (set.eventItem[e] === items[at] ? 1 : 0)))).toBe(1);
    expect(set.heldOutAuc((evs) => new Float32Array(evs.length))).toBe(0.5);
  });

  it('turns an interaction of count w into round(w) events, at least one', () => {
    const m = interactionMatrix([{ user: 'a', item: 'x', weight: 3 }, { user: 'a', item: 'y', weight: 0.4 }, { user: 'b', item: 'x', weight: 1.6 }]);
    const counted = eventsFromMatrix(m).map((e) => `${e.user}:${e.item}`).sort();
    expect(counted).toEqual(['a:x', 'a:x', 'a:x', 'a:y', 'b:x', 'b:x']);
  });
});
