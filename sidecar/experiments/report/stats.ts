import { errorFunction, gammaln } from 'simple-statistics';
import { Random } from '../../../ltr/random.ts';

/**
 * Two-sided exact sign test: under "no preference" the wins of one side among the `a + b`
 * non-tied searches are Binomial(a + b, 1/2); p = P(a result at least as lopsided).
 *
 * @example
 * signTestP(9, 1); // 0.0215 (= 2·(1 + 10)/1024)
 */
export function signTestP(a: number, b: number): number {
  const n = a + b;
  if (n === 0) return 1;
  const low = Math.min(a, b);
  let tail = 0;
  for (let i = 0; i <= low; i++) tail += Math.exp(gammaln(n + 1) - gammaln(i + 1) - gammaln(n - i + 1) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** Two-sided p of a standard normal statistic: 1 − erf(|z|/√2). */
export function normalP(z: number): number {
  return Math.max(0, Math.min(1, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/** The interleaving statistic Δ = (wins A − wins B) / (wins + ties) over searches with a preference or a tie. */
export function interleavingDelta(winsA: number, winsB: number, ties: number): number {
  const n = winsA + winsB + ties;
  return n === 0 ? 0 : (winsA - winsB) / n;
}

/** One unit's (a user's) tally of interleaved searches. */
export interface UnitWins {
  a: number;
  b: number;
  ties: number;
}

/**
 * 95% interval of Δ by bootstrap over users (searches of one user are not independent: the
 * notes' advice, after Chapelle et al.): resample users with replacement, recompute Δ, take the
 * 2.5th and 97.5th percentiles. Seeded, so a report reads the same twice.
 */
export function bootstrapDelta(units: readonly UnitWins[], options: { resamples?: number; seed?: number } = {}): [number, number] {
  if (units.length === 0) return [0, 0];
  const r = new Random(options.seed ?? 1);
  const resamples = options.resamples ?? 2000;
  const deltas = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let a = 0;
    let b = 0;
    let ties = 0;
    for (let i = 0; i < units.length; i++) {
      const unit = units[Math.floor(r.float() * units.length)]!;
      a += unit.a;
      b += unit.b;
      ties += unit.ties;
    }
    deltas[s] = interleavingDelta(a, b, ties);
  }
  deltas.sort();
  return [percentile(deltas, 0.025), percentile(deltas, 0.975)];
}

function percentile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Per user: x (clicks, say) over y (searches). */
export interface RatioUnit {
  x: number;
  y: number;
}

export interface RatioEstimate {
  /** R = Σx / Σy. */
  rate: number;
  /** Var(R) by the delta method. */
  variance: number;
  units: number;
}

/**
 * A ratio metric with the user as the unit (Deng, Knoblich, Lu, KDD 2018):
 * Var(R) ≈ (σx² − 2R·σxy + R²·σy²) / (n·μy²), with sample (n − 1) moments.
 */
export function ratioEstimate(units: readonly RatioUnit[]): RatioEstimate {
  const n = units.length;
  if (n === 0) return { rate: 0, variance: 0, units: 0 };
  let sx = 0;
  let sy = 0;
  for (const u of units) {
    sx += u.x;
    sy += u.y;
  }
  const mx = sx / n;
  const my = sy / n;
  const rate = sy === 0 ? 0 : sx / sy;
  if (n < 2 || my === 0) return { rate, variance: 0, units: n };
  let vx = 0;
  let vy = 0;
  let cxy = 0;
  for (const u of units) {
    vx += (u.x - mx) ** 2;
    vy += (u.y - my) ** 2;
    cxy += (u.x - mx) * (u.y - my);
  }
  vx /= n - 1;
  vy /= n - 1;
  cxy /= n - 1;
  return { rate, variance: Math.max(0, (vx - 2 * rate * cxy + rate * rate * vy) / (n * my * my)), units: n };
}

/** B − A with a 95% normal interval and a two-sided p. */
export function ratioDifference(a: RatioEstimate, b: RatioEstimate): { diff: number; ci95: [number, number]; p: number } {
  const diff = b.rate - a.rate;
  const se = Math.sqrt(a.variance + b.variance);
  if (se === 0) return { diff, ci95: [diff, diff], p: diff === 0 ? 1 : 0 };
  return { diff, ci95: [diff - 1.96 * se, diff + 1.96 * se], p: normalP(diff / se) };
}
