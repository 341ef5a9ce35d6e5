import { describe, expect, it } from 'vitest';
import { creditOf, verdict, type LoggedFeedback, type LoggedSearch } from './credit.ts';
import { abReport, formatReport, interleaveReport } from './report.ts';
import { bootstrapDelta, interleavingDelta, normalP, ratioDifference, ratioEstimate, signTestP } from './stats.ts';

const search = (request_id: string, user: string, teams: Record<string, string>, arm?: string): LoggedSearch => ({ request_id, user, teams: new Map(Object.entries(teams)), ...(arm ? { arm } : {}) });
const click = (request_id: string, photo_id: string, type = 'click'): LoggedFeedback => ({ request_id, photo_id, type });

describe('sign test', () => {
  it('matches hand-computed binomial tails', () => {
    // 9 of 10: 2·(C(10,0) + C(10,1)) / 2^10 = 22/1024
    expect(signTestP(9, 1)).toBeCloseTo(22 / 1024, 12);
    expect(signTestP(1, 9)).toBeCloseTo(22 / 1024, 12);
    // 5 of 5: 2/32
    expect(signTestP(5, 0)).toBeCloseTo(2 / 32, 12);
    expect(signTestP(3, 3)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
    // 60 of 100: 2·P(X ≤ 40) = 0.056887 (R: 2*pbinom(40, 100, 0.5))
    expect(signTestP(60, 40)).toBeCloseTo(0.056887, 5);
  });

  it('normal p: z = 1.96 → 0.05', () => {
    expect(normalP(1.959964)).toBeCloseTo(0.05, 4);
    expect(normalP(0)).toBeCloseTo(1, 6);
  });
});

describe('interleaving Δ and its interval', () => {
  it('Δ = (wins A − wins B) / (wins + ties)', () => {
    expect(interleavingDelta(6, 2, 2)).toBeCloseTo(0.4, 12);
    expect(interleavingDelta(0, 0, 0)).toBe(0);
  });

  it('bootstrap over users: one user repeated is no uncertainty; a balanced population straddles 0', () => {
    expect(bootstrapDelta([{ a: 3, b: 1, ties: 0 }], { resamples: 200 })).toEqual([0.5, 0.5]);
    const units = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? { a: 1, b: 0, ties: 0 } : { a: 0, b: 1, ties: 0 }));
    const [lo, hi] = bootstrapDelta(units, { resamples: 1000 });
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    // sd of Δ ≈ 1/√200 ≈ 0.071: the interval is about ±0.14
    expect(hi - lo).toBeGreaterThan(0.2);
    expect(hi - lo).toBeLessThan(0.36);
  });
});

describe('credit from the logged teams', () => {
  const s = search('r1', 'u1', { p1: 'ltr', p2: 'none', p3: 'ltr' });

  it('counts distinct photos per team, only of the search it came from, only of the types asked', () => {
    const events = [click('r1', 'p1'), click('r1', 'p1'), click('r1', 'p3'), click('r1', 'p2'), click('r2', 'p2'), click('r1', 'p9'), click('r1', 'p2', 'download')];
    const credit = creditOf(s, events, new Set(['click']));
    expect(Object.fromEntries(credit)).toEqual({ ltr: 2, none: 1 });
    expect(verdict(credit, 'none', 'ltr')).toBe('b');
    expect(Object.fromEntries(creditOf(s, events, new Set(['download'])))).toEqual({ none: 1 });
  });

  it('equal non-zero credit ties; no credit says nothing', () => {
    expect(verdict(new Map([['a', 1], ['b', 1]]), 'a', 'b')).toBe('tie');
    expect(verdict(new Map(), 'a', 'b')).toBe('none');
  });
});

