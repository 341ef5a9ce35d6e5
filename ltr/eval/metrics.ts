import { createError } from '../../es-mappings/errors.ts';
/**
 * Ranking metrics at cutoffs, defined as trec_eval 10 defines them, so a run written by
 * `trec.ts` and scored by `trec_eval -c -m ndcg_cut.10,20,50,100 -m P.… -m recall.… -m map_cut.… -m success.…`
 * gives the same numbers (`mrr@k` has no trec_eval twin: its `recip_rank` has no cutoff, and equals
 * `mrr@k` when the run holds exactly the top k).
 *
 * For one query, with `rel(i)` the item at rank i (1-based) and R the set of relevant items:
 * - `p@k`      = |relevant in top k| / k — divided by k even when fewer than k were returned
 *                (trec_eval `P_k`: missing ranks count as non-relevant).
 * - `recall@k` = |relevant in top k| / |R| (trec_eval `recall_k`).
 * - `hit@k`    = 1 if any relevant item is in the top k, else 0 (trec_eval `success_k`).
 * - `mrr@k`    = 1 / rank of the first relevant item if that rank ≤ k, else 0.
 * - `map@k`    = Σ over relevant items at rank i ≤ k of precision@i, divided by |R| — all of R, not
 *                min(|R|, k) (trec_eval `map_cut_k`), so a query with more than k relevant items
 *                cannot reach 1 at k.
 * - `ndcg@k`   = DCG@k / IDCG@k, DCG@k = Σ_{i ≤ k} gain(i) / log2(i + 1), gain = 2^grade − 1 (binary
 *                relevance: grade 1, gain 1), IDCG@k the DCG of R sorted by grade (trec_eval
 *                `ndcg_cut_k`, whose gain is the qrels value: `trec.ts` writes 2^grade − 1 there).
 *
 * A ranked list may repeat an id (a retrieval mode that fuses two lists badly): only the first
 * occurrence counts and the repeats are removed before ranks are assigned, as trec_eval refuses a run
 * with duplicate documents.
 *
 * A query without relevant items has no recall, AP or nDCG: the caller leaves such queries out of
 * the evaluation (they are not zeros), and `evaluateQuery` throws on them.
 */

export const DEFAULT_CUTOFFS: readonly number[] = [10, 20, 50, 100];

