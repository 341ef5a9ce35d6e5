import { describe, expect, it } from 'vitest';
import { cosine } from '../vectors.ts';
import { meanProfile, sessionStep, sessionVector } from './user-vectors.ts';

const x = [1, 0, 0];
const y = [0, 1, 0];
const z = [0, 0, 1];

describe('meanProfile', () => {
  it('is the weighted mean of the positives, unit length', () => {
    const p = meanProfile([{ vector: x, weight: 3 }, { vector: y, weight: 1 }], [])!;
    expect(p[0]! / p[1]!).toBeCloseTo(3, 5);
    expect(Math.hypot(...p)).toBeCloseTo(1, 6);
  });

  it('moves away from the negatives by w_n', () => {
    const p = meanProfile([{ vector: x, weight: 1 }], [{ vector: y, weight: 1 }], { negativeWeight: 0.5 })!;
    expect(p[1]).toBeLessThan(0);
    expect(p[0]! / -p[1]!).toBeCloseTo(2, 5);
  });

  it('is null without positives, whatever the negatives', () => {
    expect(meanProfile([], [{ vector: x, weight: 1 }])).toBeNull();
    expect(meanProfile([{ vector: x, weight: 0 }], [])).toBeNull();
  });

  it('refuses vectors of different dims', () => {
    expect(() => meanProfile([{ vector: x, weight: 1 }, { vector: [1, 0], weight: 1 }], [])).toThrow(/3 and 2 dims/);
  });
});

describe('sessionStep', () => {
  it('starts at the first photo', () => {
    expect(Array.from(sessionStep(null, [2, 0, 0]))).toEqual([1, 0, 0]);
  });

  it('barely moves for a photo like the session and moves halfway for an orthogonal one', () => {
    const same = sessionStep(x, [1, 0.01, 0]);
    expect(cosine(same, x)).toBeGreaterThan(0.9999);
    // orthogonal: a1 = a2 = 1/2, so the new session is the bisector
    const turned = sessionStep(x, y);
    expect(turned[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(turned[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('follows a taste that changes: the last photos weigh more than the first', () => {
    const s = sessionVector([x, x, z, z, z]);
    expect(cosine(s!, z)).toBeGreaterThan(cosine(s!, x));
    expect(sessionVector([])).toBeNull();
  });
});
