import { describe, expect, it } from 'vitest';
import type { LoggedSearch } from './credit.ts';
import { abReport, formatReport, interleaveReport } from './report.ts';
import { abSrm, interleaveSrm, srmWarning } from './srm.ts';
import { chiSquareP, equalSplitTest } from './stats.ts';

const search = (request_id: string, user: string | undefined, teams: string[], extra: Partial<LoggedSearch> = {}): LoggedSearch => ({
  request_id,
  ...(user ? { user } : {}),
  teams: new Map(teams.map((team, i) => [`p${i}`, team])),
  ...extra,
});

describe('chi-square upper tail', () => {
  it('agrees with the closed forms of 1 to 4 degrees of freedom, in the series and the continued-fraction regions', () => {
    for (const x of [0.01, 0.5, 1, 2.5, 3.841459, 7, 12, 30]) {
      const z = x / 2;
      // df 2: e^(−x/2); df 4: e^(−x/2)(1 + x/2); df 1: erfc(√(x/2)) = 2·(1 − Φ(√x)); df 3: df 1's + √(2x/π)·e^(−x/2)
      expect(chiSquareP(x, 2)).toBeCloseTo(Math.exp(-z), 12);
      expect(chiSquareP(x, 4)).toBeCloseTo(Math.exp(-z) * (1 + z), 12);
      expect(chiSquareP(x, 3) - chiSquareP(x, 1)).toBeCloseTo(Math.sqrt((2 * x) / Math.PI) * Math.exp(-z), 12);
    }
    expect(chiSquareP(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareP(7.814728, 3)).toBeCloseTo(0.05, 6);
    expect(chiSquareP(23.20925, 10)).toBeCloseTo(0.01, 6);
    // erfc(√20) by Python's math.erfc
    expect(chiSquareP(40, 1) / 2.53962858947086e-10).toBeCloseTo(1, 8);
    expect(chiSquareP(0, 3)).toBe(1);
    expect(() => chiSquareP(1, 0)).toThrow(/degrees of freedom/);
  });
});

describe('equal split', () => {
  it('500/500 fits; 600/400 does not (χ² = 2·100²/500 = 40, p = 2.5e-10); 520/480: χ² = 1.6, p = 0.206', () => {
    expect(equalSplitTest([500, 500])).toMatchObject({ chi2: 0, df: 1, p: 1 });
    const off = equalSplitTest([600, 400]);
    expect(off.chi2).toBeCloseTo(40, 12);
    expect(off.p / 2.53962858947086e-10).toBeCloseTo(1, 8);
    const near = equalSplitTest([520, 480]);
    expect(near.chi2).toBeCloseTo(1.6, 12);
    expect(near.p).toBeCloseTo(0.20590321073206833, 10);
  });

  it('three arms 300/350/350: χ² = (33.3² + 2·16.7²)/333.3 = 5 on 2 df, p = e^−2.5', () => {
    const t = equalSplitTest([300, 350, 350]);
    expect(t.chi2).toBeCloseTo(5, 10);
    expect(t.df).toBe(2);
    expect(t.p).toBeCloseTo(Math.exp(-2.5), 12);
  });

  it('searches that came in clusters of 10 (one user each) count as the users they are: 600/400 of 100 users is χ² = 40/10 = 4', () => {
    const t = equalSplitTest([600, 400], Array.from({ length: 100 }, () => 10));
    expect(t.designEffect).toBeCloseTo(10, 12);
    expect(t.chi2).toBeCloseTo(4, 12);
    expect(t.p).toBeCloseTo(0.045500263896358396, 10);
  });
});

describe('sample ratio mismatch of an A/B experiment', () => {
  it('500 users per arm: no mismatch; 600/400 users: a mismatch of units and of searches, and a warning', () => {
    const even = Array.from({ length: 1000 }, (_, i) => search(`r${i}`, `u${i}`, ['x'], { arm: i % 2 === 0 ? 'a' : 'b' }));
    const fine = abSrm(['a', 'b'], even);
    expect(fine.mismatch).toBe(false);
    expect(fine.p).toBe(1);
    expect(fine.checks.units).toMatchObject({ observed: { a: 500, b: 500 }, expected: { a: 500, b: 500 } });
    expect(srmWarning(fine)).toBeUndefined();

    const skewed = Array.from({ length: 1000 }, (_, i) => search(`r${i}`, `u${i}`, ['x'], { arm: i < 600 ? 'a' : 'b' }));
    const off = abSrm(['a', 'b'], skewed);
    expect(off.mismatch).toBe(true);
    expect(off.checks.units).toMatchObject({ observed: { a: 600, b: 400 }, expected: { a: 500, b: 500 }, mismatch: true });
    expect(off.checks.searches!.mismatch).toBe(true);
    expect(off.p / 2.53962858947086e-10).toBeCloseTo(1, 6);
    expect(srmWarning(off)).toMatch(/^WARNING: sample ratio mismatch: users per arm a 600 \/ b 400, expected 500\.0 each \(p = 2\.54e-10\).* — the result is not to be trusted$/);
  });

  it('counts each user once for units and leaves out searches without a user (without a key they all see the control)', () => {
    const searches = [
      ...Array.from({ length: 50 }, (_, i) => search(`a${i}`, `u${i}`, ['x'], { arm: 'a' })),
      ...Array.from({ length: 50 }, (_, i) => search(`b${i}`, `v${i}`, ['x'], { arm: 'b' })),
      ...Array.from({ length: 50 }, (_, i) => search(`b2${i}`, `v${i}`, ['x'], { arm: 'b' })),
      ...Array.from({ length: 300 }, (_, i) => search(`anon${i}`, undefined, ['x'], { arm: 'a' })),
    ];
    const srm = abSrm(['a', 'b'], searches);
    expect(srm.checks.units!.observed).toEqual({ a: 50, b: 50 });
    expect(srm.checks.units!.p).toBe(1);
    // 50 vs 100 searches, χ² = 2·25²/75 = 16.67, design effect (50·1 + 50·4)/150 = 5/3 → χ² = 10
    expect(srm.checks.searches!.observed).toEqual({ a: 50, b: 100 });
    expect(srm.checks.searches!.chi2).toBeCloseTo(10, 10);
    expect(srm.checks.searches!.mismatch).toBe(false);
  });

  it('the report carries it: the text warns, the JSON says srm', () => {
    const skewed = Array.from({ length: 1000 }, (_, i) => search(`r${i}`, `u${i}`, ['x'], { arm: i < 600 ? 'a' : 'b' }));
    const report = abReport('e', ['a', 'b'], skewed, []);
    expect(report.srm).toMatchObject({ of: 'units', mismatch: true, observed: { a: 600, b: 400 }, expected: { a: 500, b: 500 } });
    expect(formatReport(report)).toContain('sample ratio mismatch');
    expect(JSON.parse(JSON.stringify(report)).srm.p).toBeLessThan(0.001);
    const even = abReport('e', ['a', 'b'], Array.from({ length: 10 }, (_, i) => search(`r${i}`, `u${i}`, ['x'], { arm: i % 2 ? 'a' : 'b' })), []);
    expect(formatReport(even)).toContain('(no mismatch)');
  });
});

describe('sample ratio mismatch of an interleaving', () => {
  const page = (first: string, second: string, ofFirst: number, ofSecond: number) => [first, ...Array.from({ length: ofFirst - 1 }, () => first), ...Array.from({ length: ofSecond }, () => second)];

  it('first picks 500/500 and balanced pages: none; the coin favouring A 600/400: a mismatch of first picks', () => {
    const fair = Array.from({ length: 1000 }, (_, i) => search(`r${i}`, `u${i}`, i % 2 ? page('A', 'B', 5, 5) : page('B', 'A', 5, 5)));
    const fine = interleaveSrm(['A', 'B'], fair);
    expect(fine.checks.first_pick).toMatchObject({ observed: { A: 500, B: 500 }, p: 1, mismatch: false });
    expect(fine.diagnostics!.page_balance).toMatchObject({ observed: { A: 0, B: 0 }, p: 1 });
    expect(fine.mismatch).toBe(false);

    const biased = Array.from({ length: 1000 }, (_, i) => search(`r${i}`, `u${i}`, i < 600 ? page('A', 'B', 5, 5) : page('B', 'A', 5, 5)));
    const off = interleaveSrm(['A', 'B'], biased);
    expect(off).toMatchObject({ of: 'first_pick', mismatch: true, observed: { A: 600, B: 400 }, expected: { A: 500, B: 500 } });
    expect(srmWarning(off)).toContain('first picks per team A 600 / B 400');
  });

  it('pages of 10 that give A six places 600 times and B four 400 times: a lopsided page balance, reported but not a mismatch (the policy drops picks by arm); later pages have no first pick', () => {
    const searches = [
      ...Array.from({ length: 600 }, (_, i) => search(`a${i}`, `u${i}`, page('A', 'B', 6, 4), { page: 2 })),
      ...Array.from({ length: 400 }, (_, i) => search(`b${i}`, `v${i}`, page('A', 'B', 4, 6), { page: 2 })),
    ];
    const srm = interleaveSrm(['A', 'B'], searches);
    expect(srm.checks.first_pick!.observed).toEqual({ A: 0, B: 0 });
    expect(srm.diagnostics!.page_balance).toMatchObject({ observed: { A: 600, B: 400 }, mismatch: true });
    expect(srm.checks.page_balance).toBeUndefined();
    expect(srm).toMatchObject({ of: 'first_pick', mismatch: false });
    expect(srmWarning(srm)).toBeUndefined();
    const report = interleaveReport('e', ['A', 'B'], searches, [], { resamples: 50 });
    expect(formatReport(report)).toMatch(/\(no mismatch\)\n  not a randomization check: page_balance 600\/400 p=/);
  });

  it('the interleave report carries it', () => {
    const searches = Array.from({ length: 20 }, (_, i) => search(`r${i}`, `u${i}`, i % 2 ? ['A', 'B'] : ['B', 'A']));
    const report = interleaveReport('e', ['A', 'B'], searches, [], { resamples: 50 });
    expect(report.srm.checks.first_pick!.observed).toEqual({ A: 10, B: 10 });
    expect(formatReport(report)).toMatch(/sample ratio: first_pick 10\/10 p=1\.0000 \(no mismatch\)\n  not a randomization check: page_balance 0\/0 p=1\.0000/);
  });
});