export const METRIC_NAMES = ['ndcg', 'p', 'recall', 'mrr', 'map', 'hit'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * The relevant items of one query: a set (binary relevance, every member has grade 1) or a map of
 * grades (non-negative integers; grade 0 means judged not relevant).
 */
export type Relevance = ReadonlySet<string> | ReadonlyMap<string, number>;

/** Metric values keyed `"<name>@<k>"`, e.g. `"ndcg@10"`. */
export type Metrics = Record<string, number>;

/** The keys `evaluateQuery` returns for these cutoffs, in its order: `ndcg@10, ndcg@20, …, hit@100`. */
export function metricKeys(cutoffs: readonly number[] = DEFAULT_CUTOFFS): string[] {
  checkCutoffs(cutoffs);
  return METRIC_NAMES.flatMap((name) => cutoffs.map((k) => `${name}@${k}`));
}

/**
 * The grades of the relevant items (grade > 0), checked.
 * @throws when a grade is not a non-negative integer, or when nothing is relevant.
 */
export function relevantGrades(relevant: Relevance): Map<string, number> {
  const grades = new Map<string, number>();
  if (relevant instanceof Set) {
    for (const id of relevant as ReadonlySet<string>) grades.set(id, 1);
  } else {
    for (const [id, grade] of relevant as ReadonlyMap<string, number>) {
      if (!Number.isInteger(grade) || grade < 0) {
        throw createError('INVALID_ARGUMENT', `eval: grade of ${JSON.stringify(id)} must be a non-negative integer, got ${grade}`);
      }
      if (grade > 0) grades.set(id, grade);
    }
  }
  if (grades.size === 0) throw createError('INVALID_ARGUMENT', 'eval: query has no relevant items');
  return grades;
}

/** The list without repeated ids, first occurrence kept (ranks close up behind a removed repeat). */
export function dedupeRanked(ranked: readonly string[]): string[] {
  return [...new Set(ranked)];
}

/** The gain of a grade: 2^grade − 1 (Burges et al., 2005), so binary relevance gains 1. */
export function gainOf(grade: number): number {
  return 2 ** grade - 1;
}

/**
 * Every metric at every cutoff for one query.
 *
 * @param ranked item ids, best first (repeats after the first occurrence are ignored)
 * @param relevant the query's relevant items (see `Relevance`); must not be empty
 * @param cutoffs distinct positive integers (default 10, 20, 50, 100)
 * @throws `eval: query has no relevant items` — leave such queries out of the evaluation
 * @example
 * evaluateQuery(['a', 'b', 'c', 'd'], new Set(['b', 'd']), [2])
 * // { 'ndcg@2': 0.387…, 'p@2': 0.5, 'recall@2': 0.5, 'mrr@2': 0.5, 'map@2': 0.25, 'hit@2': 1 }
 */
export function evaluateQuery(
  ranked: readonly string[],
  relevant: Relevance,
  cutoffs: readonly number[] = DEFAULT_CUTOFFS,
): Metrics {
  checkCutoffs(cutoffs);
  const grades = relevantGrades(relevant);
  const list = dedupeRanked(ranked);
  const idealGains = [...grades.values()].map(gainOf).sort((a, b) => b - a);

  const byName: Record<MetricName, number[]> = { ndcg: [], p: [], recall: [], mrr: [], map: [], hit: [] };
  for (const k of cutoffs) {
    let found = 0;
    let firstRank = 0;
    let precisionSum = 0;
    let dcg = 0;
    const depth = Math.min(k, list.length);
    for (let i = 0; i < depth; i++) {
      const grade = grades.get(list[i]!);
      if (grade === undefined) continue;
      const rank = i + 1;
      found++;
      if (firstRank === 0) firstRank = rank;
      precisionSum += found / rank;
      dcg += gainOf(grade) / Math.log2(rank + 1);
    }
    let idcg = 0;
    for (let i = 0; i < Math.min(k, idealGains.length); i++) idcg += idealGains[i]! / Math.log2(i + 2);

    byName.ndcg.push(dcg / idcg);
    byName.p.push(found / k);
    byName.recall.push(found / grades.size);
    byName.mrr.push(firstRank === 0 ? 0 : 1 / firstRank);
    byName.map.push(precisionSum / grades.size);
    byName.hit.push(found > 0 ? 1 : 0);
  }

  const metrics: Metrics = {};
  for (const name of METRIC_NAMES) {
    cutoffs.forEach((k, index) => {
      metrics[`${name}@${k}`] = byName[name][index]!;
    });
  }
  return metrics;
}

/**
 * The mean of each metric over queries (macro average: every query weighs the same).
 * @throws when there are no queries or when the queries do not share the same keys.
 */
export function meanMetrics(perQuery: readonly Metrics[]): Metrics {
  const first = perQuery[0];
  if (first === undefined) throw createError('INVALID_ARGUMENT', 'eval: no queries to average');
  const keys = Object.keys(first);
  const sums = new Map<string, number>(keys.map((key) => [key, 0]));
  perQuery.forEach((metrics, index) => {
    const own = Object.keys(metrics);
    if (own.length !== keys.length || own.some((key) => !sums.has(key))) {
      throw createError('INVALID_ARGUMENT', `eval: query ${index} has keys [${own.join(', ')}], expected [${keys.join(', ')}]`);
    }
    for (const key of keys) sums.set(key, sums.get(key)! + metrics[key]!);
  });
  const mean: Metrics = {};
  for (const key of keys) mean[key] = sums.get(key)! / perQuery.length;
  return mean;
}

function checkCutoffs(cutoffs: readonly number[]): void {
  if (cutoffs.length === 0) throw createError('INVALID_ARGUMENT', 'eval: at least one cutoff is required');
  for (const k of cutoffs) {
    if (!Number.isInteger(k) || k < 1) throw createError('INVALID_ARGUMENT', `eval: cutoff must be a positive integer, got ${k}`);
  }
  if (new Set(cutoffs).size !== cutoffs.length) throw createError('INVALID_ARGUMENT', `eval: duplicate cutoff in [${cutoffs.join(', ')}]`);
}
