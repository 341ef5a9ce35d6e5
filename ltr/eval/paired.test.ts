import { describe, expect, it } from 'vitest';
import { MIN_PAIRED_QUERIES, pairedDifference } from './paired.ts';

describe('pairedDifference', () => {
  it('finds a small steady gain that per-query noise would hide in unpaired means', () => {
    const baseline = Array.from({ length: 200 }, (_, i) => ((i * 37) % 100) / 100);
    const better = baseline.map((v, i) => v + 0.01 + (i % 2 === 0 ? 0.002 : -0.002));
    const d = pairedDifference(better, baseline)!;
    expect(d.delta).toBeCloseTo(0.01, 6);
    expect(d.low).toBeGreaterThan(0);
    expect(d.p).toBeLessThan(0.001);
  });

  it('a difference that flips sign from query to query is not significant', () => {
    const baseline = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const other = baseline.map((v, i) => v + (i % 2 === 0 ? 0.3 : -0.3) + (i === 0 ? 0.01 : 0));
    const d = pairedDifference(other, baseline)!;
    expect(d.low).toBeLessThan(0);
    expect(d.high).toBeGreaterThan(0);
    expect(d.p).toBeGreaterThan(0.5);
  });

  it('matches the textbook paired t statistic', () => {
    // d = [1, 2, 3, …, 40]: mean 20.5, sd 11.69, se 1.849 → z 11.09.
    const baseline = Array.from({ length: 40 }, () => 0);
    const row = baseline.map((_, i) => i + 1);
    const d = pairedDifference(row, baseline)!;
    expect(d.delta).toBe(20.5);
    expect((d.high - d.delta) / 1.96).toBeCloseTo(Math.sqrt(136.6667 / 40), 3);
  });

  it('refuses rows of different queries, and answers nothing below the minimum', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow('same queries');
    expect(pairedDifference(Array(MIN_PAIRED_QUERIES - 1).fill(1), Array(MIN_PAIRED_QUERIES - 1).fill(0))).toBeUndefined();
  });
});
