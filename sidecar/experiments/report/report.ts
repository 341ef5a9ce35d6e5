import { creditOf, verdict, type LoggedFeedback, type LoggedSearch } from './credit.ts';
import { abSrm, interleaveSrm, srmWarning, type Srm, type SrmCheck } from './srm.ts';
import { bootstrapDelta, interleavingDelta, ratioDifference, ratioEstimate, signTestP, type RatioUnit, type UnitWins } from './stats.ts';

export interface ReportOptions {
  /** Feedback types that count as a preference (interleave) or as the A/B metric's numerator. */
  credit?: 'clicks' | 'downloads';
  /** A winner is named only below this p. */
  alpha?: number;
  /** The bootstrap's resamples and seed. */
  resamples?: number;
  seed?: number;
}

export interface InterleaveReport {
  experiment: string;
  method: 'interleave';
  searches: number;
  searches_with_feedback: number;
  users: number;
  arms: Record<string, { credit: number }>;
  wins: Record<string, number> & { ties: number };
  delta: number;
  /** Δ is (wins of the first arm − wins of the second) / (wins + ties). */
  delta_of: [string, string];
  ci95: [number, number];
  p: number;
  winner: string | null;
  /** Sample ratio mismatch: the coin's first picks and the pages' team balance against 1/2. */
  srm: Srm;
}

export interface AbArm {
  users: number;
  searches: number;
  clicks: number;
  downloads: number;
  clicks_per_search: number;
  downloads_per_search: number;
  /** Against the control, on `metric`; absent for the control itself. */
  vs_control?: { diff: number; ci95: [number, number]; p: number };
}

export interface AbReport {
  experiment: string;
  method: 'ab';
  searches: number;
  metric: 'clicks_per_search' | 'downloads_per_search';
  control: string;
  arms: Record<string, AbArm>;
  /** The last arm listed against the control. */
  diff: number;
  ci95: [number, number];
  p: number;
  winner: string | null;
  /** Sample ratio mismatch: users and searches per arm against an equal split. */
  srm: Srm;
}

const TYPES = { clicks: new Set(['click']), downloads: new Set(['download']) };

/**
 * Interleaving: each search with feedback is a win, a loss or a tie by the logged teams; Δ over
 * them, a bootstrap-over-users interval, the sign test's two-sided p on the non-tied searches.
 */
export function interleaveReport(name: string, arms: [string, string], searches: readonly LoggedSearch[], feedback: readonly LoggedFeedback[], options: ReportOptions = {}): InterleaveReport {
  const [a, b] = arms;
  const types = TYPES[options.credit ?? 'clicks'];
  const byRequest = groupFeedback(feedback);
  const units = new Map<string, UnitWins>();
  const wins = { a: 0, b: 0, ties: 0 };
  const credit = { a: 0, b: 0 };
  let withFeedback = 0;
  for (const search of searches) {
    const got = creditOf(search, byRequest.get(search.request_id) ?? [], types);
    credit.a += got.get(a) ?? 0;
    credit.b += got.get(b) ?? 0;
    const v = verdict(got, a, b);
    if (v === 'none') continue;
    withFeedback += 1;
    const unit = units.get(search.user ?? search.request_id) ?? { a: 0, b: 0, ties: 0 };
    if (v === 'tie') {
      wins.ties += 1;
      unit.ties += 1;
    } else {
      wins[v] += 1;
      unit[v] += 1;
    }
    units.set(search.user ?? search.request_id, unit);
  }
  const p = signTestP(wins.a, wins.b);
  const alpha = options.alpha ?? 0.05;
  return {
    experiment: name,
    method: 'interleave',
    searches: searches.length,
    searches_with_feedback: withFeedback,
    users: units.size,
    arms: { [a]: { credit: credit.a }, [b]: { credit: credit.b } },
    wins: { [a]: wins.a, [b]: wins.b, ties: wins.ties } as Record<string, number> & { ties: number },
    delta: interleavingDelta(wins.a, wins.b, wins.ties),
    delta_of: [a, b],
    ci95: bootstrapDelta([...units.values()], { resamples: options.resamples, seed: options.seed }),
    p,
    winner: p < alpha && wins.a !== wins.b ? (wins.a > wins.b ? a : b) : null,
    srm: interleaveSrm(arms, searches),
  };
}

/**
 * A/B: per arm, clicks and downloads per search with the user as the unit (the delta method for
 * the ratio's variance); each arm against the control on the chosen metric.
 */
