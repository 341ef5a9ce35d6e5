import { eventsBefore, eventsBetween, queriesOf, readWorldEvents } from '../data/events.ts';
import { DEFAULT_CUTOFFS, evaluateQuery, meanMetrics, type Metrics } from '../eval/metrics.ts';
import { pairedDifference, type PairedDifference } from '../eval/paired.ts';
import { ROW_NAMES, rowRuns, type RowName } from '../eval/rows.ts';
import { breakdown, lengthGroup, type QueryGroup } from '../eval/breakdown.ts';
import { oracleScores, queryLanguage, readWorldTruth } from '../eval/world-truth.ts';
import { writeTrecRun, type RunRow } from '../eval/trec.ts';
import type { FirstStageOptions } from '../replay/first-stage.ts';
import { replayQueries } from '../replay/replay.ts';
import { UserHistory } from '../replay/user-history.ts';
import type { LoadedModels } from './models-dir.ts';
import type { PipelineProgress } from './progress.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface EvalLtrOptions extends FirstStageOptions {
  dataDir: string;
  models: LoadedModels;
  /** Write qrels.tsv and one <row>.run per row (TREC format) here. */
  runDir?: string;
  progress: PipelineProgress;
}

/** The metric rows are compared on, query by query, against the baseline row. */
export const COMPARED_METRIC = 'ndcg@10';
export const BASELINE_ROW: RowName = 'keyword';

/** The limit row: the same candidates ranked by the generator's own download probability (only when the data has `truth/`). */
export const ORACLE_ROW = 'oracle';
export type EvalRowName = RowName | typeof ORACLE_ROW;

export interface EvalResult {
  queries: number;
  /** Each row's mean metrics and, on COMPARED_METRIC, its paired difference from BASELINE_ROW. */
  rows: Array<{ name: EvalRowName; metrics: Metrics; vsBaseline?: PairedDifference }>;
  /** Rows by query length in words ("1", "2", "3", "4+"). */
  byLength: Record<string, QueryGroup>;
  /** Rows by the language the query was typed in (only when the data has `truth/`, which knows it). */
  byLanguage?: Record<string, QueryGroup>;
  /** The learned row against the unpersonalized hybrid order, query by query (COMPARED_METRIC). */
  ltrVsHybrid?: PairedDifference;
  /** Each row's mean COMPARED_METRIC over non-English queries divided by its mean over English ones (with `truth/`, when both exist). */
  nonEnglishRatio?: Record<string, number>;
}

/**
 * `pixrank eval`: the test period of the models' time split. Queries are its (user, keyword) pairs;
 * relevant are the photos that user downloaded for that keyword then. Every query goes through the
 * real retrieval once; each row ranks the same candidates its own way (rows.ts). Features use the
 * models as trained (history + ranker window) and the users' downloads before the test period.
 */
export async function evalLtr(options: EvalLtrOptions): Promise<EvalResult> {
  const { manifest, base, ranker } = options.models;
  const world = await readWorldEvents(options.dataDir);
  if (world.events.length !== manifest.conversions) {
    options.progress.log(`eval: warning: ${options.dataDir} has ${world.events.length} conversions, the models were trained on data with ${manifest.conversions}`);
  }
  const { testFrom, end } = manifest.split;
  const queries = queriesOf(eventsBetween(world.events, testFrom, Math.max(end, world.events.at(-1)!.time + 1)));
  if (queries.length === 0) throw createError('NOT_ENOUGH_DATA', `eval: no conversions after ${new Date(testFrom).toISOString()} (the models' test period) in ${options.dataDir}`);
  let done = 0;
  const replayed = await replayQueries(queries, {
    ...options,
    models: base,
    history: new UserHistory(eventsBefore(world.events, testFrom)),
    onQuery: () => options.progress.tick('replay test period', ++done, queries.length),
  });

  const truth = await readWorldTruth(options.dataDir, world.photos);
  const names: EvalRowName[] = truth ? [...ROW_NAMES, ORACLE_ROW] : [...ROW_NAMES];
  const perRow = new Map<EvalRowName, Metrics[]>(names.map((name) => [name, []]));
  const runRows = new Map<EvalRowName, RunRow[]>(names.map((name) => [name, []]));
  for (const r of replayed) {
    const runs: Partial<Record<EvalRowName, { ids: string[] }>> = rowRuns(r, ranker);
    if (truth) {
      const ids = r.stage.candidates.map((c) => c.id);
      const scores = oracleScores(truth, r.query.user, r.query.keyword, ids);
      // Candidates the truth cannot score (NaN) go last, in hybrid order.
      runs[ORACLE_ROW] = { ids: ids.map((id, i) => ({ id, i, s: Number.isNaN(scores[i]!) ? -Infinity : scores[i]! })).sort((a, b) => b.s - a.s || a.i - b.i).map((c) => c.id) };
    }
    for (const name of names) {
      const run = runs[name] ?? { ids: [], scores: [] };
      const cut = { ids: run.ids.slice(0, 100) };
      perRow.get(name)!.push(evaluateQuery(cut.ids, r.query.relevant, DEFAULT_CUTOFFS));
      // No scores: the run files get N − rank, which trec_eval sorts back into this order (ties and float noise would not).
      runRows.get(name)!.push({ qid: r.query.id, ranked: cut.ids });
    }
  }
  if (options.runDir) {
    await writeTrecRun(options.runDir, replayed.map((r) => ({ qid: r.query.id, relevant: r.query.relevant })), Object.fromEntries(runRows));
  }
  const compared = (name: EvalRowName) => perRow.get(name)!.map((m) => m[COMPARED_METRIC]!);
  const languages = truth ? replayed.map((r) => queryLanguage(truth, r.query.user, r.query.keyword)) : [];
  const meanWhere = (values: number[], keep: (i: number) => boolean) => {
    const kept = values.filter((_, i) => keep(i));
    return kept.reduce((a, b) => a + b, 0) / kept.length;
  };
  const bothLanguages = languages.includes('en') && languages.some((l) => l !== 'en');
  return {
    queries: replayed.length,
    rows: names.map((name) => {
      const vsBaseline = name === BASELINE_ROW ? undefined : pairedDifference(compared(name), compared(BASELINE_ROW));
      return { name, metrics: meanMetrics(perRow.get(name)!), ...(vsBaseline ? { vsBaseline } : {}) };
    }),
    byLength: breakdown(replayed.map((r) => lengthGroup(r.query.keyword)), perRow),
    ...(truth ? { byLanguage: breakdown(languages, perRow) } : {}),
    ...(ranker ? { ltrVsHybrid: pairedDifference(compared('ltr'), compared('hybrid')) } : {}),
    ...(bothLanguages
      ? { nonEnglishRatio: Object.fromEntries(names.map((name) => [name, meanWhere(compared(name), (i) => languages[i] !== 'en') / meanWhere(compared(name), (i) => languages[i] === 'en')])) }
      : {}),
  };
}

