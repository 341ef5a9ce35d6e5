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

/**
 * Upper tail of the chi-square distribution, P(X² ≥ x) with `df` degrees of freedom: the
 * regularized upper incomplete gamma Q(df/2, x/2), by its series below a + 1 and its continued
 * fraction above (Numerical Recipes §6.2, the modified Lentz method). Written here because
 * simple-statistics (already used) has only a pass/fail table test, and the maintained CDF
 * (@stdlib/stats-base-dists-chisquare-cdf) brings 211 packages for this one function.
 *
 * @example
 * chiSquareP(3.841459, 1); // 0.05
 * chiSquareP(x, 2);        // = e^(−x/2)
 */
export function chiSquareP(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square: degrees of freedom must be positive, got ${df}`);
  if (!(x > 0)) return 1;
  const a = df / 2;
  const z = x / 2;
  const logPrefix = a * Math.log(z) - z - gammaln(a);
  if (z < a + 1) {
    // P(a, z) = e^(−z) z^a / Γ(a) · Σ z^n / (a (a+1) … (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= z / (a + n);
      sum += term;
    }
    return Math.max(0, Math.min(1, 1 - sum * Math.exp(logPrefix)));
  }
  // Q(a, z) = e^(−z) z^a / Γ(a) · 1 / (z + 1 − a − 1·(1−a) / (z + 3 − a − 2·(2−a) / (z + 5 − a − …)))
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return Math.max(0, Math.min(1, Math.exp(logPrefix) * h));
}

/**
 * Pearson's chi-square goodness of fit of counts to an equal split. With `clusters` (how many of
 * the counted items each randomization unit brought: a user's searches), the statistic is divided
 * by the design effect Σ nᵤ² / N — the variance inflation when a unit's items all land together
 * (Rao & Scott, 1981) — so a split of searches is judged as the split of users it came from; one
 * item per unit leaves it as it is.
 *
 * @example
 * equalSplitTest([600, 400]); // { chi2: 40, df: 1, p: 2.5e-10 }
 */
export function equalSplitTest(counts: readonly number[], clusters?: readonly number[]): { chi2: number; df: number; p: number; designEffect: number } {
  const total = counts.reduce((s, n) => s + n, 0);
  const df = counts.length - 1;
  if (total === 0 || df < 1) return { chi2: 0, df: Math.max(df, 1), p: 1, designEffect: 1 };
  const expected = total / counts.length;
  const raw = counts.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
  const designEffect = clusters && clusters.length > 0 ? Math.max(1, clusters.reduce((s, n) => s + n * n, 0) / total) : 1;
  const chi2 = raw / designEffect;
  return { chi2, df, p: chiSquareP(chi2, df), designEffect };
}