export function abReport(name: string, arms: readonly string[], searches: readonly LoggedSearch[], feedback: readonly LoggedFeedback[], options: ReportOptions = {}): AbReport {
  const byRequest = groupFeedback(feedback);
  const metric = options.credit === 'downloads' ? 'downloads_per_search' : 'clicks_per_search';
  // arm → user → tallies
  const tallies = new Map<string, Map<string, { searches: number; clicks: number; downloads: number }>>(arms.map((arm) => [arm, new Map()]));
  for (const search of searches) {
    if (!search.arm || !tallies.has(search.arm)) continue;
    const users = tallies.get(search.arm)!;
    const key = search.user ?? search.request_id;
    const t = users.get(key) ?? { searches: 0, clicks: 0, downloads: 0 };
    t.searches += 1;
    const events = byRequest.get(search.request_id) ?? [];
    t.clicks += distinctPhotos(events, 'click', search);
    t.downloads += distinctPhotos(events, 'download', search);
    users.set(key, t);
  }
  const estimates = new Map<string, ReturnType<typeof ratioEstimate>>();
  const out: Record<string, AbArm> = {};
  for (const arm of arms) {
    const users = [...tallies.get(arm)!.values()];
    const sum = (f: (t: (typeof users)[0]) => number) => users.reduce((s, t) => s + f(t), 0);
    const units: RatioUnit[] = users.map((t) => ({ x: metric === 'clicks_per_search' ? t.clicks : t.downloads, y: t.searches }));
    estimates.set(arm, ratioEstimate(units));
    const searchesOf = sum((t) => t.searches);
    out[arm] = {
      users: users.length,
      searches: searchesOf,
      clicks: sum((t) => t.clicks),
      downloads: sum((t) => t.downloads),
      clicks_per_search: searchesOf === 0 ? 0 : sum((t) => t.clicks) / searchesOf,
      downloads_per_search: searchesOf === 0 ? 0 : sum((t) => t.downloads) / searchesOf,
    };
  }
  const control = arms[0]!;
  for (const arm of arms.slice(1)) out[arm]!.vs_control = ratioDifference(estimates.get(control)!, estimates.get(arm)!);
  const last = arms[arms.length - 1]!;
  const headline = out[last]!.vs_control ?? { diff: 0, ci95: [0, 0] as [number, number], p: 1 };
  const alpha = options.alpha ?? 0.05;
  return {
    experiment: name,
    method: 'ab',
    searches: searches.length,
    metric,
    control,
    arms: out,
    diff: headline.diff,
    ci95: headline.ci95,
    p: headline.p,
    winner: headline.p < alpha && headline.diff !== 0 ? (headline.diff > 0 ? last : control) : null,
    srm: abSrm(arms, searches),
  };
}

function groupFeedback(feedback: readonly LoggedFeedback[]): Map<string, LoggedFeedback[]> {
  const grouped = new Map<string, LoggedFeedback[]>();
  for (const event of feedback) {
    const list = grouped.get(event.request_id);
    if (list) list.push(event);
    else grouped.set(event.request_id, [event]);
  }
  return grouped;
}

function distinctPhotos(events: readonly LoggedFeedback[], type: string, search: LoggedSearch): number {
  return new Set(events.filter((e) => e.type === type && search.teams.has(e.photo_id)).map((e) => e.photo_id)).size;
}

const f = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const pText = (p: number) => (p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

/** The report as a person reads it. */
export function formatReport(report: InterleaveReport | AbReport): string {
  if (report.method === 'interleave') {
    const [a, b] = report.delta_of;
    return [
      `experiment ${report.experiment} (team-draft interleaving): ${report.searches} searches, ${report.searches_with_feedback} with feedback, from ${report.users} users`,
      `  wins: ${a} ${report.wins[a]}, ${b} ${report.wins[b]}, ties ${report.wins.ties}`,
      `  Δ = (wins ${a} − wins ${b}) / (wins + ties) = ${f(report.delta)}, 95% interval [${f(report.ci95[0])}, ${f(report.ci95[1])}] (bootstrap over users)`,
      `  p = ${pText(report.p)} (two-sided sign test on the non-tied searches)`,
      `  winner: ${report.winner ?? 'no arm (p ≥ alpha)'}`,
      ...srmLines(report.srm),
    ].join('\n');
  }
  const lines = [`experiment ${report.experiment} (A/B): ${report.searches} searches; metric ${report.metric}; control ${report.control}`];
  lines.push(`  ${'arm'.padEnd(12)} ${'users'.padStart(6)} ${'searches'.padStart(9)} ${'clicks/s'.padStart(9)} ${'downl/s'.padStart(9)}  vs control: diff [95%] p`);
  for (const [arm, row] of Object.entries(report.arms)) {
    const vs = row.vs_control ? `${f(row.vs_control.diff)} [${f(row.vs_control.ci95[0])}, ${f(row.vs_control.ci95[1])}] p=${pText(row.vs_control.p)}` : '(control)';
    lines.push(`  ${arm.padEnd(12)} ${String(row.users).padStart(6)} ${String(row.searches).padStart(9)} ${f(row.clicks_per_search).padStart(9)} ${f(row.downloads_per_search).padStart(9)}  ${vs}`);
  }
  lines.push(`  winner: ${report.winner ?? 'no arm (p ≥ alpha)'}`);
  lines.push(...srmLines(report.srm));
  return lines.join('\n');
}

/** The split checks in one line, and the warning when one is off. */
function srmLines(srm: Srm): string[] {
  const line = (checks: Record<string, SrmCheck>) => Object.entries(checks).map(([name, c]) => `${name} ${Object.values(c.observed).join('/')} p=${pText(c.p)}`).join(', ');
  const warning = srmWarning(srm);
  const diagnostics = srm.diagnostics ? [`  not a randomization check: ${line(srm.diagnostics)}`] : [];
  return [`  sample ratio: ${line(srm.checks)}${warning ? '' : ' (no mismatch)'}`, ...(warning ? [warning] : []), ...diagnostics];
}