/**
 * The table `pixrank eval` prints: one row per configuration, NDCG/P/recall/MRR/MAP/hit at 10 and
 * more, and each row's NDCG@10 difference from keyword with its 95% interval and paired-test p.
 */
export function formatEvalTable(result: EvalResult): string {
  const keys = ['ndcg@10', 'ndcg@20', 'ndcg@100', 'p@10', 'recall@10', 'recall@100', 'mrr@10', 'map@10', 'hit@10'];
  const compared = [`Δ${COMPARED_METRIC} vs ${BASELINE_ROW} [95% CI]`, 'p'];
  const header = `| row | ${[...keys, ...compared].join(' | ')} |`;
  const rule = `|---|${[...keys, ...compared].map(() => '---:').join('|')}|`;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
  const difference = (d: PairedDifference | undefined) => (d ? [`${signed(d.delta)} [${signed(d.low)}, ${signed(d.high)}]`, d.p < 0.001 ? '<0.001' : d.p.toFixed(3)] : ['', '']);
  const lines = result.rows.map((row) => `| ${row.name} | ${[...keys.map((k) => (row.metrics[k] ?? Number.NaN).toFixed(4)), ...difference(row.vsBaseline)].join(' | ')} |`);
  const oracle = result.rows.find((r) => r.name === ORACLE_ROW)?.metrics[COMPARED_METRIC];
  const shares = oracle ? [`${COMPARED_METRIC} as a share of the oracle: ${result.rows.map((r) => `${r.name} ${(r.metrics[COMPARED_METRIC]! / oracle).toFixed(3)}`).join(', ')}`] : [];
  if (result.ltrVsHybrid) shares.push(`ltr − hybrid ${COMPARED_METRIC}: ${difference(result.ltrVsHybrid).join(', p ')}`);
  if (result.nonEnglishRatio) shares.push(`${COMPARED_METRIC} on non-English ÷ English queries: ${Object.entries(result.nonEnglishRatio).map(([name, ratio]) => `${name} ${ratio.toFixed(3)}`).join(', ')}`);
  return [
    `${result.queries} test queries`, header, rule, ...lines, ...shares,
    '', groupTable('query words', result.byLength, result.rows.map((r) => r.name)),
    ...(result.byLanguage ? ['', groupTable('language', result.byLanguage, result.rows.map((r) => r.name))] : []),
  ].join('\n');
}

/** One line per group: its queries and every row's NDCG@10 within it. */
function groupTable(title: string, groups: Record<string, QueryGroup>, rows: readonly string[]): string {
  const header = `| ${title} | queries | ${rows.map((r) => `${r} ${COMPARED_METRIC}`).join(' | ')} |`;
  const rule = `|---|---:|${rows.map(() => '---:').join('|')}|`;
  const lines = Object.entries(groups).map(([name, g]) => `| ${name} | ${g.queries} | ${rows.map((r) => (g.rows[r]?.[COMPARED_METRIC] ?? Number.NaN).toFixed(4)).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}
