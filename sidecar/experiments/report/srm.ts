import type { LoggedSearch } from './credit.ts';
import { equalSplitTest } from './stats.ts';

/** Below this p a split is a sample ratio mismatch: the experiment's randomization is broken. */
export const SRM_ALPHA = 0.001;

/** One split tested against the equal split the experiment promises. */
export interface SrmCheck {
  p: number;
  expected: Record<string, number>;
  observed: Record<string, number>;
  mismatch: boolean;
  chi2: number;
  df: number;
  /** The chi-square was divided by this (1 when each counted item is its own unit). */
  design_effect: number;
}

/**
 * Every check of a report; the top-level fields are the check with the smallest p (`of` names it).
 * `diagnostics` are tested the same way but are not randomization checks: they never make a mismatch.
 */
export interface Srm extends SrmCheck {
  of: string;
  checks: Record<string, SrmCheck>;
  diagnostics?: Record<string, SrmCheck>;
}

/**
 * A/B: the users per arm (the randomization unit), and the searches per arm, each against an
 * equal split. The searches' chi-square is divided by the design effect of users (a user's searches
 * all go to one arm). Searches without a user are left out: without a key they all see the control
 * by design, and a key is not logged.
 */
export function abSrm(arms: readonly string[], searches: readonly LoggedSearch[]): Srm {
  const users = new Map<string, { arm: string; searches: number }>();
  for (const search of searches) {
    if (!search.user || !search.arm || !arms.includes(search.arm)) continue;
    const seen = users.get(search.user) ?? { arm: search.arm, searches: 0 };
    seen.searches += 1;
    users.set(search.user, seen);
  }
  const count = (f: (u: { arm: string; searches: number }) => number) => arms.map((arm) => [...users.values()].filter((u) => u.arm === arm).reduce((s, u) => s + f(u), 0));
  return combine({
    units: check(arms, count(() => 1)),
    searches: check(
      arms,
      count((u) => u.searches),
      [...users.values()].map((u) => u.searches),
    ),
  });
}

/**
 * Team-draft interleaving: the randomization check is the team that placed the first hit of a
 * first page (the coin's first pick) against 1/2, judged per user (the coin is seeded by user and
 * query, so a user's repeated searches share it): the chi-square is divided by the design effect.
 *
 * The searches whose shown page has more hits of one team than of the other, split by which team,
 * are a diagnostic (`page_balance`), not a randomization check: the draft alternates, but the policy
 * walking the merged order drops near-duplicates and photographers over the cap, and when the arms
 * rank differently it drops more picks of one of them. A lopsided page balance is then an effect of
 * the arms (seen in a test: the hybrid order against itself reversed, 4 / 31 pages, p = 0.017).
 */
export function interleaveSrm(arms: readonly [string, string], searches: readonly LoggedSearch[]): Srm {
  const [a, b] = arms;
  const firstPick = { [a]: 0, [b]: 0 };
  const heavier = { [a]: 0, [b]: 0 };
  const firstByUser = new Map<string, number>();
  const heavierByUser = new Map<string, number>();
  for (const search of searches) {
    const teams = [...search.teams.values()];
    if (teams.length === 0) continue;
    const unit = search.user ?? search.request_id;
    if ((search.page ?? 1) === 1 && (teams[0] === a || teams[0] === b)) {
      firstPick[teams[0]]! += 1;
      firstByUser.set(unit, (firstByUser.get(unit) ?? 0) + 1);
    }
    const ofA = teams.filter((t) => t === a).length;
    const ofB = teams.filter((t) => t === b).length;
    if (ofA !== ofB) {
      heavier[ofA > ofB ? a : b]! += 1;
      heavierByUser.set(unit, (heavierByUser.get(unit) ?? 0) + 1);
    }
  }
  return combine(
    { first_pick: check(arms, [firstPick[a]!, firstPick[b]!], [...firstByUser.values()]) },
    { page_balance: check(arms, [heavier[a]!, heavier[b]!], [...heavierByUser.values()]) },
  );
}

function check(arms: readonly string[], counts: number[], clusters?: number[]): SrmCheck {
  const test = equalSplitTest(counts, clusters);
  const total = counts.reduce((s, n) => s + n, 0);
  return {
    p: test.p,
    expected: Object.fromEntries(arms.map((arm) => [arm, total / arms.length])),
    observed: Object.fromEntries(arms.map((arm, i) => [arm, counts[i]!])),
    mismatch: test.p < SRM_ALPHA,
    chi2: test.chi2,
    df: test.df,
    design_effect: test.designEffect,
  };
}

function combine(checks: Record<string, SrmCheck>, diagnostics?: Record<string, SrmCheck>): Srm {
  const [of, worst] = Object.entries(checks).reduce((low, entry) => (entry[1].p < low[1].p ? entry : low));
  return { ...worst, mismatch: Object.values(checks).some((c) => c.mismatch), of, checks, ...(diagnostics ? { diagnostics } : {}) };
}

const WHAT: Record<string, string> = {
  units: 'users per arm',
  searches: 'searches per arm',
  first_pick: 'first picks per team',
  page_balance: 'pages with more hits of one team',
};

/** The warning line of a report whose split is off, or none. */
export function srmWarning(srm: Srm): string | undefined {
  const off = Object.entries(srm.checks).filter(([, c]) => c.mismatch);
  if (off.length === 0) return undefined;
  const said = off.map(([name, c]) => `${WHAT[name] ?? name} ${Object.entries(c.observed).map(([arm, n]) => `${arm} ${n}`).join(' / ')}, expected ${Object.values(c.expected)[0]!.toFixed(1)} each (p = ${c.p.toExponential(2)})`);
  return `WARNING: sample ratio mismatch: ${said.join('; ')} — the result is not to be trusted`;
}
