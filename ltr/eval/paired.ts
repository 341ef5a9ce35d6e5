import { errorFunction, mean, sampleStandardDeviation } from 'simple-statistics';
import { createError } from '../../es-mappings/errors.ts';

/** Below this many queries the normal approximation of the paired t-test is not trusted. */
export const MIN_PAIRED_QUERIES = 30;

export interface PairedDifference {
  /** Mean of `row − baseline` over the queries. */
  delta: number;
  /** 95% confidence interval of `delta`. */
  low: number;
  high: number;
  /** Two-sided p-value of "no difference". */
  p: number;
  queries: number;
}

/**
 * A paired t-test of one row against a baseline on the same queries (each query's metric in both):
 * does the row's mean differ from the baseline's by more than query-to-query noise?
 * With hundreds of queries the t statistic is normal, so the p-value and the 95% interval use the
 * normal distribution; below MIN_PAIRED_QUERIES there is no answer. IR evaluations use this test
 * for per-query metrics such as NDCG@10; it agrees closely with the randomization test.
 */
export function pairedDifference(row: readonly number[], baseline: readonly number[]): PairedDifference | undefined {
  if (row.length !== baseline.length) throw createError('INVALID_ARGUMENT', `eval: paired rows need the same queries, got ${row.length} and ${baseline.length}`);
  const n = row.length;
  if (n < MIN_PAIRED_QUERIES) return undefined;
  const differences = row.map((value, i) => value - baseline[i]!);
  const delta = mean(differences);
  const standardError = sampleStandardDeviation(differences) / Math.sqrt(n);
  if (standardError === 0) return { delta, low: delta, high: delta, p: delta === 0 ? 1 : 0, queries: n };
  const z = Math.abs(delta) / standardError;
  // Two-sided normal tail: 2 (1 − Φ(z)) = 1 − erf(z / √2). (simple-statistics' cumulativeStdNormalProbability is a
  // two-decimal table that stops at 0.999, so it could not say p < 0.002.)
  const p = Math.max(0, Math.min(1, 1 - errorFunction(z / Math.SQRT2)));
  return { delta, low: delta - 1.96 * standardError, high: delta + 1.96 * standardError, p, queries: n };
}
