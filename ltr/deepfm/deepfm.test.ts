import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { recommenderConformance } from '../../test/recommender-conformance.ts';
import type { FmEvent, ItemSide } from '../fm/fields.ts';
import { DeepFm, loadDeepFm } from './deepfm.ts';
import { fillSlots, slotBatch, slotLayout } from './slots.ts';
import { tf, tfReady } from './tf.ts';

const small = { factors: 8, hidden: [16, 16], epochs: 12, batchSize: 64, learningRate: 0.02 };

recommenderConformance({ name: 'deepfm', make: () => new DeepFm(small), load: (dir) => loadDeepFm(dir) });

describe('DeepFM', () => {
  it('loads a tfjs backend once and says which', async () => {
    const backend = await tfReady();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend.name);
    expect(await tfReady()).toBe(backend);
  });

  it('lays out query tokens in their own slots', () => {
    const layout = slotLayout(3);
    expect(layout.width).toBe(10); // user, item, 3 query, user country, item country, photographer, views, downloads
    const batch = slotBatch(layout, 1);
    // fields: user 0, query 2 ×4 (one too many), downloads 7
    const side = { indices: Int32Array.from([5, 6, 7, 8, 9, 4]), values: Float32Array.from([1, 0.5, 0.5, 0.5, 0.5, 0.3]), fields: Uint8Array.from([0, 2, 2, 2, 2, 7]) };
    fillSlots(layout, batch, 0, side, 0, 6);
    expect(Array.from(batch.indices)).toEqual([5, 0, 6, 7, 8, 0, 0, 0, 0, 4]);
    expect(layout.firstSlot).toEqual([0, 1, 2, 5, 6, 7, 8, 9]);
    expect(layout.fieldOfSlot).toEqual([0, 1, 2, 2, 2, 3, 4, 5, 6, 7]);
  });

  it('ranks by query: A photos above B photos on "cats" and the reverse on "dogs", for the same user', async () => {
    const random = new Random(4);
    const a = Array.from({ length: 8 }, (_, i) => `a-${i}`);
    const b = Array.from({ length: 8 }, (_, i) => `b-${i}`);
    const sides = new Map<string, ItemSide>([...a, ...b].map((id) => [id, { photographer: id[0], views: 100 }]));
    const events: FmEvent[] = [];
    for (let u = 0; u < 16; u++) {
      for (const item of random.sample(a, 3)) events.push({ user: `u${u}`, item, query: 'cats' });
      for (const item of random.sample(b, 3)) events.push({ user: `u${u}`, item, query: 'dogs' });
    }
    const model = new DeepFm({ ...small, epochs: 20 }, sides);
    const progress: number[] = [];
    await model.fitEvents(events, { seed: 1, onProgress: (p) => progress.push(p.detail!.loss!) });
    expect(progress[progress.length - 1]!).toBeLessThan(progress[0]! * 0.7);
    const cats = await model.score('u3', [...a, ...b], { query: 'cats' });
    const dogs = await model.score('u3', [...a, ...b], { query: 'dogs' });
    expect(Math.min(...cats.subarray(0, 8))).toBeGreaterThan(Math.max(...cats.subarray(8)));
    expect(Math.min(...dogs.subarray(8))).toBeGreaterThan(Math.max(...dogs.subarray(0, 8)));
    expect(Number.isNaN(model.scoreContext({ query: 'cats' }, ['nothing'])[0]!)).toBe(true);
    model.dispose();
  });

  it('leaves no tensor behind: a fit, scores and dispose return tfjs to where it was', async () => {
    await tfReady();
    const before = tf.memory().numTensors;
    const model = new DeepFm({ ...small, epochs: 2 });
    await model.fitEvents([{ user: 'u', item: 'a', query: 'x' }, { user: 'u', item: 'b' }, { user: 'v', item: 'c' }], { seed: 1 });
    for (let i = 0; i < 3; i++) await model.score('u', ['a', 'b', 'c'], { query: 'x' });
    expect(tf.memory().numTensors).toBeGreaterThan(before); // the MLP's variables
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