describe('interleave report', () => {
  it('wins, ties, Δ, p and winner by hand', () => {
    // u1: r1 A wins (2 vs 0), r2 tie; u2: r3 B wins; u3: r4 no feedback, r5 A wins.
    const searches = [
      search('r1', 'u1', { x: 'A', y: 'B', z: 'A' }),
      search('r2', 'u1', { x: 'B', y: 'A' }),
      search('r3', 'u2', { x: 'A', y: 'B' }),
      search('r4', 'u3', { x: 'A', y: 'B' }),
      search('r5', 'u3', { x: 'A', y: 'B' }),
    ];
    const feedback = [click('r1', 'x'), click('r1', 'z'), click('r2', 'x'), click('r2', 'y'), click('r3', 'y'), click('r5', 'x')];
    const report = interleaveReport('e', ['A', 'B'], searches, feedback, { resamples: 200 });
    expect(report).toMatchObject({ searches: 5, searches_with_feedback: 4, users: 3, wins: { A: 2, B: 1, ties: 1 }, arms: { A: { credit: 4 }, B: { credit: 2 } } });
    expect(report.delta).toBeCloseTo((2 - 1) / 4, 12);
    // 2 of 3: 2·P(X ≤ 1 | n=3) = 2·4/8 = 1
    expect(report.p).toBe(1);
    expect(report.winner).toBeNull();
    expect(formatReport(report)).toContain('wins: A 2, B 1, ties 1');
  });

  it('names the winner once p is below alpha', () => {
    const searches = Array.from({ length: 12 }, (_, i) => search(`r${i}`, `u${i}`, { a: 'A', b: 'B' }));
    const feedback = searches.map((s, i) => click(s.request_id, i < 11 ? 'b' : 'a'));
    const report = interleaveReport('e', ['A', 'B'], searches, feedback, { resamples: 200 });
    // 1 of 12: 2·(1 + 12)/4096
    expect(report.p).toBeCloseTo(26 / 4096, 12);
    expect(report.winner).toBe('B');
    expect(report.delta).toBeCloseTo(-10 / 12, 12);
  });
});

describe('A/B report', () => {
  it('rates per search with the user as the unit, by hand', () => {
    // control: u1 2 searches 1 click; u2 2 searches 1 click → 0.5; treat: u3 1 search 1 click, u4 3 searches 2 clicks, 1 download → 0.75
    const searches = [
      search('c1', 'u1', { p: 'control' }, 'control'),
      search('c2', 'u1', { p: 'control' }, 'control'),
      search('c3', 'u2', { p: 'control' }, 'control'),
      search('c4', 'u2', { p: 'control' }, 'control'),
      search('t1', 'u3', { p: 'treat' }, 'treat'),
      search('t2', 'u4', { p: 'treat', q: 'treat' }, 'treat'),
      search('t3', 'u4', { p: 'treat' }, 'treat'),
      search('t4', 'u4', { p: 'treat' }, 'treat'),
    ];
    const feedback = [click('c1', 'p'), click('c4', 'p'), click('t1', 'p'), click('t2', 'p'), click('t2', 'q'), click('t2', 'q', 'download')];
    const report = abReport('e', ['control', 'treat'], searches, feedback);
    expect(report.arms.control).toMatchObject({ users: 2, searches: 4, clicks: 2, downloads: 0, clicks_per_search: 0.5 });
    expect(report.arms.treat).toMatchObject({ users: 2, searches: 4, clicks: 3, downloads: 1, clicks_per_search: 0.75, downloads_per_search: 0.25 });
    expect(report.diff).toBeCloseTo(0.25, 12);
    // control: x = (1, 1), y = (2, 2): every user at R, variance 0.
    // treat: x = (1, 2), y = (1, 3), R = 3/4, μy = 2; σx² = 0.5, σy² = 2, σxy = 1:
    // Var = (0.5 − 2·0.75·1 + 0.5625·2) / (2·4) = 0.125 / 8 = 0.015625
    expect(ratioEstimate([{ x: 1, y: 1 }, { x: 2, y: 3 }]).variance).toBeCloseTo(0.015625, 12);
    const se = Math.sqrt(0.015625);
    expect(report.ci95[0]).toBeCloseTo(0.25 - 1.96 * se, 10);
    // z = 0.25 / 0.125 = 2: p = 0.0455 < 0.05
    expect(report.p).toBeCloseTo(0.0455, 4);
    expect(report.winner).toBe('treat');
    expect(abReport('e', ['control', 'treat'], searches, feedback, { alpha: 0.01 }).winner).toBeNull();
    expect(formatReport(report)).toContain('treat');
  });

  it('a difference without variance is certain either way', () => {
    expect(ratioDifference({ rate: 0.5, variance: 0, units: 3 }, { rate: 0.5, variance: 0, units: 3 })).toEqual({ diff: 0, ci95: [0, 0], p: 1 });
  });
});
