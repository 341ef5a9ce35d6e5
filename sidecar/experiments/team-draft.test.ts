import { describe, expect, it } from 'vitest';
import { armOf, fnv1a32, unitHash } from './bucket.ts';
import { seededCoin, teamDraft } from './team-draft.ts';

const heads = () => true;
const tails = () => false;

describe('teamDraft', () => {
  it('alternates teams; the coin decides only between equal teams', () => {
    // A wins the first flip, then B must pick (fewer picks), then a new flip...
    const page = teamDraft(['a1', 'a2', 'a3'], ['b1', 'b2', 'b3'], 6, heads);
    expect(page.ids).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    expect(page.teams).toEqual([0, 1, 0, 1, 0, 1]);
    expect(teamDraft(['a1', 'a2'], ['b1', 'b2'], 4, tails)).toEqual({ ids: ['b1', 'a1', 'b2', 'a2'], teams: [1, 0, 1, 0] });
  });

  it('places a document both lists rank once, credited to the team that placed it, and that team moves on', () => {
    // Radlinski et al.'s worked case: both rank x first.
    const page = teamDraft(['x', 'a', 'c'], ['x', 'b', 'c'], 4, heads);
    expect(page.ids).toEqual(['x', 'b', 'a', 'c']);
    expect(page.teams).toEqual([0, 1, 0, 1]);
    expect(new Set(page.ids).size).toBe(page.ids.length);
  });

  it('keeps the teams balanced on every prefix (|A| − |B| within one)', () => {
    const coin = seededCoin('balance');
    const a = Array.from({ length: 50 }, (_, i) => `p${(i * 7) % 50}`);
    const b = Array.from({ length: 50 }, (_, i) => `p${(i * 11 + 3) % 50}`);
    const page = teamDraft(a, b, 30, coin);
    let diff = 0;
    for (const team of page.teams) {
      diff += team === 0 ? 1 : -1;
      expect(Math.abs(diff)).toBeLessThanOrEqual(1);
    }
    expect(page.ids).toHaveLength(30);
  });

  it('fills from the other list when one runs out, and stops at the union', () => {
    expect(teamDraft(['a1'], ['b1', 'b2', 'b3'], 10, heads)).toEqual({ ids: ['a1', 'b1', 'b2', 'b3'], teams: [0, 1, 1, 1] });
    expect(teamDraft([], [], 10, heads)).toEqual({ ids: [], teams: [] });
  });

  it('page 2 continues page 1: interleaving 2k places with the same seed starts with the k of page 1', () => {
    const a = Array.from({ length: 40 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `a${i + 1}` : `b${i}`));
    const one = teamDraft(a, b, 10, seededCoin('exp', 'user', 'cat'));
    const two = teamDraft(a, b, 20, seededCoin('exp', 'user', 'cat'));
    expect(two.ids.slice(0, 10)).toEqual(one.ids);
    expect(two.teams.slice(0, 10)).toEqual(one.teams);
    expect(new Set(two.ids).size).toBe(20);
  });

  it('a seeded coin flips the same way for the same (experiment, user, query), and both ways over many', () => {
    const flips = (coin: () => boolean) => Array.from({ length: 64 }, coin);
    expect(flips(seededCoin('e', 'u', 'q'))).toEqual(flips(seededCoin('e', 'u', 'q')));
    expect(flips(seededCoin('e', 'u', 'q'))).not.toEqual(flips(seededCoin('e', 'u', 'q2')));
    const ones = flips(seededCoin('e', 'u', 'q')).filter(Boolean).length;
    expect(ones).toBeGreaterThan(16);
    expect(ones).toBeLessThan(48);
  });
});

describe('arm buckets', () => {
  it('FNV-1a 32 matches the published test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('a user keeps an arm; the arms split users evenly; a new experiment reshuffles', () => {
    const arms = ['none', 'ltr'];
    const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
    expect(users.map((u) => armOf('exp', u, arms))).toEqual(users.map((u) => armOf('exp', u, arms)));
    const ltr = users.filter((u) => armOf('exp', u, arms) === 'ltr').length;
    // Binomial(4000, 1/2): sd ≈ 32; 4 sd either side.
    expect(Math.abs(ltr - 2000)).toBeLessThan(130);
    const moved = users.filter((u) => armOf('exp', u, arms) !== armOf('exp-2', u, arms)).length;
    expect(Math.abs(moved - 2000)).toBeLessThan(130);
    for (const u of users.slice(0, 100)) expect(unitHash('exp', u)).toBeGreaterThanOrEqual(0);
  });
});
